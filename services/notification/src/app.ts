import { buildService, createServiceClient, type App } from '@eventify/kit';
import type { NotificationServiceConfig } from './config.js';
import { DeadPushTokensRepository } from './data/dead-push-tokens-repository.js';
import { NotificationsRepository } from './data/notifications-repository.js';
import { PreferencesRepository } from './data/preferences-repository.js';
import { createSmtpMailer } from './delivery/mailer.js';
import { createExpoPushSender } from './delivery/push.js';
import { Deliveries } from './domain/deliveries.js';
import { createEventTitles } from './domain/event-titles.js';
import { Notifications } from './domain/notifications.js';
import { createTicketHolders } from './domain/ticket-holders.js';
import { subscribeNotificationEvents } from './events/handlers.js';
import { registerNotificationRoutes } from './http/routes.js';

export async function buildNotificationService(config: NotificationServiceConfig): Promise<App> {
  const { app } = await buildService({
    name: 'notification',
    config,
    uses: { mongo: true },
    openapi: {
      title: 'Eventify notification service',
      description: 'The in-app inbox, push and e-mail, and where each kind of news reaches you.',
    },
    async register(ctx) {
      const db = ctx.mongo!.db;
      const repository = new NotificationsRepository(db);
      const preferences = new PreferencesRepository(db);
      await repository.ensureIndexes();
      const client = (service: 'user' | 'event' | 'booking', baseUrl: string) => createServiceClient({ service, baseUrl, mtls: ctx.mtls });
      const mailer = createSmtpMailer({ url: config.SMTP_URL, from: config.MAIL_FROM, timeoutMs: config.DELIVERY_TIMEOUT_MS });
      const deliveries = new Deliveries({
        notifications: repository,
        preferences,
        deadTokens: new DeadPushTokensRepository(db),
        users: client('user', config.USER_SERVICE_URL),
        mailer,
        push: await createExpoPushSender({
          baseUrl: config.EXPO_BASE_URL,
          accessToken: config.EXPO_ACCESS_TOKEN,
          timeoutMs: config.DELIVERY_TIMEOUT_MS,
        }),
        mutex: ctx.mutex,
        log: ctx.log,
        policy: {
          maxAttempts: config.DELIVERY_MAX_ATTEMPTS,
          retryBaseMs: config.DELIVERY_RETRY_BASE_MS,
          resetUrl: config.PASSWORD_RESET_URL,
        },
      });
      const notifications = new Notifications(
        repository,
        preferences,
        deliveries,
        ctx.log,
        config.DELIVERY_MAX_AGE_MINUTES * 60_000,
        ctx.mutex,
      );
      registerNotificationRoutes(ctx.app, notifications, ctx.guards);
      subscribeNotificationEvents(
        ctx.bus,
        notifications,
        createEventTitles(client('event', config.EVENT_SERVICE_URL), ctx.log),
        createTicketHolders(client('booking', config.BOOKING_SERVICE_URL)),
        config.RESET_TOKEN_SEAL_KEY,
      );

      // The delivery worker: new sends, retries, and work a stopped replica left. One round at a time.
      let polling: Promise<void> = Promise.resolve();
      let busy = false;
      const timer = setInterval(() => {
        if (busy) return;
        busy = true;
        polling = deliveries
          .poll()
          .catch((error) => ctx.log.warn({ err: error }, 'delivery poll failed'))
          .finally(() => (busy = false));
      }, config.DELIVERY_POLL_MS);
      ctx.onShutdown(async () => {
        clearInterval(timer);
        await Promise.all([polling, deliveries.idle()]);
        mailer.close();
      });
    },
  });
  return app;
}
