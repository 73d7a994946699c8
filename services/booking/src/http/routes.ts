import { z } from 'zod';
import { BookingSchema, pageOf } from '@eventify/contracts';
import {
  decodeCursor,
  idempotencyKeyHeaders,
  idempotencyKeyOf,
  encodeCursor,
  pageQuerySchema,
  principalOf,
  problems,
  type App,
  type Guards,
} from '@eventify/kit';
import type { Bookings } from '../domain/bookings.js';
import type { EventChanges } from '../domain/event-changes.js';

const idParams = z.object({ id: z.string().min(1).max(64) });
const cursorSchema = z.object({ c: z.string(), id: z.string() });

export function registerBookingRoutes(app: App, bookings: Bookings, changes: EventChanges, guards: Guards): void {
  const user = { onRequest: guards.authenticate };

  app.post(
    '/bookings',
    {
      ...user,
      schema: {
        summary: 'Book tickets: paid tiers are held until paid (pending_payment, expiresAt), free ones confirm at once',
        description: 'Send an Idempotency-Key header to make retries safe: the same key returns the same booking (200).',
        headers: idempotencyKeyHeaders,
        body: z.object({
          eventId: z.string().min(1).max(64),
          items: z
            .array(z.object({ tierId: z.string().min(1).max(64), quantity: z.number().int().min(1, 'must be at least 1').max(100) }))
            .min(1, 'needs at least one item')
            .max(20),
        }),
        response: { 201: BookingSchema, 200: BookingSchema, ...problems(404, 409) },
      },
    },
    async (request, reply) => {
      const key = idempotencyKeyOf(request.headers);
      const { created, booking } = await bookings.create(principalOf(request).userId, request.body, key);
      return reply.status(created ? 201 : 200).send(booking);
    },
  );

  app.get(
    '/bookings',
    { ...user, schema: { summary: 'Your bookings, newest first', querystring: pageQuerySchema, response: { 200: pageOf(BookingSchema) } } },
    async (request) => {
      const position = decodeCursor(request.query.cursor, cursorSchema);
      const page = await bookings.list(
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
    '/bookings/:id',
    { ...user, schema: { summary: 'One of your bookings', params: idParams, response: { 200: BookingSchema } } },
    async (request) => bookings.read(request.params.id, principalOf(request).userId),
  );

  app.post(
    '/bookings/:id/cancel',
    {
      ...user,
      schema: {
        summary: 'Cancel your booking (refund policy: see docs/booking.md)',
        params: idParams,
        response: { 200: BookingSchema, ...problems(409) },
      },
    },
    async (request) => bookings.cancelByOwner(request.params.id, principalOf(request).userId),
  );

  app.post(
    '/internal/bookings/holds',
    { onRequest: guards.internalOnly, schema: { hide: true, body: z.object({ keys: z.array(z.string().min(1).max(80)).max(1_000) }) } },
    async (request) => bookings.holding(request.body.keys),
  );

  // The notification service tells every ticket holder when their event's date or place changed.
  app.get(
    '/internal/bookings/holders',
    {
      onRequest: guards.internalOnly,
      schema: {
        hide: true,
        querystring: z.object({
          eventId: z.string().min(1).max(64),
          after: z.string().min(1).max(100).optional(),
          limit: z.coerce.number().int().min(1).max(1_000).default(500),
        }),
      },
    },
    async (request) => changes.holders(request.query.eventId, request.query.after, request.query.limit),
  );

  app.get('/internal/bookings/:id', { onRequest: guards.internalOnly, schema: { hide: true, params: idParams } }, async (request) =>
    bookings.internal(request.params.id),
  );
}
