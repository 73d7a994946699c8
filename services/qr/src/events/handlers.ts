import type { EventBus } from '@eventify/kit';
import type { EventAccessCache } from '../domain/event-access.js';
import type { Tickets } from '../domain/tickets.js';

export function subscribeQrEvents(bus: EventBus, tickets: Tickets, access: EventAccessCache): void {
  bus.subscribe('BookingConfirmed', async ({ data }) => tickets.issue(data));
  bus.subscribe('BookingCancelled', async ({ data }) => tickets.voidBooking(data));
  bus.subscribe('EventStaffChanged', async ({ data }) => access.forget(data.eventId));
}
