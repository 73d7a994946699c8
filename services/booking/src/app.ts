import { buildService, createServiceClient, type App } from '@eventify/kit';
import type { BookingServiceConfig } from './config.js';
import { BookingsRepository } from './data/bookings-repository.js';
import { Bookings } from './domain/bookings.js';
import { subscribeBookingEvents } from './events/handlers.js';
import { registerBookingRoutes } from './http/routes.js';

export async function buildBookingService(config: BookingServiceConfig): Promise<App> {
  const { app } = await buildService({
    name: 'booking',
    config,
    uses: { mongo: true },
    openapi: { title: 'Eventify booking service', description: 'Book tickets, hold seats while paying, cancel.' },
    async register(ctx) {
      const repository = new BookingsRepository(ctx.mongo!.db);
      await repository.ensureIndexes();
      // Generous: in a rush the event service queues seat takers one at a time per tier.
      const events = createServiceClient({ service: 'event', baseUrl: config.EVENT_SERVICE_URL, internalToken: config.INTERNAL_TOKEN, timeoutMs: 30_000 });
      const bookings = new Bookings(repository, events, ctx.bus, ctx.mutex, { holdMinutes: config.HOLD_MINUTES, refundCutoffHours: config.REFUND_CUTOFF_HOURS }, ctx.log);
      registerBookingRoutes(ctx.app, bookings, ctx.guards);
      subscribeBookingEvents(ctx.bus, bookings);

      // Every replica sweeps; per-booking locks and idempotent releases make that safe.
      let sweeping: Promise<unknown> = Promise.resolve();
      const timer = setInterval(() => {
        sweeping = bookings.sweep().catch((error) => ctx.log.warn({ err: error }, 'expiry sweep failed'));
      }, config.SWEEP_INTERVAL_MS);
      ctx.onShutdown(async () => {
        clearInterval(timer);
        await sweeping;
      });
    },
  });
  return app;
}
