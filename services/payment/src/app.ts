import { fileURLToPath } from 'node:url';
import { buildService, createServiceClient, migrate, type App } from '@eventify/kit';
import type { PaymentServiceConfig } from './config.js';
import { Outbox } from './data/outbox.js';
import { PaymentsRepository } from './data/payments-repository.js';
import { Payments } from './domain/payments.js';
import { subscribePaymentEvents } from './events/handlers.js';
import { registerPaymentRoutes } from './http/routes.js';
import { createStripe } from './stripe/stripe-client.js';

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
      const outbox = new Outbox(pool);
      const stripe = createStripe(config.STRIPE_SECRET_KEY, config.STRIPE_API_URL);
      const bookings = createServiceClient({ service: 'booking', baseUrl: config.BOOKING_SERVICE_URL, internalToken: config.INTERNAL_TOKEN });
      const events = createServiceClient({ service: 'event', baseUrl: config.EVENT_SERVICE_URL, internalToken: config.INTERNAL_TOKEN });

      // The relay publishes the outbox on a timer, and at once after a change.
      let running: Promise<unknown> = Promise.resolve();
      let again = false;
      let ticks = 0;
      const relay = () => {
        if (stopped) return;
        const publish = async () => {
          do {
            again = false;
            await outbox.relay(async (type, payload, id, occurredAt) => void (await ctx.bus.publish(type, payload, { id, occurredAt })));
          } while (again);
        };
        running = running.then(publish).catch((error) => ctx.log.warn({ err: error }, 'outbox relay failed; retrying'));
      };
      const kick = () => {
        again = true;
        relay();
      };
      let stopped = false;
      const payments = new Payments(
        repository,
        outbox,
        stripe,
        bookings,
        events,
        { secret: config.STRIPE_WEBHOOK_SECRET, toleranceSeconds: config.STRIPE_WEBHOOK_TOLERANCE_SECONDS },
        ctx.log,
        kick,
      );
      registerPaymentRoutes(ctx.app, payments, ctx.guards);
      subscribePaymentEvents(ctx.bus, payments);

      const timer = setInterval(() => {
        relay();
        if (++ticks % 20 === 0) running = running.then(() => payments.retryStalledRefunds()).catch(() => undefined);
      }, config.OUTBOX_INTERVAL_MS);
      ctx.onShutdown(async () => {
        stopped = true;
        clearInterval(timer);
        await running;
      });
    },
  });
  return app;
}
