import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { PaymentIntentSchema, PaymentSchema, RefundSchema, WebhookReceiptSchema, pageOf } from '@eventify/contracts';
import {
  badRequest,
  decodeCursor,
  encodeCursor,
  idempotencyKeyHeaders,
  idempotencyKeyOf,
  pageQuerySchema,
  principalOf,
  problems,
  type App,
  type Guards,
} from '@eventify/kit';
import type { Payments } from '../domain/payments.js';

const idParams = z.object({ id: z.string().uuid('must be a payment id') });
/** created_at in UTC with microseconds, and the id: the position after which the next page starts. */
const position = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/)
  // A real instant (no 30 February), so the database never sees a date it cannot read.
  .refine((p) => !Number.isNaN(Date.parse(p)) && new Date(Date.parse(p)).toISOString().slice(0, 19) === p.slice(0, 19));
const cursorSchema = z.object({ p: position, id: z.string().uuid() });

export function registerPaymentRoutes(app: App, payments: Payments, guards: Guards): void {
  app.post(
    '/payments/intents',
    {
      onRequest: guards.authenticate,
      schema: {
        summary: 'Start paying for your booking: a Stripe PaymentIntent for the amount of the booking',
        description:
          "Asking again for the same booking returns the same intent. Confirm it with Stripe (the app's payment sheet); the webhook confirms the booking.",
        body: z.object({ bookingId: z.string().min(1).max(64) }),
        response: { 200: PaymentIntentSchema, ...problems(404, 409) },
      },
    },
    async (request) => payments.createIntent(principalOf(request).userId, request.body.bookingId),
  );

  app.get(
    '/payments',
    {
      onRequest: guards.requireRole('organizer', 'admin'),
      schema: {
        summary: "The payments of your event, newest first, with their refunds (the event's organizer, admins)",
        description: 'Refund one in full or in part with POST /payments/:id/refund.',
        querystring: pageQuerySchema.extend({ eventId: z.string().min(1).max(64) }),
        response: { 200: pageOf(PaymentSchema), ...problems(404) },
      },
    },
    async (request) => {
      const { eventId, limit, cursor } = request.query;
      const position = decodeCursor(cursor, cursorSchema);
      const page = await payments.ofEvent(
        principalOf(request),
        eventId,
        position ? { position: position.p, id: position.id } : undefined,
        limit,
      );
      return { items: page.items, nextCursor: page.last ? encodeCursor({ p: page.last.position, id: page.last.id }) : null };
    },
  );

  app.get(
    '/payments/:id',
    {
      onRequest: guards.authenticate,
      schema: {
        summary: 'A payment: yours, or of your event (organizer), or any (admin)',
        params: idParams,
        response: { 200: PaymentSchema },
      },
    },
    async (request) => payments.read(request.params.id, principalOf(request)),
  );

  app.post(
    '/payments/:id/refund',
    {
      onRequest: guards.requireRole('organizer', 'admin'),
      schema: {
        summary: "Refund a payment in full or in part (the event's organizer, or an admin)",
        description: 'Send an Idempotency-Key header so a retried request refunds once.',
        headers: idempotencyKeyHeaders,
        params: idParams,
        body: z
          .object({
            amount: z.number().int().min(1, 'must be at least 1 (minor units)').optional(),
            reason: z.string().trim().min(1).max(200).optional(),
          })
          .optional(),
        response: { 200: RefundSchema, ...problems(409) },
      },
    },
    async (request) => {
      const key = idempotencyKeyOf(request.headers);
      return payments.refundByStaff(request.params.id, principalOf(request), request.body ?? {}, key ?? randomUUID());
    },
  );

  // Stripe signs the exact bytes it sends, so this route reads the body raw instead of parsing JSON.
  void app.register(async (raw) => {
    raw.removeAllContentTypeParsers();
    raw.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, body, done) => done(null, body));
    raw.post(
      '/payments/webhooks/stripe',
      {
        schema: {
          summary: 'Stripe webhook (public; verified by its Stripe-Signature header)',
          description: 'Each Stripe event is applied once; replays are answered 200 and change nothing.',
          response: { 200: WebhookReceiptSchema },
        },
      },
      async (request) => {
        const body = request.body;
        if (!Buffer.isBuffer(body) || body.length === 0) throw badRequest('The webhook body is empty.');
        const signature = request.headers['stripe-signature'];
        return payments.receiveWebhook(body, typeof signature === 'string' ? signature : undefined);
      },
    );
  });
}
