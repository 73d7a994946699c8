import { createApp, serveMetrics, type App, type MetricsSource, type Mtls } from '@eventify/kit';
import type { GatewayConfig, Upstreams } from './config.js';
import { registerServiceReadiness } from './readiness.js';

/**
 * The ops listener (OPS_PORT, plain HTTP): `GET /metrics` for Prometheus and `GET /readyz/services` for
 * operators. Kept off the public port so neither the metrics nor the map of services is anyone's to read: the
 * ingress routes only the public port, and in development the listener is bound to 127.0.0.1.
 */
export async function registerOpsListener(app: App, config: GatewayConfig, upstreams: Upstreams, mtls: Mtls | undefined): Promise<void> {
  const ops = await createOpsListener(config, app.metrics!);
  registerServiceReadiness(ops, upstreams, config.READINESS_TIMEOUT_MS, mtls);
  app.addHook('onReady', async () => {
    await ops.listen({ port: config.OPS_PORT, host: config.OPS_HOST });
  });
  app.addHook('onClose', async () => {
    await ops.close();
  });
}

/**
 * The ops listener with `/metrics`, not yet listening (`/readyz/services` is added by the caller, which holds the
 * certificate it presents). `metrics`: the process's registry, or the cluster's sum of its workers'.
 */
export async function createOpsListener(config: GatewayConfig, metrics: MetricsSource): Promise<App> {
  // Plain HTTP whatever the public side uses: the kubelet and Prometheus reach it inside the pod network. No
  // request context either: one scrape would turn on AsyncLocalStorage's per-promise hook for the whole process.
  const ops = await createApp({
    name: 'gateway-ops',
    config: { ...config, TLS_CERT_FILE: undefined, TLS_KEY_FILE: undefined },
    healthRoutes: false,
    metrics: 'none',
    requestContext: false,
  });
  serveMetrics(ops, metrics);
  return ops;
}
