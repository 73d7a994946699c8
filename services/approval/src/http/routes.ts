import { z } from 'zod';
import { ReviewSchema, pageOf } from '@eventify/contracts';
import { decodeCursor, encodeCursor, pageQuerySchema, principalOf, problems, type App, type Guards } from '@eventify/kit';
import type { Reviews } from '../domain/reviews.js';

const idParams = z.object({ id: z.string().min(1).max(64) });
const cursorSchema = z.object({ s: z.string(), id: z.string() });
const review = { 200: ReviewSchema };
const decision = { 200: ReviewSchema, ...problems(409) };

export function registerApprovalRoutes(app: App, reviews: Reviews, guards: Guards): void {
  const admin = guards.requireRole('admin');

  app.get(
    '/approvals',
    {
      onRequest: guards.authenticate,
      schema: {
        summary: 'The review queue, oldest first (admins; organizers with ?eventId= for their own event)',
        querystring: pageQuerySchema.extend({
          status: z.enum(['pending', 'approved', 'rejected']).optional(),
          eventId: z.string().min(1).max(64).optional(),
        }),
        response: { 200: pageOf(ReviewSchema) },
      },
    },
    async (request) => {
      const { status, eventId, limit, cursor } = request.query;
      const position = decodeCursor(cursor, cursorSchema);
      const page = await reviews.list(
        principalOf(request),
        { status, eventId },
        position ? { submittedAt: new Date(position.s), id: position.id } : undefined,
        limit,
      );
      return {
        items: page.items,
        nextCursor: page.last ? encodeCursor({ s: page.last.submittedAt.toISOString(), id: page.last._id }) : null,
      };
    },
  );

  app.get(
    '/approvals/:id',
    { onRequest: guards.authenticate, schema: { summary: 'One review, with the event as submitted', params: idParams, response: review } },
    async (request) => reviews.read(request.params.id, principalOf(request)),
  );

  app.post(
    '/approvals/:id/approve',
    { onRequest: admin, schema: { summary: 'Approve: the event is published', params: idParams, response: decision } },
    async (request) => reviews.approve(request.params.id, principalOf(request).userId),
  );

  app.post(
    '/approvals/:id/reject',
    {
      onRequest: admin,
      schema: {
        summary: 'Reject with a reason the organizer will see',
        params: idParams,
        body: z.object({ reason: z.string().trim().min(3, 'must say why (at least 3 characters)').max(2000) }),
        response: decision,
      },
    },
    async (request) => reviews.reject(request.params.id, principalOf(request).userId, request.body.reason),
  );
}
