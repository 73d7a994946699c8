import type { EventPayloads } from '@eventify/contracts';
import type { EventBus } from '@eventify/kit';
import type { Bookings } from '../domain/bookings.js';
import type { EventChanges } from '../domain/event-changes.js';

export function subscribeBookingEvents(bus: EventBus, bookings: Bookings, changes: EventChanges): void {
  bus.subscribe<EventPayloads['PaymentSucceeded']>('PaymentSucceeded', async ({ data }) => bookings.paymentSucceeded(data));
  bus.subscribe<EventPayloads['PaymentRefunded']>('PaymentRefunded', async ({ data }) => bookings.paymentRefunded(data));
  bus.subscribe<EventPayloads['PaymentFailed']>('PaymentFailed', async ({ data }) => bookings.paymentFailed(data));
  bus.subscribe<EventPayloads['EventCancelled']>('EventCancelled', async ({ data }) => bookings.cancelAllOfEvent(data.eventId));
  bus.subscribe<EventPayloads['EventUpdated']>('EventUpdated', async ({ data }) => {
    if (data.changedFields.includes('startsAt')) await changes.moved(data.eventId);
  });
}
