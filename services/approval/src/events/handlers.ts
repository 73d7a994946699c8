import type { EventBus } from '@eventify/kit';
import type { Reviews } from '../domain/reviews.js';

export function subscribeSubmissions(bus: EventBus, reviews: Reviews): void {
  bus.subscribe('EventSubmitted', async ({ data }) => reviews.open(data));
}
