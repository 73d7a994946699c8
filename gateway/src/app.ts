import { createApp, type App } from '@eventify/kit';
import { upstreams, type GatewayConfig } from './config.js';
import { registerDocs } from './docs.js';
import { registerProxies } from './proxy.js';
import { registerReadiness } from './readiness.js';

/** The gateway: the single public entry point. Routes by prefix to the services behind it. */
export async function buildGateway(config: GatewayConfig): Promise<App> {
  const app = await createApp({ name: 'gateway', config, openapi: { title: 'Eventify gateway' }, healthRoutes: false });
  const targets = upstreams(config);
  registerReadiness(app, targets, config.READINESS_TIMEOUT_MS);
  registerDocs(app, targets, config.READINESS_TIMEOUT_MS);
  await registerProxies(app, targets, config.UPSTREAM_TIMEOUT_MS);
  return app;
}
