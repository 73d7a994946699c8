import type { EventBus } from '@eventify/kit';
import type { Bookings } from '../domain/bookings.js';
import type { EventChanges } from '../domain/event-changes.js';

export function subscribeBookingEvents(bus: EventBus, bookings: Bookings, changes: EventChanges): void {
  bus.subscribe('PaymentSucceeded', async ({ data }) => bookings.paymentSucceeded(data));
  bus.subscribe('PaymentRefunded', async ({ data }) => bookings.paymentRefunded(data));
  bus.subscribe('PaymentFailed', async ({ data }) => bookings.paymentFailed(data));
  bus.subscribe('EventCancelled', async ({ data }) => bookings.cancelAllOfEvent(data.eventId));
  bus.subscribe('EventUpdated', async ({ data }) => {
    if (data.changedFields.includes('startsAt')) await changes.moved(data.eventId);
  });
}
