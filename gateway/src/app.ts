import { createApp, type App } from '@eventify/kit';
import { upstreams, type GatewayConfig } from './config.js';
import { registerDocs } from './docs.js';
import { registerProxies } from './proxy.js';
import { registerReadiness } from './readiness.js';
import { registerAccessControl, registerHttpSecurity } from './security.js';
import { loadUpstreamTls } from './upstream-tls.js';

/** The gateway: the single public entry point. Routes by prefix to the services behind it. */
export async function buildGateway(config: GatewayConfig): Promise<App> {
  const app = await createApp({
    name: 'gateway',
    config,
    openapi: { title: 'Eventify gateway' },
    healthRoutes: false,
    http2: config.HTTP2,
  });
  const targets = upstreams(config);
  const mtls = loadUpstreamTls(app, config);
  await registerHttpSecurity(app, config);
  await registerAccessControl(app, config, mtls);
  registerReadiness(app, targets, config.READINESS_TIMEOUT_MS, mtls);
  registerDocs(app, targets, config.READINESS_TIMEOUT_MS, mtls);
  await registerProxies(app, targets, { timeoutMs: config.UPSTREAM_TIMEOUT_MS, trustedProxyHops: config.TRUSTED_PROXY_HOPS, mtls });
  return app;
}
