import { startTracing } from '@eventify/kit/tracing';

// Tracing before the service is imported: its instrumentations patch http, undici, mongodb, pg and ioredis as
// they load, so everything else comes in by dynamic import after it (docs/observability.md).
await startTracing('booking');
const { main, runService } = await import('@eventify/kit');
const { buildBookingService } = await import('./app.js');
const { loadBookingConfig } = await import('./config.js');

main(async () => {
  const config = loadBookingConfig();
  const app = await buildBookingService(config);
  await runService(app, config);
});
