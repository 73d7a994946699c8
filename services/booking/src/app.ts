import { buildService, createServiceClient, type App } from '@eventify/kit';
import type { BookingServiceConfig } from './config.js';
import { BookingsRepository } from './data/bookings-repository.js';
import { Bookings } from './domain/bookings.js';
import { EventChanges } from './domain/event-changes.js';
import { SoldOutMemo } from './domain/sold-out.js';
import { subscribeBookingEvents } from './events/handlers.js';
import { registerBookingRoutes } from './http/routes.js';

const LOCKED_CALL_TIMEOUT_MS = 5_000;

export async function buildBookingService(config: BookingServiceConfig): Promise<App> {
  const { app } = await buildService({
    name: 'booking',
    config,
    uses: { mongo: true },
    openapi: { title: 'Eventify booking service', description: 'Book tickets, hold seats while paying, cancel.' },
    async register(ctx) {
      const repository = new BookingsRepository(ctx.mongo!.db, ctx.outbox, ctx.mutex);
      await repository.ensureIndexes();
      const event = (timeoutMs: number) =>
        createServiceClient({ service: 'event', baseUrl: config.EVENT_SERVICE_URL, mtls: ctx.mtls, timeoutMs });
      const bookings = new Bookings(
        repository,
        // Generous: in a rush the event service queues seat takers one at a time per tier.
        event(config.RESERVATION_TIMEOUT_MS),
        // Calls made under a booking's lock end well within its 10 s lease.
        event(LOCKED_CALL_TIMEOUT_MS),
        ctx.mutex,
        {
          holdMinutes: config.HOLD_MINUTES,
          refundCutoffHours: config.REFUND_CUTOFF_HOURS,
          reservationTimeoutMs: config.RESERVATION_TIMEOUT_MS,
          lockedCallTimeoutMs: LOCKED_CALL_TIMEOUT_MS,
          reservingStuckMs: Math.max(config.RESERVING_STUCK_MS, config.RESERVATION_TIMEOUT_MS * 2),
        },
        ctx.log,
        new SoldOutMemo(config.SOLD_OUT_MEMO_MS),
      );
      const changes = new EventChanges(repository, event(LOCKED_CALL_TIMEOUT_MS), ctx.mutex);
      registerBookingRoutes(ctx.app, bookings, changes, ctx.guards);
      subscribeBookingEvents(ctx.bus, bookings, changes);

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
