import { fileURLToPath } from 'node:url';
import { buildService, createServiceClient, migrate, PostgresOutbox, type App } from '@eventify/kit';
import type { PaymentServiceConfig } from './config.js';
import { PaymentsRepository } from './data/payments-repository.js';
import { Payments } from './domain/payments.js';
import { subscribePaymentEvents } from './events/handlers.js';
import { registerPaymentRoutes } from './http/routes.js';
import { createStripe } from './stripe/stripe-client.js';

const REFUND_RETRY_INTERVAL_MS = 10_000;
const MIGRATIONS = fileURLToPath(new URL('../migrations', import.meta.url));

export async function buildPaymentService(config: PaymentServiceConfig): Promise<App> {
  const { app } = await buildService({
    name: 'payment',
    config,
    uses: { postgres: true },
    openapi: { title: 'Eventify payment service', description: 'Stripe PaymentIntents for bookings, the Stripe webhook, refunds.' },
    async register(ctx) {
      const pool = ctx.postgres!.pool;
      await migrate(pool, MIGRATIONS, ctx.log);
      const repository = new PaymentsRepository(pool);
      const outbox = ctx.outbox.add(new PostgresOutbox(pool, () => ctx.outbox.kick()));
      const stripe = createStripe(config.STRIPE_SECRET_KEY, config.STRIPE_API_URL);
      const bookings = createServiceClient({ service: 'booking', baseUrl: config.BOOKING_SERVICE_URL, mtls: ctx.mtls });
      const events = createServiceClient({ service: 'event', baseUrl: config.EVENT_SERVICE_URL, mtls: ctx.mtls });
      const payments = new Payments(
        repository,
        outbox,
        stripe,
        bookings,
        events,
        { secret: config.STRIPE_WEBHOOK_SECRET, toleranceSeconds: config.STRIPE_WEBHOOK_TOLERANCE_SECONDS },
        ctx.log,
      );
      registerPaymentRoutes(ctx.app, payments, ctx.guards);
      subscribePaymentEvents(ctx.bus, payments);

      // Refunds recorded while Stripe was unreachable are sent again.
      let retrying: Promise<unknown> = Promise.resolve();
      const timer = setInterval(() => {
        retrying = retrying
          .then(() => payments.retryStalledRefunds())
          .catch((error) => ctx.log.warn({ err: error }, 'refund retry failed'));
      }, REFUND_RETRY_INTERVAL_MS);
      ctx.onShutdown(async () => {
        clearInterval(timer);
        await retrying;
      });
    },
  });
  return app;
}
