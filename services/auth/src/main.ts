import { startTracing } from '@eventify/kit/tracing';

// Tracing before the service is imported: its instrumentations patch http, undici, mongodb, pg and ioredis as
// they load, so everything else comes in by dynamic import after it (docs/observability.md).
await startTracing('auth');
const { main, runService } = await import('@eventify/kit');
const { buildAuthService } = await import('./app.js');
const { loadAuthConfig } = await import('./config.js');

main(async () => {
  const config = loadAuthConfig();
  const app = await buildAuthService(config);
  await runService(app, config);
});
