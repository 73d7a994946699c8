import type { ServiceName } from '@eventify/contracts';
import { Mtls, replicaDispatcher, replicaFetch, type App, type MtlsFetch } from '@eventify/kit';
import type { GatewayConfig } from './config.js';

/**
 * The gateway's certificate for its side towards the services (mutual TLS), followed through renewals.
 * Undefined when no MTLS_DIR is set (only plain-HTTP upstreams, which production refuses).
 */
export function loadUpstreamTls(app: App, config: GatewayConfig): Mtls | undefined {
  if (!config.MTLS_DIR) return undefined;
  const mtls = Mtls.load(config.MTLS_DIR);
  if (mtls.identity !== 'gateway')
    throw new Error(`gateway: MTLS_DIR=${config.MTLS_DIR} holds the ${mtls.identity} service's certificate, not the gateway's`);
  const stop = mtls.watch(app.log as unknown as Parameters<Mtls['watch']>[0]);
  app.addHook('onClose', async () => {
    stop();
    await mtls.close();
  });
  return mtls;
}

/**
 * Towards a service: over https://, undici dispatchers presenting the gateway's certificate and accepting only that
 * service's (renewed without a restart); kept-alive connections and resumed TLS sessions keep the cost low. With
 * several replicas, requests are spread over them and one that is down is skipped (kit `replicaDispatcher`); the
 * mutual TLS applies to each. Plain http:// (fixtures, the TLS benchmark's baseline) gets the same spreading.
 */
export function upstreamDispatcher(
  mtls: Mtls | undefined,
  service: ServiceName,
  urls: readonly string[],
  timeoutMs: number,
): ReturnType<typeof replicaDispatcher> | undefined {
  const timeouts = { headersTimeout: timeoutMs, bodyTimeout: timeoutMs };
  // The connect timeout covers the TLS handshake too, which a busy service can take seconds to finish during a burst:
  // it is part of the service's answer time (a service that is down still refuses the connection at once).
  if (mtls && urls[0]!.startsWith('https:')) return mtls.dispatcher(service, { ...timeouts, connect: { timeout: timeoutMs } }, urls);
  if (urls.length > 1) return replicaDispatcher(urls, { ...timeouts, connectTimeout: Math.min(timeoutMs, 3_000) });
  return undefined;
}

/** `fetch` for one service (its replicas): over mutual TLS (expecting that service's certificate) for https:// URLs. */
export function upstreamFetch(mtls: Mtls | undefined, service: ServiceName, urls: readonly string[]): MtlsFetch {
  if (mtls && urls[0]!.startsWith('https:')) return mtls.fetcher(service, {}, urls);
  return urls.length === 1 ? fetch : replicaFetch(urls);
}
