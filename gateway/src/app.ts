import { createApp, type App } from '@eventify/kit';
import { upstreams, type GatewayConfig } from './config.js';
import { MergedDocs, registerDocs } from './docs.js';
import { registerResponseCheck } from './response-check.js';
import { registerProxies } from './proxy.js';
import { registerOpsListener } from './ops.js';
import { registerAccessControl, registerHttpSecurity } from './security.js';
import { loadUpstreamTls } from './upstream-tls.js';

/** The gateway: the single public entry point. Routes by prefix to the services behind it. One process or one worker. */
export async function buildGateway(config: GatewayConfig, options: { opsListener: boolean } = { opsListener: true }): Promise<App> {
  const app = await createApp({
    name: 'gateway',
    config,
    openapi: { title: 'Eventify gateway' },
    // No readiness checks: /readyz is about the gateway process alone. Not the services behind it: one service down must not take
    // every gateway pod out of rotation (their routes answer 503, the rest serve; the per-service list is on the
    // ops listener). Not Redis either: rate limits fail open while it is away, so a Redis outage must not turn
    // into a whole-platform outage by failing every gateway's probe at once.
    http2: config.HTTP2,
    metrics: 'collect',
    // The request id is passed on explicitly (proxy.ts); no per-request async context needed.
    requestContext: false,
  });
  const targets = upstreams(config);
  const mtls = loadUpstreamTls(app, config);
  await registerHttpSecurity(app, config);
  const limits = await registerAccessControl(app, config, mtls);
  // In a cluster the primary serves it, with every worker's metrics (cluster.ts).
  if (options.opsListener) await registerOpsListener(app, config, targets, mtls);
  const docs = new MergedDocs(targets, {
    timeoutMs: config.READINESS_TIMEOUT_MS,
    ttlMs: config.DOCS_TTL_MS,
    retryMs: config.DOCS_RETRY_MS,
    mtls,
  });
  await registerDocs(app, docs, limits.ownRoute);
  // Tests only (the config refuses it in production): no hook at all otherwise.
  if (config.RESPONSE_CHECK_FILE) registerResponseCheck(app, docs, config.RESPONSE_CHECK_FILE);
  await registerProxies(app, targets, { timeoutMs: config.UPSTREAM_TIMEOUT_MS, trustedProxies: config.TRUST_PROXY, mtls });
  return app;
}
