import type { EventPayloads } from '@eventify/contracts';
import type { EventBus } from '@eventify/kit';
import type { Events } from '../domain/events.js';

/** Review decisions move the event; each is applied once, only to the submission it was about. */
export function subscribeReviewDecisions(bus: EventBus, events: Events): void {
  bus.subscribe<EventPayloads['EventApproved']>('EventApproved', async ({ data }) => events.approve(data));
  bus.subscribe<EventPayloads['EventRejected']>('EventRejected', async ({ data }) => events.reject(data));
}
