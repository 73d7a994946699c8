import { main, runService } from '@eventify/kit';
import { buildPaymentService } from './app.js';
import { loadPaymentConfig } from './config.js';

main(async () => {
  const config = loadPaymentConfig();
  const app = await buildPaymentService(config);
  await runService(app, config);
});
