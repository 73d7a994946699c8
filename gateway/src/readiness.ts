import type { ServiceName } from '@eventify/contracts';
import { PROBLEM_CONTENT_TYPE, type App, type Mtls, type MtlsFetch } from '@eventify/kit';
import { upstreamFetch } from './upstream-tls.js';

export interface ServiceReadiness {
  status: 'ready' | 'not_ready' | 'unreachable';
  url: string;
  latencyMs: number;
  detail?: string;
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
 * `/readyz/services` (ops listener): whether each service the gateway routes to says it is ready. For operators
 * and dashboards, not for the gateway's own readiness: one service down must not take every gateway pod out of
 * rotation (the gateway answers 503 for that service's routes and serves the rest).
 */
export function registerServiceReadiness(app: App, upstreams: Partial<Record<ServiceName, string>>, timeoutMs: number, mtls?: Mtls): void {
  app.get('/readyz/services', { schema: { hide: true } }, async (_request, reply) => {
    const entries = await Promise.all(
      Object.entries(upstreams).map(async ([name, url]) => [name, await probe(url!, timeoutMs, upstreamFetch(mtls, name as ServiceName, url!))] as const),
    );
    const services = Object.fromEntries(entries);
    const down = entries.filter(([, r]) => r.status !== 'ready').map(([name]) => name);
    if (down.length === 0) return { status: 'ready', service: 'gateway', services };
    return reply.status(503).type(PROBLEM_CONTENT_TYPE).send({
      type: 'https://eventify.dev/problems/not-ready',
      title: 'Not ready',
      status: 503,
      detail: `Not ready: ${down.join(', ')}.`,
      services,
    });
  });
}
