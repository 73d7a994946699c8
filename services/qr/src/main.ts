import { main, runService } from '@eventify/kit';
import { buildQrService } from './app.js';
import { loadQrConfig } from './config.js';

main(async () => {
  const config = loadQrConfig();
  const app = await buildQrService(config);
  await runService(app, config);
});
