import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { config } from '@/config';

export interface RecordedRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingMessage['headers'];
  body: unknown;
}

export interface Reply {
  status?: number;
  body?: unknown;
  headers?: Record<string, string>;
  /** Hold the answer back, to see a loading state. */
  delayMs?: number;
}

type Handler = (request: RecordedRequest) => Reply | Promise<Reply>;

/** A problem+json answer, as every error of the gateway is. */
export function problem(status: number, detail: string, extra: Record<string, unknown> = {}): Reply {
  return {
    status,
    body: { type: `https://eventify.dev/problems/${extra.code ?? 'error'}`, title: 'Problem', status, detail, ...extra },
    headers: { 'content-type': 'application/problem+json' },
  };
}

/**
 * A real HTTP server on a free port that answers as the gateway would, with the answers each test gives it,
 * and records every request (method, path, query, headers, JSON body). The app is pointed at it.
 */
export class ApiServer {
  readonly requests: RecordedRequest[] = [];
  private readonly routes = new Map<string, Handler>();
  private server: Server | null = null;
  private unreachable = false;

  /** Answer `METHOD /path` (exact path; `*` in the path matches one segment). */
  on(route: string, handler: Handler | Reply): this {
    this.routes.set(route, typeof handler === 'function' ? handler : () => handler);
    return this;
  }

  reset(): void {
    this.routes.clear();
    this.requests.length = 0;
    this.unreachable = false;
  }

  /**
   * No network: every call from now on has its connection dropped before an answer, as when the phone has no
   * signal, so the app's fetch fails the way it does offline. `reset()` brings the network back.
   */
  goOffline(): void {
    this.unreachable = true;
  }

  /** The network is back: calls reach the server again, with the answers given so far. */
  goOnline(): void {
    this.unreachable = false;
  }

  called(route: string): RecordedRequest[] {
    return this.requests.filter((r) => matches(route, r.method, r.path));
  }

  async start(): Promise<void> {
    this.server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    config.apiUrl = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    // A call still under way (a test that failed half-way, a delayed answer) must not keep the file from ending.
    server.closeAllConnections();
    await closed;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (this.unreachable) {
      req.socket.destroy();
      return;
    }
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const url = new URL(req.url ?? '/', 'http://localhost');
    const text = Buffer.concat(chunks).toString();
    const recorded: RecordedRequest = {
      method: req.method ?? 'GET',
      path: url.pathname,
      query: url.searchParams,
      headers: req.headers,
      body: text ? JSON.parse(text) : undefined,
    };
    this.requests.push(recorded);
    const handler = [...this.routes].find(([route]) => matches(route, recorded.method, recorded.path))?.[1];
    const reply = handler ? await handler(recorded) : problem(404, `No test answer for ${recorded.method} ${recorded.path}`);
    if (reply.delayMs) await new Promise((r) => setTimeout(r, reply.delayMs));
    const status = reply.status ?? 200;
    res.writeHead(status, { 'content-type': 'application/json', ...reply.headers });
    res.end(status === 204 || reply.body === undefined ? undefined : JSON.stringify(reply.body));
  }
}

function matches(route: string, method: string, path: string): boolean {
  const [routeMethod, routePath] = route.split(' ');
  if (routeMethod !== method || !routePath) return false;
  const want = routePath.split('/');
  const got = path.split('/');
  return want.length === got.length && want.every((part, i) => part === '*' || part === got[i]);
}
