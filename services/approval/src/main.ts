import { startTracing } from '@eventify/kit/tracing';

// Tracing before the service is imported: its instrumentations patch http, undici, mongodb, pg and ioredis as
// they load, so everything else comes in by dynamic import after it (docs/observability.md).
await startTracing('approval');
const { main, runService } = await import('@eventify/kit');
const { buildApprovalService } = await import('./app.js');
const { loadApprovalConfig } = await import('./config.js');

main(async () => {
  const config = loadApprovalConfig();
  const app = await buildApprovalService(config);
  await runService(app, config);
});
