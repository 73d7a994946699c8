import { resetTokenSealContext, type EventPayloads, type IntegrationEvent } from '@eventify/contracts';
import type { EventBus, KeyRing } from '@eventify/kit';
import { HOLDER_NEWS, MESSAGES, type NotificationIntent } from '../domain/messages.js';
import type { Notifications } from '../domain/notifications.js';
import type { HoldersOf } from '../domain/ticket-holders.js';

type TitleOf = (eventId: string) => Promise<string | null>;

/**
 * Every step of the journey that concerns a person becomes a notification. Idempotent twice over: the bus
 * skips an event id this service handled, and the store keeps one notification per person, kind and subject.
 */
export function subscribeNotificationEvents(
  bus: EventBus,
  notifications: Notifications,
  titleOf: TitleOf,
  holdersOf: HoldersOf,
  resetTokenSeal: KeyRing,
): void {
  const on = <T extends keyof EventPayloads>(
    type: T,
    build: (event: IntegrationEvent<string, EventPayloads[T]>) => Promise<NotificationIntent>,
  ) => bus.subscribe(type, async (event) => notifications.notify(await build(event), event));

  on('UserRegistered', async ({ data }) => MESSAGES.UserRegistered(data));
  // The token comes sealed by auth (RESET_TOKEN_SEAL_KEY); one that does not open is retried, then dead-lettered.
  on('PasswordResetRequested', async ({ data, id }) =>
    MESSAGES.PasswordResetRequested(data, id, resetTokenSeal.open(data.sealedResetToken, resetTokenSealContext(data.userId))),
  );
  on('EventApproved', async ({ data }) => MESSAGES.EventApproved(data, await titleOf(data.eventId)));
  on('EventRejected', async ({ data }) => MESSAGES.EventRejected(data, await titleOf(data.eventId)));
  on('EventCancelled', async ({ data }) => MESSAGES.EventCancelled(data));
  on('BookingConfirmed', async ({ data }) => MESSAGES.BookingConfirmed(data, await titleOf(data.eventId)));
  on('BookingCancelled', async ({ data }) => MESSAGES.BookingCancelled(data, await titleOf(data.eventId)));
  on('BookingExpired', async ({ data }) => MESSAGES.BookingExpired(data, await titleOf(data.eventId)));
  on('PaymentFailed', async ({ data, id }) => MESSAGES.PaymentFailed(data, id));
  on('PaymentRefunded', async ({ data }) => MESSAGES.PaymentRefunded(data));
  on('TicketsIssued', async ({ data }) => MESSAGES.TicketsIssued(data, await titleOf(data.eventId)));
  on('EventStaffAdded', async ({ data }) => MESSAGES.EventStaffAdded(data));

  // A published event's date, time or place changed: every ticket holder is told. If this stops half-way, the
  // redelivery goes through the holders again and the store skips those already told.
  bus.subscribe('EventUpdated', async (event) => {
    if (!event.data.changedFields.some((field) => HOLDER_NEWS.includes(field))) return;
    for await (const userId of holdersOf(event.data.eventId))
      await notifications.notify(MESSAGES.EventUpdated(event.data, userId, event.id), event);
  });
}
