import type { ServiceName } from '@eventify/contracts';
import { Mtls, type App, type MtlsFetch } from '@eventify/kit';
import type { GatewayConfig } from './config.js';

/**
 * The gateway's certificate for its side towards the services (mutual TLS), followed through renewals.
 * Undefined when no MTLS_DIR is set (only plain-HTTP upstreams, which production refuses).
 */
export function loadUpstreamTls(app: App, config: GatewayConfig): Mtls | undefined {
  if (!config.MTLS_DIR) return undefined;
  const mtls = Mtls.load(config.MTLS_DIR);
  if (mtls.identity !== 'gateway') throw new Error(`gateway: MTLS_DIR=${config.MTLS_DIR} holds the ${mtls.identity} service's certificate, not the gateway's`);
  const stop = mtls.watch(app.log as unknown as Parameters<Mtls['watch']>[0]);
  app.addHook('onClose', async () => {
    stop();
    await mtls.close();
  });
  return mtls;
}

/** `fetch` for one service: over mutual TLS (expecting that service's certificate) for an https:// URL. */
export function upstreamFetch(mtls: Mtls | undefined, service: ServiceName, url: string): MtlsFetch {
  return mtls && url.startsWith('https:') ? mtls.fetcher(service) : fetch;
}
