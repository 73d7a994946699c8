import { startTracing } from '@eventify/kit/tracing';

// Tracing before the service is imported: its instrumentations patch http, undici, mongodb, pg and ioredis as
// they load, so everything else comes in by dynamic import after it (docs/observability.md).
await startTracing('event');
const { main, runService } = await import('@eventify/kit');
const { buildEventService } = await import('./app.js');
const { loadEventConfig } = await import('./config.js');

main(async () => {
  const config = loadEventConfig();
  const app = await buildEventService(config);
  await runService(app, config);
});
