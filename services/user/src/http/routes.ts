import { z } from 'zod';
import { ProfileSchema, PushTokensSchema, RoleSchema, pageOf, type Role } from '@eventify/contracts';
import { decodeCursor, encodeCursor, pageQuerySchema, principalOf, problems, type App, type Guards } from '@eventify/kit';
import type { Users } from '../domain/users.js';

const EXPO_PUSH_TOKEN = /^Expo(nent)?PushToken\[[A-Za-z0-9_-]{10,100}\]$/;
const profileChanges = z
  .object({
    name: z.string().trim().min(1, 'must not be empty').max(100),
    phone: z
      .string()
      .regex(/^\+[1-9]\d{6,14}$/, 'must be an international number like +4915112345678')
      .nullable(),
    avatarUrl: z
      .string()
      .max(2048)
      .url()
      .refine((u) => u.startsWith('https://'), 'must be an https:// URL')
      .nullable(),
    city: z.string().trim().min(1).max(100).nullable(),
    preferences: z
      .record(z.string().max(50), z.union([z.string().max(200), z.number(), z.boolean()]))
      .refine((p) => Object.keys(p).length <= 50, 'at most 50 preferences'),
  })
  .partial()
  .strict();
const cursorSchema = z.object({ email: z.string(), id: z.string() });

export function registerUserRoutes(app: App, users: Users, guards: Guards): void {
  const me = { onRequest: guards.authenticate };

  app.get('/users/me', { ...me, schema: { summary: 'Your profile', response: { 200: ProfileSchema } } }, async (request) =>
    users.me(principalOf(request).userId),
  );

  app.patch(
    '/users/me',
    { ...me, schema: { summary: 'Change your profile', body: profileChanges, response: { 200: ProfileSchema } } },
    async (request) => users.updateMe(principalOf(request).userId, request.body),
  );

  app.post(
    '/users/me/push-tokens',
    {
      ...me,
      schema: {
        summary: "Register a device's Expo push token",
        body: z.object({ token: z.string().regex(EXPO_PUSH_TOKEN, 'must be an Expo push token like ExponentPushToken[xxxxxxxxxx]') }),
        response: { 201: PushTokensSchema },
      },
    },
    async (request, reply) =>
      reply.status(201).send({ pushTokens: await users.addPushToken(principalOf(request).userId, request.body.token) }),
  );

  app.delete(
    '/users/me/push-tokens/:token',
    {
      ...me,
      schema: {
        summary: "Forget a device's push token",
        params: z.object({ token: z.string().max(200) }),
        response: { 204: z.undefined().describe('Forgotten (or never known)') },
      },
    },
    async (request, reply) => {
      await users.removePushToken(principalOf(request).userId, request.params.token);
      return reply.status(204).send();
    },
  );

  app.get(
    '/users',
    {
      onRequest: guards.requireRole('admin'),
      schema: {
        summary: 'List and search users (admin)',
        querystring: pageQuerySchema.extend({ q: z.string().trim().max(100).optional() }),
        response: { 200: pageOf(ProfileSchema) },
      },
    },
    async (request) => {
      const { q, limit, cursor } = request.query;
      const page = await users.list(q || undefined, decodeCursor(cursor, cursorSchema), limit);
      return { items: page.items, nextCursor: page.last ? encodeCursor({ email: page.last.email, id: page.last._id }) : null };
    },
  );

  app.patch(
    '/users/:id/roles',
    {
      onRequest: guards.requireRole('admin'),
      schema: {
        summary: "Change a user's roles (admin); new access tokens carry them",
        params: z.object({ id: z.string().min(1).max(100) }),
        body: z.object({ roles: z.array(RoleSchema).min(1).max(4) }),
        response: { 200: ProfileSchema, ...problems(409) },
      },
    },
    async (request) => users.setRoles(principalOf(request).userId, request.params.id, request.body.roles as Role[]),
  );

  app.get(
    '/internal/users/:id/contact',
    { onRequest: guards.internalOnly, schema: { hide: true, params: z.object({ id: z.string().min(1).max(100) }) } },
    async (request) => users.contact(request.params.id),
  );
}
