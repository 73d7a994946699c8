import { createStripeStandin } from './standin.js';

// Configuration: STRIPE_STANDIN_PORT (or PORT), STRIPE_WEBHOOK_URL, STRIPE_WEBHOOK_SECRET.
const port = Number(process.env.PORT ?? process.env.STRIPE_STANDIN_PORT ?? 12180);
const webhookSecret = process.env.STRIPE_WEBHOOK_SECRET;
if (!webhookSecret?.startsWith('whsec_')) {
  console.error("stripe-standin: STRIPE_WEBHOOK_SECRET must be set to the payment service's endpoint secret (whsec_…)");
  process.exit(1);
}
const app = createStripeStandin({ webhookUrl: process.env.STRIPE_WEBHOOK_URL, webhookSecret, logger: process.env.NODE_ENV !== 'test' });
await app.listen({ host: process.env.HOST ?? '127.0.0.1', port });
const stop = () => void app.close().then(() => process.exit(0));
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
