import { z } from 'zod';
import { decodeCursor, encodeCursor, pageQuerySchema, principalOf, problems, type App, type Guards } from '@eventify/kit';
import { EventSchema, EventViewSchema, OwnedEventSchema, StaffListSchema, pageOf } from '@eventify/contracts';
import type { DoorStaff } from '../domain/door-staff.js';
import { CATEGORIES, createEventSchema, patchEventSchema } from '../domain/event-schema.js';
import type { Events } from '../domain/events.js';
import type { Seats } from '../domain/seats.js';

const idParams = z.object({ id: z.string().min(1).max(64) });
const browseCursor = z.object({ s: z.string(), id: z.string() });
const mineCursor = z.object({ c: z.string(), id: z.string() });
const dateParam = z.iso.datetime({ offset: true, message: 'must be an ISO 8601 date-time' }).transform((v) => new Date(v));
const email = z.string().trim().max(254).email('must be an e-mail address');

export function registerEventRoutes(app: App, events: Events, guards: Guards): void {
  const organizer = guards.requireRole('organizer', 'admin');

  app.get(
    '/events',
    {
      schema: {
        summary: 'Browse published upcoming events',
        querystring: pageQuerySchema.extend({
          q: z.string().trim().max(200).optional(),
          category: z.enum(CATEGORIES).optional(),
          city: z.string().trim().max(100).optional(),
          from: dateParam.optional(),
          to: dateParam.optional(),
        }),
        response: { 200: pageOf(EventSchema) },
      },
    },
    async (request) => {
      const { limit, cursor, ...filter } = request.query;
      const position = decodeCursor(cursor, browseCursor);
      const page = await events.browse(filter, position ? { startsAt: new Date(position.s), id: position.id } : undefined, limit);
      return { items: page.items, nextCursor: page.last ? encodeCursor({ s: page.last.startsAt.toISOString(), id: page.last._id }) : null };
    },
  );

  app.get(
    '/events/mine',
    {
      onRequest: organizer,
      schema: {
        summary: 'Your events, every status, newest first',
        querystring: pageQuerySchema,
        response: { 200: pageOf(OwnedEventSchema) },
      },
    },
    async (request) => {
      const position = decodeCursor(request.query.cursor, mineCursor);
      const page = await events.mine(
        principalOf(request).userId,
        position ? { createdAt: new Date(position.c), id: position.id } : undefined,
        request.query.limit,
      );
      return {
        items: page.items,
        nextCursor: page.last ? encodeCursor({ c: page.last.createdAt.toISOString(), id: page.last._id }) : null,
      };
    },
  );

  app.get(
    '/events/:id',
    {
      onRequest: guards.optionalAuth,
      schema: { summary: 'One event (published: anyone; otherwise its organizer)', params: idParams, response: { 200: EventViewSchema } },
    },
    async (request) => events.read(request.params.id, request.principal),
  );

  app.post(
    '/events',
    {
      onRequest: organizer,
      schema: { summary: 'Create a draft event with its ticket tiers', body: createEventSchema, response: { 201: OwnedEventSchema } },
    },
    async (request, reply) => reply.status(201).send(await events.create(principalOf(request).userId, request.body)),
  );

  app.patch(
    '/events/:id',
    {
      onRequest: organizer,
      schema: {
        summary: 'Edit your event',
        params: idParams,
        body: patchEventSchema,
        response: { 200: OwnedEventSchema, ...problems(409) },
      },
    },
    async (request) => events.update(request.params.id, principalOf(request), request.body),
  );

  app.post(
    '/events/:id/submit',
    {
      onRequest: organizer,
      schema: { summary: 'Submit your event for review', params: idParams, response: { 200: OwnedEventSchema, ...problems(409) } },
    },
    async (request) => events.submit(request.params.id, principalOf(request)),
  );

  app.post(
    '/events/:id/cancel',
    {
      onRequest: organizer,
      schema: {
        summary: 'Cancel your event (every booking is cancelled and refunded)',
        params: idParams,
        body: z.object({ reason: z.string().trim().max(500).optional() }).optional(),
        response: { 200: OwnedEventSchema, ...problems(409) },
      },
    },
    async (request) => events.cancel(request.params.id, principalOf(request), request.body?.reason),
  );
}

export function registerInternalRoutes(app: App, events: Events, seats: Seats, guards: Guards): void {
  const eventParams = z.object({ eventId: z.string().min(1).max(64) });
  app.get('/internal/events/:eventId', { onRequest: guards.internalOnly, schema: { hide: true, params: eventParams } }, async (request) =>
    events.internalView(request.params.eventId),
  );
  app.post(
    '/internal/events/:eventId/reservations',
    {
      onRequest: guards.internalOnly,
      schema: {
        hide: true,
        params: eventParams,
        body: z.object({
          bookingId: z.string().min(1).max(64),
          items: z
            .array(z.object({ tierId: z.string().min(1).max(64), quantity: z.number().int().min(1).max(100) }))
            .min(1)
            .max(20),
          deadline: z.string().datetime().optional(),
        }),
      },
    },
    async (request) => seats.reserve(request.params.eventId, request.body),
  );
  app.post(
    '/internal/events/:eventId/reservations/:bookingId/release',
    { onRequest: guards.internalOnly, schema: { hide: true, params: eventParams.extend({ bookingId: z.string().min(1).max(64) }) } },
    async (request) => seats.release(request.params.eventId, request.params.bookingId),
  );
}

export function registerDoorStaffRoutes(app: App, staff: DoorStaff, guards: Guards): void {
  const organizer = guards.requireRole('organizer', 'admin');
  const sameAnswer =
    'The answer is the same whether or not someone has an account with the address; they can scan as soon as they have one.';

  app.get(
    '/events/staffed',
    {
      onRequest: guards.authenticate,
      schema: {
        summary: 'Events you may scan tickets for (door staff or organizer), published and not yet over, in start order',
        querystring: pageQuerySchema,
        response: { 200: pageOf(EventSchema) },
      },
    },
    async (request) => {
      const position = decodeCursor(request.query.cursor, browseCursor);
      const page = await staff.scannable(
        principalOf(request),
        position ? { startsAt: new Date(position.s), id: position.id } : undefined,
        request.query.limit,
      );
      return { items: page.items, nextCursor: page.last ? encodeCursor({ s: page.last.startsAt.toISOString(), id: page.last._id }) : null };
    },
  );

  app.get(
    '/events/:id/staff',
    {
      onRequest: organizer,
      schema: { summary: "Your event's door staff, by e-mail", params: idParams, response: { 200: StaffListSchema } },
    },
    async (request) => staff.list(request.params.id, principalOf(request)),
  );

  app.post(
    '/events/:id/staff',
    {
      onRequest: organizer,
      schema: {
        summary: 'Name a door person by e-mail (they may scan once an account with the address exists)',
        description: `${sameAnswer} Naming someone twice changes nothing.`,
        params: idParams,
        body: z.object({ email }),
        response: { 200: StaffListSchema, ...problems(409) },
      },
    },
    async (request) => staff.add(request.params.id, principalOf(request), request.body.email),
  );

  app.delete(
    '/events/:id/staff/:email',
    {
      onRequest: organizer,
      schema: {
        summary: 'Remove a door person (their next scan for this event is refused)',
        description: 'The e-mail address URL-encoded in the path. Removing someone who is not named changes nothing.',
        params: idParams.extend({ email }),
        response: { 200: StaffListSchema, ...problems(409) },
      },
    },
    async (request) => staff.remove(request.params.id, principalOf(request), request.params.email),
  );
}
