import { startTracing } from '@eventify/kit/tracing';

// Tracing before the service is imported: its instrumentations patch http, undici, mongodb, pg and ioredis as
// they load, so everything else comes in by dynamic import after it (docs/observability.md).
await startTracing('notification');
const { main, runService } = await import('@eventify/kit');
const { buildNotificationService } = await import('./app.js');
const { loadNotificationConfig } = await import('./config.js');

main(async () => {
  const config = loadNotificationConfig();
  const app = await buildNotificationService(config);
  await runService(app, config);
});
