import { main, runService } from '@eventify/kit';
import { buildEventService } from './app.js';
import { loadEventConfig } from './config.js';

main(async () => {
  const config = loadEventConfig();
  const app = await buildEventService(config);
  await runService(app, config);
});
