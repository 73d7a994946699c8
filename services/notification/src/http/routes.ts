import { z } from 'zod';
import { MarkedReadSchema, NotificationPageSchema, NotificationPreferencesSchema, NotificationSchema } from '@eventify/contracts';
import { decodeCursor, encodeCursor, pageQuerySchema, principalOf, type App, type Guards } from '@eventify/kit';
import { NOTIFICATION_KINDS, type NotificationKind } from '../domain/kinds.js';
import type { Notifications } from '../domain/notifications.js';

const idParams = z.object({ id: z.string().min(1).max(64) });
const cursorSchema = z.object({ c: z.string(), id: z.string() });
const channelChanges = z.object({ email: z.boolean().optional(), push: z.boolean().optional() }).strict();
const preferenceChanges = z
  .object({
    kinds: z
      .object(
        Object.fromEntries(NOTIFICATION_KINDS.map((kind) => [kind, channelChanges.optional()])) as Record<
          NotificationKind,
          z.ZodOptional<typeof channelChanges>
        >,
      )
      .strict(),
  })
  .strict();

export function registerNotificationRoutes(app: App, notifications: Notifications, guards: Guards): void {
  const user = { onRequest: guards.authenticate };

  app.get(
    '/notifications',
    {
      ...user,
      schema: {
        summary: 'Your in-app notifications, newest first, with how many are unread',
        querystring: pageQuerySchema.extend({ unread: z.enum(['true', 'false']).optional().describe('"true": only unread ones') }),
        response: { 200: NotificationPageSchema },
      },
    },
    async (request) => {
      const position = decodeCursor(request.query.cursor, cursorSchema);
      const page = await notifications.list(
        principalOf(request).userId,
        request.query.unread === 'true',
        position ? { createdAt: new Date(position.c), id: position.id } : undefined,
        request.query.limit,
      );
      return {
        items: page.items,
        nextCursor: page.last ? encodeCursor({ c: page.last.createdAt.toISOString(), id: page.last._id }) : null,
        unreadCount: page.unreadCount,
      };
    },
  );

  app.post(
    '/notifications/read-all',
    { ...user, schema: { summary: 'Mark all your notifications read', response: { 200: MarkedReadSchema } } },
    async (request) => notifications.markAllRead(principalOf(request).userId),
  );

  app.get(
    '/notifications/preferences',
    {
      ...user,
      schema: {
        summary: 'Where each kind of notification reaches you: in-app always, e-mail and push as you chose',
        response: { 200: NotificationPreferencesSchema },
      },
    },
    async (request) => notifications.preferencesOf(principalOf(request).userId),
  );

  app.put(
    '/notifications/preferences',
    {
      ...user,
      schema: {
        summary: 'Turn e-mail and push on or off per kind; kinds and channels not named keep their settings',
        description: 'In-app is always on; a password reset always goes out by e-mail.',
        body: preferenceChanges,
        response: { 200: NotificationPreferencesSchema },
      },
    },
    async (request) => notifications.choose(principalOf(request).userId, request.body.kinds),
  );

  app.post(
    '/notifications/:id/read',
    {
      ...user,
      schema: {
        summary: 'Mark one of your notifications read (again: no change)',
        params: idParams,
        response: { 200: NotificationSchema },
      },
    },
    async (request) => notifications.markRead(request.params.id, principalOf(request).userId),
  );
}
