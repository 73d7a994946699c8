import type { ServiceName } from '@eventify/contracts';
import { PROBLEM_CONTENT_TYPE, type App, type Mtls, type MtlsFetch } from '@eventify/kit';
import type { Upstreams } from './config.js';
import { upstreamFetch } from './upstream-tls.js';

export interface ServiceReadiness {
  status: 'ready' | 'not_ready' | 'unreachable';
  url: string;
  latencyMs: number;
  detail?: string;
  /** Each replica's own answer, when the service runs as several. */
  replicas?: ServiceReadiness[];
}

async function probe(url: string, timeoutMs: number, fetch: MtlsFetch): Promise<ServiceReadiness> {
  const started = performance.now();
  const latency = () => Math.round(performance.now() - started);
  try {
    const response = await fetch(`${url}/readyz`, { signal: AbortSignal.timeout(timeoutMs) });
    const body = (await response.json().catch(() => ({}))) as { detail?: string };
    if (response.status === 200) return { status: 'ready', url, latencyMs: latency() };
    return { status: 'not_ready', url, latencyMs: latency(), detail: body.detail ?? `answered ${response.status}` };
  } catch (error) {
    const timedOut = (error as Error).name === 'TimeoutError';
    return { status: 'unreachable', url, latencyMs: latency(), detail: timedOut ? `no answer within ${timeoutMs} ms` : 'not reachable' };
  }
}

/**
 * A service is ready when one of its replicas is: the gateway sends requests only to replicas that take them.
 * Each replica is asked on its own address (not through the balancer), so the answer lists every one.
 */
async function probeService(name: ServiceName, urls: string[], timeoutMs: number, mtls?: Mtls): Promise<ServiceReadiness> {
  const replicas = await Promise.all(urls.map((url) => probe(url, timeoutMs, upstreamFetch(mtls, name, [url]))));
  if (replicas.length === 1) return replicas[0]!;
  const best = replicas.find((r) => r.status === 'ready') ?? replicas[0]!;
  return { ...best, replicas };
}

/**
 * `/readyz/services` (ops listener): whether each service the gateway routes to says it is ready. For operators
 * and dashboards, not for the gateway's own readiness: one service down must not take every gateway pod out of
 * rotation (the gateway answers 503 for that service's routes and serves the rest).
 */
export function registerServiceReadiness(app: App, upstreams: Upstreams, timeoutMs: number, mtls?: Mtls): void {
  app.get('/readyz/services', { schema: { hide: true } }, async (_request, reply) => {
    const entries = await Promise.all(
      Object.entries(upstreams).map(
        async ([name, urls]) => [name, await probeService(name as ServiceName, urls!, timeoutMs, mtls)] as const,
      ),
    );
    const services = Object.fromEntries(entries);
    const down = entries.filter(([, r]) => r.status !== 'ready').map(([name]) => name);
    if (down.length === 0) return { status: 'ready', service: 'gateway', services };
    return reply
      .status(503)
      .type(PROBLEM_CONTENT_TYPE)
      .send({
        type: 'https://eventify.dev/problems/not-ready',
        title: 'Not ready',
        status: 503,
        detail: `Not ready: ${down.join(', ')}.`,
        services,
      });
  });
}
