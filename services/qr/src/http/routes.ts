import { z } from 'zod';
import { decodeCursor, encodeCursor, pageQuerySchema, principalOf, type App, type Guards } from '@eventify/kit';
import type { Entry } from '../domain/entry.js';
import type { Tickets } from '../domain/tickets.js';

const secured = [{ bearerAuth: [] }];
const ticketParams = z.object({ id: z.string().min(1).max(64) });
const cursorSchema = z.object({ at: z.string(), id: z.string() });

export function registerQrRoutes(app: App, tickets: Tickets, entry: Entry, guards: Guards): void {
  const user = { onRequest: guards.authenticate };

  app.get(
    '/tickets',
    { ...user, schema: { summary: 'Your tickets, newest first', security: secured, querystring: pageQuerySchema.extend({ eventId: z.string().min(1).max(64).optional() }) } },
    async (request) => {
      const position = decodeCursor(request.query.cursor, cursorSchema);
      const page = await tickets.list(principalOf(request).userId, request.query.eventId, position ? { issuedAt: new Date(position.at), id: position.id } : undefined, request.query.limit);
      return { items: page.items, nextCursor: page.last ? encodeCursor({ at: page.last.issuedAt.toISOString(), id: page.last._id }) : null };
    },
  );

  app.get('/tickets/:id', { ...user, schema: { summary: 'One of your tickets, with its QR payload', security: secured, params: ticketParams } }, async (request) =>
    tickets.read(request.params.id, principalOf(request).userId),
  );

  app.get('/tickets/:id/qr.svg', { ...user, schema: { summary: 'The QR code of one of your tickets, as SVG', security: secured, params: ticketParams } }, async (request, reply) =>
    reply.type('image/svg+xml').header('cache-control', 'private, no-store').send(await tickets.svg(request.params.id, principalOf(request).userId)),
  );

  app.post(
    '/entry/scan',
    {
      ...user,
      schema: {
        summary: 'Scan a ticket at the door (door staff and the organizer of its event)',
        description: 'Answers 200 with result admitted | already_used | invalid | wrong_event | cancelled. Only the first scan of a ticket admits, at any gate.',
        security: secured,
        body: z.object({
          qr: z.string().trim().min(1, 'is empty').max(512),
          gate: z.string().trim().min(1).max(40).optional(),
          eventId: z.string().min(1).max(64).optional(),
        }),
      },
    },
    async (request) => entry.scan(principalOf(request), request.body),
  );

  app.get(
    '/entry/events/:id/stats',
    { ...user, schema: { summary: 'Checked in against sold, by gate and tier (organizer, door staff)', security: secured, params: z.object({ id: z.string().min(1).max(64) }) } },
    async (request) => entry.stats(principalOf(request), request.params.id),
  );
}
