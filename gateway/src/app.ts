import { createApp, type App, type ReadinessCheck } from '@eventify/kit';
import { upstreams, type GatewayConfig } from './config.js';
import { registerDocs } from './docs.js';
import { registerProxies } from './proxy.js';
import { registerOpsListener } from './ops.js';
import { registerAccessControl, registerHttpSecurity } from './security.js';
import { loadUpstreamTls } from './upstream-tls.js';

/** The gateway: the single public entry point. Routes by prefix to the services behind it. */
export async function buildGateway(config: GatewayConfig): Promise<App> {
  const checks: ReadinessCheck[] = [];
  const app = await createApp({
    name: 'gateway',
    config,
    openapi: { title: 'Eventify gateway' },
    // /readyz is about the gateway itself (its rate-limit store), never the services behind it: one service
    // down must not take every gateway pod out of rotation. The per-service list is on the ops listener.
    readiness: () => checks,
    http2: config.HTTP2,
    metrics: 'collect',
  });
  const targets = upstreams(config);
  const mtls = loadUpstreamTls(app, config);
  await registerHttpSecurity(app, config);
  checks.push(...(await registerAccessControl(app, config, mtls)));
  await registerOpsListener(app, config, targets, mtls);
  registerDocs(app, targets, config.READINESS_TIMEOUT_MS, mtls);
  await registerProxies(app, targets, { timeoutMs: config.UPSTREAM_TIMEOUT_MS, trustedProxies: config.TRUST_PROXY, mtls });
  return app;
}
