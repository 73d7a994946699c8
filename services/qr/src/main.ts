import { startTracing } from '@eventify/kit/tracing';

// Tracing before the service is imported: its instrumentations patch http, undici, mongodb, pg and ioredis as
// they load, so everything else comes in by dynamic import after it (docs/observability.md).
await startTracing('qr');
const { main, runService } = await import('@eventify/kit');
const { buildQrService } = await import('./app.js');
const { loadQrConfig } = await import('./config.js');

main(async () => {
  const config = loadQrConfig();
  const app = await buildQrService(config);
  await runService(app, config);
});
