import { main, runService } from '@eventify/kit';
import { buildAuthService } from './app.js';
import { loadAuthConfig } from './config.js';

main(async () => {
  const config = loadAuthConfig();
  const app = await buildAuthService(config);
  await runService(app, config);
});
