import { startTracing } from '@eventify/kit/tracing';

// Tracing before the service is imported: its instrumentations patch http, undici, mongodb, pg and ioredis as
// they load, so everything else comes in by dynamic import after it (docs/observability.md).
await startTracing('user');
const { main, runService } = await import('@eventify/kit');
const { buildUserService } = await import('./app.js');
const { loadUserConfig } = await import('./config.js');

main(async () => {
  const config = loadUserConfig();
  const app = await buildUserService(config);
  await runService(app, config);
});
