import { startTracing } from '@eventify/kit/tracing';

// Tracing before the service is imported: its instrumentations patch http, undici, mongodb, pg and ioredis as
// they load, so everything else comes in by dynamic import after it (docs/observability.md).
await startTracing('gateway');
const { default: cluster } = await import('node:cluster');
const { main, runService, shareMetricsWithPrimary } = await import('@eventify/kit');
const { runClusterPrimary } = await import('./cluster.js');
const { buildGateway } = await import('./app.js');
const { loadGatewayConfig } = await import('./config.js');

main(async () => {
  const config = loadGatewayConfig();
  if (config.GATEWAY_WORKERS > 1 && cluster.isPrimary) return runClusterPrimary(config);
  const app = await buildGateway(config, { opsListener: cluster.isPrimary });
  if (cluster.isWorker) shareMetricsWithPrimary(app.metrics!);
  await runService(app, config);
});
