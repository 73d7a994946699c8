import { main, runService } from '@eventify/kit';
import { buildNotificationService } from './app.js';
import { loadNotificationConfig } from './config.js';

main(async () => {
  const config = loadNotificationConfig();
  const app = await buildNotificationService(config);
  await runService(app, config);
});
