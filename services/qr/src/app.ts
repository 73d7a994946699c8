import { buildService, createServiceClient, type App } from '@eventify/kit';
import type { QrServiceConfig } from './config.js';
import { TicketsRepository } from './data/tickets-repository.js';
import { Entry } from './domain/entry.js';
import { EventAccessCache } from './domain/event-access.js';
import { TicketCodes } from './domain/ticket-code.js';
import { Tickets } from './domain/tickets.js';
import { subscribeQrEvents } from './events/handlers.js';
import { registerQrRoutes } from './http/routes.js';

export async function buildQrService(config: QrServiceConfig): Promise<App> {
  const { app } = await buildService({
    name: 'qr',
    config,
    uses: { mongo: true },
    openapi: { title: 'Eventify QR & entry service', description: 'Tickets with signed QR codes, scanning at the door, entry figures.' },
    async register(ctx) {
      const repository = new TicketsRepository(ctx.mongo!.db, ctx.outbox, ctx.mutex);
      await repository.ensureIndexes();
      const codes = new TicketCodes(config.QR_SIGNING_SECRET);
      const events = createServiceClient({ service: 'event', baseUrl: config.EVENT_SERVICE_URL, mtls: ctx.mtls });
      const access = new EventAccessCache(ctx.redis.redis, config.REDIS_NAMESPACE, events, config.EVENT_ACCESS_CACHE_SECONDS);
      const tickets = new Tickets(repository, codes, ctx.mutex);
      const entry = new Entry(repository, codes, access);
      registerQrRoutes(ctx.app, tickets, entry, ctx.guards);
      subscribeQrEvents(ctx.bus, tickets, access);
    },
  });
  return app;
}
