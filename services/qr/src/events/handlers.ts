import type { EventPayloads } from '@eventify/contracts';
import type { EventBus } from '@eventify/kit';
import type { EventAccessCache } from '../domain/event-access.js';
import type { Tickets } from '../domain/tickets.js';

export function subscribeQrEvents(bus: EventBus, tickets: Tickets, access: EventAccessCache): void {
  bus.subscribe<EventPayloads['BookingConfirmed']>('BookingConfirmed', async ({ data }) => tickets.issue(data));
  bus.subscribe<EventPayloads['BookingCancelled']>('BookingCancelled', async ({ data }) => tickets.voidBooking(data));
  bus.subscribe<EventPayloads['EventStaffChanged']>('EventStaffChanged', async ({ data }) => access.forget(data.eventId));
}
