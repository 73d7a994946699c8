import { main, runService } from '@eventify/kit';
import { buildBookingService } from './app.js';
import { loadBookingConfig } from './config.js';

main(async () => {
  const config = loadBookingConfig();
  const app = await buildBookingService(config);
  await runService(app, config);
});
