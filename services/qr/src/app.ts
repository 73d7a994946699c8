import { buildService, createServiceClient, type App } from '@eventify/kit';
import type { QrServiceConfig } from './config.js';
import { CheckInsRepository } from './data/check-ins-repository.js';
import { TicketKeysRepository } from './data/ticket-keys-repository.js';
import { TicketsRepository } from './data/tickets-repository.js';
import { DoorState } from './data/door-state.js';
import { Admissions } from './domain/admissions.js';
import { CheckInWriter } from './domain/check-in-writer.js';
import { DoorAccess } from './domain/door-access.js';
import { DoorKits } from './domain/door-kit.js';
import { Entry } from './domain/entry.js';
import { EventAccessCache } from './domain/event-access.js';
import { OfflineCheckIns } from './domain/offline-check-ins.js';
import { TicketCodes } from './domain/ticket-code.js';
import { TicketDirectory } from './domain/ticket-directory.js';
import { TicketKeys, sealingKeyFrom } from './domain/ticket-keys.js';
import { Tickets } from './domain/tickets.js';
import { subscribeQrEvents } from './events/handlers.js';
import { registerQrRoutes } from './http/routes.js';

export async function buildQrService(config: QrServiceConfig): Promise<App> {
  const { app } = await buildService({
    name: 'qr',
    config,
    uses: { mongo: true },
    openapi: {
      title: 'Eventify QR & entry service',
      description: 'Tickets with signed QR codes, scanning at the door (online and offline), entry figures.',
    },
    async register(ctx) {
      const db = ctx.mongo!.db;
      const repository = new TicketsRepository(db, ctx.outbox, ctx.mutex);
      const checkIns = new CheckInsRepository(db, ctx.outbox);
      await Promise.all([repository.ensureIndexes(), checkIns.ensureIndexes()]);
      const keys = new TicketKeys(
        new TicketKeysRepository(db),
        ctx.mutex,
        sealingKeyFrom(config.QR_KEY_ENCRYPTION_KEY ?? config.QR_SIGNING_SECRET),
        ctx.log,
      );
      await keys.ensureSigningKey();
      const codes = new TicketCodes(keys, config.QR_SIGNING_SECRET);
      const events = createServiceClient({ service: 'event', baseUrl: config.EVENT_SERVICE_URL, mtls: ctx.mtls });
      const access = new EventAccessCache(ctx.redis.redis, ctx.keyPrefix, events, config.EVENT_ACCESS_CACHE_SECONDS);
      const door = new DoorAccess(access);
      const doorState = new DoorState(ctx.redis.redis, ctx.keyPrefix);
      const writer = new CheckInWriter(checkIns, doorState, (entries) => ctx.bus.publishEntries(entries), ctx.log, {
        maxBatch: config.CHECKIN_BATCH_MAX,
        orphanAfterMs: config.CHECKIN_ORPHAN_AFTER_MS,
        answerWithinMs: config.CHECKIN_ANSWER_WITHIN_MS,
      });
      const admissions = new Admissions(doorState, writer, repository, checkIns, ctx.mutex);
      const tickets = new Tickets(repository, checkIns, codes, ctx.mutex, admissions);
      registerQrRoutes(ctx.app, {
        tickets,
        entry: new Entry(repository, checkIns, new TicketDirectory(repository), admissions, codes, door),
        doorKits: new DoorKits(repository, checkIns, keys, door),
        offline: new OfflineCheckIns(repository, checkIns, codes, door, admissions, ctx.log),
        keys,
        guards: ctx.guards,
      });
      subscribeQrEvents(ctx.bus, tickets, access);
      writer.start();
      ctx.onShutdown(() => writer.stop());
    },
  });
  return app;
}
