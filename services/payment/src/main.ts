import { startTracing } from '@eventify/kit/tracing';

// Tracing before the service is imported: its instrumentations patch http, undici, mongodb, pg and ioredis as
// they load, so everything else comes in by dynamic import after it (docs/observability.md).
await startTracing('payment');
const { main, runService } = await import('@eventify/kit');
const { buildPaymentService } = await import('./app.js');
const { loadPaymentConfig } = await import('./config.js');

main(async () => {
  const config = loadPaymentConfig();
  const app = await buildPaymentService(config);
  await runService(app, config);
});
