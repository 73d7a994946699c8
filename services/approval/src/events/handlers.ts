import type { EventPayloads } from '@eventify/contracts';
import type { EventBus } from '@eventify/kit';
import type { Reviews } from '../domain/reviews.js';

export function subscribeSubmissions(bus: EventBus, reviews: Reviews): void {
  bus.subscribe<EventPayloads['EventSubmitted']>('EventSubmitted', async ({ data }) => reviews.open(data));
}
