import { buildService, createServiceClient, type App } from '@eventify/kit';
import type { EventServiceConfig } from './config.js';
import { EventsRepository } from './data/events-repository.js';
import { SeatsRepository } from './data/seats-repository.js';
import { DoorStaff } from './domain/door-staff.js';
import { Events } from './domain/events.js';
import { SeatReconciler } from './domain/seat-reconciler.js';
import { Seats } from './domain/seats.js';
import { subscribeEventServiceEvents } from './events/handlers.js';
import { registerDoorStaffRoutes, registerEventRoutes, registerInternalRoutes } from './http/routes.js';

export async function buildEventService(config: EventServiceConfig): Promise<App> {
  const { app } = await buildService({
    name: 'event',
    config,
    uses: { mongo: true },
    openapi: { title: 'Eventify event service', description: 'Events, ticket tiers, review lifecycle, browsing and seats.' },
    async register(ctx) {
      const db = ctx.mongo!.db;
      const eventsRepository = new EventsRepository(db, ctx.outbox, ctx.mutex);
      const seatsRepository = new SeatsRepository(db, ctx.mutex);
      await Promise.all([eventsRepository.ensureIndexes(), seatsRepository.ensureIndexes()]);
      await seatsRepository.moveLegacyHolds();
      const events = new Events(eventsRepository, seatsRepository, ctx.mutex);
      const seats = new Seats(eventsRepository, seatsRepository, config.SEAT_RECONCILE_GRACE_MS);
      const auth = createServiceClient({ service: 'auth', baseUrl: config.AUTH_SERVICE_URL, mtls: ctx.mtls });
      const staff = new DoorStaff(eventsRepository, seatsRepository, ctx.mutex, auth);
      registerDoorStaffRoutes(ctx.app, staff, ctx.guards);
      registerEventRoutes(ctx.app, events, ctx.guards);
      registerInternalRoutes(ctx.app, events, seats, ctx.guards);
      subscribeEventServiceEvents(ctx.bus, events, staff);

      const bookings = createServiceClient({ service: 'booking', baseUrl: config.BOOKING_SERVICE_URL, mtls: ctx.mtls });
      const reconciler = new SeatReconciler(seatsRepository, bookings, { graceMs: config.SEAT_RECONCILE_GRACE_MS, log: ctx.log });
      let reconciling: Promise<unknown> = Promise.resolve();
      const timer = setInterval(() => {
        reconciling = reconciling
          .then(() => reconciler.run())
          .catch((error) => ctx.log.warn({ err: error }, 'seat reconciliation failed; next round retries'));
      }, config.SEAT_RECONCILE_INTERVAL_MS);
      ctx.onShutdown(async () => {
        clearInterval(timer);
        await reconciling;
      });
    },
  });
  return app;
}
