import type { OwnedEvent, PublicEvent, Tier as TierView } from '@eventify/contracts';
import type { EventRecord, Tier } from '../data/events-repository.js';
import type { LedgerCounts } from '../data/seats-repository.js';

export type Phase = 'upcoming' | 'ongoing' | 'ended';

export function phaseOf(event: Pick<EventRecord, 'startsAt' | 'endsAt'>, now = new Date()): Phase {
  if (now >= event.endsAt) return 'ended';
  return now >= event.startsAt ? 'ongoing' : 'upcoming';
}

function tierView(tier: Tier, ledger: LedgerCounts | undefined): TierView {
  const available = ledger ? ledger.available : tier.capacity;
  return {
    id: tier.id,
    name: tier.name,
    description: tier.description ?? null,
    price: tier.price,
    currency: tier.currency,
    capacity: tier.capacity,
    available,
    sold: tier.capacity - available,
    salesStart: tier.salesStart?.toISOString() ?? null,
    salesEnd: tier.salesEnd?.toISOString() ?? null,
    maxPerOrder: tier.maxPerOrder,
  };
}

/** What anyone may see of a published event. */
export function publicView(event: EventRecord, ledgers: LedgerCounts[]): PublicEvent {
  const byTier = new Map(ledgers.map((l) => [l.tierId, l]));
  return {
    id: event._id,
    organizerId: event.organizerId,
    title: event.title,
    description: event.description,
    category: event.category,
    coverImageUrl: event.coverImageUrl,
    venue: event.venue,
    startsAt: event.startsAt.toISOString(),
    endsAt: event.endsAt.toISOString(),
    timeZone: event.timeZone,
    status: event.status,
    phase: phaseOf(event),
    tiers: event.tiers.map((t) => tierView(t, byTier.get(t.id))),
    publishedAt: event.publishedAt?.toISOString() ?? null,
  };
}

/** What the organizer (and admins) see: everything, including review and staff. */
export function ownerView(event: EventRecord, ledgers: LedgerCounts[]): OwnedEvent {
  return {
    ...publicView(event, ledgers),
    staffIds: event.staffIds,
    submissionId: event.submissionId,
    rejection: event.rejection ? { ...event.rejection, decidedAt: event.rejection.decidedAt.toISOString() } : null,
    cancellationReason: event.cancellationReason,
    createdAt: event.createdAt.toISOString(),
    updatedAt: event.updatedAt.toISOString(),
  };
}

/** The content an admin reviews, as submitted. */
export function snapshotOf(event: EventRecord) {
  return {
    title: event.title,
    description: event.description,
    category: event.category,
    coverImageUrl: event.coverImageUrl,
    venue: event.venue,
    startsAt: event.startsAt.toISOString(),
    endsAt: event.endsAt.toISOString(),
    timeZone: event.timeZone,
    tiers: event.tiers.map((t) => ({ ...t, salesStart: t.salesStart?.toISOString() ?? null, salesEnd: t.salesEnd?.toISOString() ?? null })),
  };
}
