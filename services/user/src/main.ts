import { main, runService } from '@eventify/kit';
import { buildUserService } from './app.js';
import { loadUserConfig } from './config.js';

main(async () => {
  const config = loadUserConfig();
  const app = await buildUserService(config);
  await runService(app, config);
});
