import { main, runService } from '@eventify/kit';
import { buildGateway } from './app.js';
import { loadGatewayConfig } from './config.js';

main(async () => {
  const config = loadGatewayConfig();
  const app = await buildGateway(config);
  await runService(app, config);
});
