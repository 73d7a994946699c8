import { main, runService } from '@eventify/kit';
import { buildApprovalService } from './app.js';
import { loadApprovalConfig } from './config.js';

main(async () => {
  const config = loadApprovalConfig();
  const app = await buildApprovalService(config);
  await runService(app, config);
});
