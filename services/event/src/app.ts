import { buildService, type App } from '@eventify/kit';
import type { EventServiceConfig } from './config.js';
import { EventsRepository } from './data/events-repository.js';
import { SeatsRepository } from './data/seats-repository.js';
import { Events } from './domain/events.js';
import { Seats } from './domain/seats.js';
import { subscribeReviewDecisions } from './events/handlers.js';
import { registerEventRoutes, registerInternalRoutes } from './http/routes.js';

export async function buildEventService(config: EventServiceConfig): Promise<App> {
  const { app } = await buildService({
    name: 'event',
    config,
    uses: { mongo: true },
    openapi: { title: 'Eventify event service', description: 'Events, ticket tiers, review lifecycle, browsing and seats.' },
    async register(ctx) {
      const db = ctx.mongo!.db;
      const eventsRepository = new EventsRepository(db);
      const seatsRepository = new SeatsRepository(db, ctx.mutex);
      await Promise.all([eventsRepository.ensureIndexes(), seatsRepository.ensureIndexes()]);
      const events = new Events(eventsRepository, seatsRepository, ctx.bus, ctx.mutex);
      const seats = new Seats(eventsRepository, seatsRepository);
      registerEventRoutes(ctx.app, events, ctx.guards);
      registerInternalRoutes(ctx.app, events, seats, ctx.guards);
      subscribeReviewDecisions(ctx.bus, events);
    },
  });
  return app;
}
