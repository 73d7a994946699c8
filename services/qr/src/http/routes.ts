import { z } from 'zod';
import {
  DoorKitSchema,
  EntryStatsSchema,
  OfflineCheckInResultSchema,
  ScanAnswerSchema,
  TicketKeyRotationSchema,
  TicketSchema,
  pageOf,
} from '@eventify/contracts';
import { decodeCursor, encodeCursor, pageQuerySchema, principalOf, type App, type Guards } from '@eventify/kit';
import type { DoorKits } from '../domain/door-kit.js';
import type { Entry } from '../domain/entry.js';
import type { OfflineCheckIns } from '../domain/offline-check-ins.js';
import type { TicketKeys } from '../domain/ticket-keys.js';
import type { Tickets } from '../domain/tickets.js';

const ticketParams = z.object({ id: z.string().min(1).max(64) });
const eventParams = z.object({ id: z.string().min(1).max(64) });
const cursorSchema = z.object({ at: z.string(), id: z.string() });
const gate = z.string().trim().min(1, 'must not be empty').max(40);
const scannerId = z.string().trim().min(1, 'must not be empty').max(100);

export interface QrRouteDeps {
  tickets: Tickets;
  entry: Entry;
  doorKits: DoorKits;
  offline: OfflineCheckIns;
  keys: TicketKeys;
  guards: Guards;
}

export function registerQrRoutes(app: App, { tickets, entry, doorKits, offline, keys, guards }: QrRouteDeps): void {
  const user = { onRequest: guards.authenticate };

  app.get(
    '/tickets',
    {
      ...user,
      schema: {
        summary: 'Your tickets, newest first',
        querystring: pageQuerySchema.extend({ eventId: z.string().min(1).max(64).optional() }),
        response: { 200: pageOf(TicketSchema) },
      },
    },
    async (request) => {
      const position = decodeCursor(request.query.cursor, cursorSchema);
      const page = await tickets.list(
        principalOf(request).userId,
        request.query.eventId,
        position ? { issuedAt: new Date(position.at), id: position.id } : undefined,
        request.query.limit,
      );
      return {
        items: page.items,
        nextCursor: page.last ? encodeCursor({ at: page.last.issuedAt.toISOString(), id: page.last._id }) : null,
      };
    },
  );

  app.get(
    '/tickets/:id',
    { ...user, schema: { summary: 'One of your tickets, with its QR payload', params: ticketParams, response: { 200: TicketSchema } } },
    async (request) => tickets.read(request.params.id, principalOf(request).userId),
  );

  app.get(
    '/tickets/:id/qr.svg',
    {
      ...user,
      schema: {
        summary: 'The QR code of one of your tickets, as SVG',
        params: ticketParams,
        response: { 200: { description: 'An SVG image', content: { 'image/svg+xml': { schema: z.string() } } } },
      },
    },
    async (request, reply) =>
      reply
        .type('image/svg+xml')
        .header('cache-control', 'private, no-store')
        .send(await tickets.svg(request.params.id, principalOf(request).userId)),
  );

  app.post(
    '/entry/scan',
    {
      ...user,
      schema: {
        summary: 'Scan a ticket at the door (door staff and the organizer of its event)',
        description:
          'Answers 200 with result admitted | already_used | invalid | wrong_event | cancelled. Only the first scan of a ticket admits, at any gate; already_used says when and at which gate. ' +
          'Send scannerId (the device) so that uploading the same admission later as an offline check-in is recognised as a retry.',
        body: z.object({
          qr: z.string().trim().min(1, 'is empty').max(512),
          gate: gate.optional(),
          eventId: z.string().min(1).max(64).optional(),
          scannerId: scannerId.optional(),
        }),
        response: { 200: ScanAnswerSchema },
      },
    },
    async (request) => entry.scan(principalOf(request), request.body),
  );

  app.get(
    '/entry/events/:id/stats',
    {
      ...user,
      schema: {
        summary: 'Checked in against sold, by gate and tier, and tickets admitted twice offline (organizer, door staff)',
        params: eventParams,
        response: { 200: EntryStatsSchema },
      },
    },
    async (request) => entry.stats(principalOf(request), request.params.id),
  );

  app.get(
    '/entry/events/:id/door-kit',
    {
      ...user,
      schema: {
        summary:
          "The event's door kit: public keys, cancelled tickets and check-ins so far, to scan offline (door staff, organizer, admins)",
        description:
          'Ticket codes ET2.<ticketId>.<eventId>.<kid>.<signature> verify with the key of <kid>: Ed25519 over the text before the last dot. The kit holds public keys only.',
        params: eventParams,
        response: { 200: DoorKitSchema },
      },
    },
    async (request, reply) => {
      reply.header('cache-control', 'private, no-store');
      return doorKits.forEvent(principalOf(request), request.params.id);
    },
  );

  app.post(
    '/entry/events/:id/check-ins',
    {
      ...user,
      schema: {
        summary: 'Upload admissions a scanner decided offline (door staff, organizer, admins)',
        description:
          'At most 1000 per request. Per check-in: recorded (the first admission of the ticket), duplicate (this scanner sent it before), conflict (another scanner admitted it first: ' +
          'firstAt, firstGate), invalid (the code does not verify, or names another event or a cancelled ticket). Safe to send again.',
        params: eventParams,
        body: z.object({
          checkIns: z
            .array(
              z.object({
                qr: z.string().max(512),
                gate,
                scannedAt: z.iso.datetime({ offset: true, message: 'must be an ISO 8601 date-time' }).transform((v) => new Date(v)),
                scannerId,
              }),
            )
            .max(1000, 'at most 1000 per request: send the rest in another'),
        }),
        response: { 200: OfflineCheckInResultSchema },
      },
    },
    async (request) => offline.upload(principalOf(request), request.params.id, request.body.checkIns),
  );

  app.post(
    '/entry/keys/rotate',
    {
      onRequest: guards.requireRole('admin'),
      schema: {
        summary: 'Rotate the key that signs ticket codes (admin): new tickets get the new key; tickets already issued keep admitting',
        response: { 200: TicketKeyRotationSchema },
      },
    },
    async () => keys.rotate(),
  );
}
