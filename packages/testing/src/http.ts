import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Agent, fetch as undiciFetch, type Dispatcher } from 'undici';

/** A small HTTP client for tests: JSON in, status + headers + parsed body out, never throws on 4xx/5xx. */
export interface HttpResult<T = any> {
  status: number;
  headers: Headers;
  body: T;
  text: string;
}

export interface RequestOptions {
  body?: unknown;
  /** Sent as-is (not JSON encoded). */
  rawBody?: string | Buffer;
  token?: string;
  headers?: Record<string, string>;
  timeoutMs?: number;
}

export interface HttpClientOptions {
  /** An undici dispatcher, e.g. `identityAgent(dir)` to present a service's certificate. */
  dispatcher?: Dispatcher;
}

/**
 * An undici Agent that presents the certificate in `dir` (tls.crt, tls.key) and trusts its ca.crt: what a
 * service's own calls look like to the service called.
 */
export function identityAgent(dir: string): Agent {
  const file = (name: string) => readFileSync(join(dir, name));
  return new Agent({ connect: { cert: file('tls.crt'), key: file('tls.key'), ca: file('ca.crt') } });
}

export function httpClient(baseUrl: string, clientOptions: HttpClientOptions = {}) {
  const send = clientOptions.dispatcher
    ? (url: string, init: RequestInit) =>
        undiciFetch(url, {
          ...(init as Parameters<typeof undiciFetch>[1]),
          dispatcher: clientOptions.dispatcher,
        }) as unknown as Promise<Response>
    : fetch;
  const request = async <T = any>(method: string, path: string, options: RequestOptions = {}): Promise<HttpResult<T>> => {
    const headers: Record<string, string> = { ...options.headers };
    if (options.token) headers.authorization = `Bearer ${options.token}`;
    let body: string | Buffer | undefined;
    if (options.rawBody !== undefined) body = options.rawBody;
    else if (options.body !== undefined) {
      body = JSON.stringify(options.body);
      headers['content-type'] ??= 'application/json';
    }
    const response = await send(baseUrl + path, {
      method,
      headers,
      body: body ?? null,
      signal: AbortSignal.timeout(options.timeoutMs ?? 15_000),
    });
    const text = await response.text();
    let parsed: unknown = text;
    if ((response.headers.get('content-type') ?? '').includes('json') && text) parsed = JSON.parse(text);
    return { status: response.status, headers: response.headers, body: parsed as T, text };
  };
  return {
    request,
    get: <T = any>(path: string, options?: RequestOptions) => request<T>('GET', path, options),
    post: <T = any>(path: string, body?: unknown, options?: RequestOptions) => request<T>('POST', path, { ...options, body }),
    put: <T = any>(path: string, body?: unknown, options?: RequestOptions) => request<T>('PUT', path, { ...options, body }),
    patch: <T = any>(path: string, body?: unknown, options?: RequestOptions) => request<T>('PATCH', path, { ...options, body }),
    delete: <T = any>(path: string, options?: RequestOptions) => request<T>('DELETE', path, options),
  };
}

export type HttpClient = ReturnType<typeof httpClient>;
