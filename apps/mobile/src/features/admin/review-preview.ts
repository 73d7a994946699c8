import type { PublicEvent, Review } from '@eventify/contracts';
import type { EventContent } from '@/features/events/EventSummary';

/**
 * A submission's content as attendees will see it. The snapshot is the event as the organizer submitted it;
 * its fields are read defensively (an older submission may lack one), never trusted to be complete.
 */
export interface SubmittedTier {
  name: string;
  price: number;
  currency: string;
  capacity: number;
}

const text = (value: unknown, fallback = '') => (typeof value === 'string' ? value : fallback);

export function previewOf(review: Review): { content: EventContent; tiers: SubmittedTier[] } {
  const e = review.event;
  const venue = (e.venue ?? {}) as Record<string, unknown>;
  const tiers = Array.isArray(e.tiers) ? (e.tiers as Record<string, unknown>[]) : [];
  return {
    content: {
      title: text(e.title, 'Untitled event'),
      description: text(e.description),
      category: text(e.category, 'other') as PublicEvent['category'],
      venue: { name: text(venue.name), address: text(venue.address), city: text(venue.city), country: text(venue.country) },
      startsAt: text(e.startsAt, review.submittedAt),
      endsAt: text(e.endsAt, review.submittedAt),
      timeZone: text(e.timeZone, 'UTC'),
    },
    tiers: tiers.map((t) => ({
      name: text(t.name),
      price: Number(t.price) || 0,
      currency: text(t.currency, 'EUR'),
      capacity: Number(t.capacity) || 0,
    })),
  };
}
