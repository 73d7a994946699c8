import { startTracing } from '@eventify/kit/tracing';

// Tracing before the service is imported: its instrumentations patch http, undici, mongodb, pg and ioredis as
// they load, so everything else comes in by dynamic import after it (docs/observability.md).
await startTracing('gateway');
const { main, runService } = await import('@eventify/kit');
const { buildGateway } = await import('./app.js');
const { loadGatewayConfig } = await import('./config.js');

main(async () => {
  const config = loadGatewayConfig();
  const app = await buildGateway(config);
  await runService(app, config);
});
