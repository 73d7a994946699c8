import { AppError, outboxEvent, type FieldError } from '@eventify/kit';
import type { EventRecord, Tier } from '../data/events-repository.js';
import type { LedgerCounts } from '../data/seats-repository.js';

/**
 * What an edit of a published event means (docs/events.md, "Editing a published event"):
 * - date, time, time zone or venue: applied, and every ticket holder is told what changed (`EventUpdated`
 *   names the changed fields, with the values before and after; the notification service tells the holders);
 * - title, description, category, cover image: applied, nobody is notified;
 * - tiers: new tiers, more seats, sales windows and per-order limits are applied; a change that would hurt
 *   people who already bought is refused with 409 (fewer seats than sold or held, removing a tier with sales,
 *   another price or currency for a tier with sales).
 * No new review: the event stays on sale, and those who bought keep what they bought.
 */
export const DATE_AND_PLACE = ['startsAt', 'endsAt', 'timeZone', 'venue'] as const;
const CONTENT = ['title', 'description', 'category', 'coverImageUrl', ...DATE_AND_PLACE, 'tiers'] as const;
type ContentField = (typeof CONTENT)[number];

const comparable = (field: ContentField, value: unknown): string => {
  if (value instanceof Date) return String(value.getTime());
  if (field === 'venue') {
    const v = value as EventRecord['venue'];
    return JSON.stringify([v.name, v.address, v.city, v.country, v.latitude ?? null, v.longitude ?? null]);
  }
  if (field === 'tiers') {
    return JSON.stringify(
      (value as Tier[]).map((t) => [
        t.id,
        t.name,
        t.description ?? null,
        t.price,
        t.currency,
        t.capacity,
        t.salesStart?.getTime() ?? null,
        t.salesEnd?.getTime() ?? null,
        t.maxPerOrder,
      ]),
    );
  }
  return JSON.stringify(value ?? null);
};

/** The content fields whose value the edit really changes (not merely sends again). */
export function changedFields(before: EventRecord, after: Partial<EventRecord>): ContentField[] {
  return CONTENT.filter((field) => field in after && comparable(field, before[field]) !== comparable(field, after[field]));
}

const venueOf = (venue: EventRecord['venue']) => ({ name: venue.name, address: venue.address, city: venue.city, country: venue.country });

/** `EventUpdated` for an edit of a published event: what changed, and the date and place before and after. */
export function eventUpdated(before: EventRecord, after: Partial<EventRecord>, changed: ContentField[]) {
  const now = { ...before, ...after } as EventRecord;
  const previous: Record<string, unknown> = {};
  if (changed.includes('startsAt')) previous.startsAt = before.startsAt.toISOString();
  if (changed.includes('endsAt')) previous.endsAt = before.endsAt.toISOString();
  if (changed.includes('timeZone')) previous.timeZone = before.timeZone;
  if (changed.includes('venue')) previous.venue = venueOf(before.venue);
  return outboxEvent('EventUpdated', {
    eventId: before._id,
    organizerId: before.organizerId,
    changedFields: changed,
    title: now.title,
    startsAt: now.startsAt.toISOString(),
    endsAt: now.endsAt.toISOString(),
    timeZone: now.timeZone,
    venue: venueOf(now.venue),
    previous,
  });
}

/** 409 naming each tier change that would hurt people who already bought; nothing when there is none. */
export function refuseHarmfulTierChanges(current: Tier[], next: Tier[], ledgers: LedgerCounts[]): void {
  const byTier = new Map(ledgers.map((l) => [l.tierId, l]));
  const errors: FieldError[] = [];
  for (const tier of current) {
    const ledger = byTier.get(tier.id);
    const sold = ledger ? ledger.capacity - ledger.available : 0;
    if (sold === 0) continue;
    const index = next.findIndex((t) => t.id === tier.id);
    const replacement = next[index];
    if (!replacement) {
      errors.push({ field: 'body.tiers', message: `tier "${tier.name}" has ${sold} tickets sold or held and cannot be removed` });
    } else if (replacement.price !== tier.price || replacement.currency !== tier.currency) {
      errors.push({
        field: `body.tiers.${index}.price`,
        message: `tier "${tier.name}" has tickets sold or held: its price and currency stay ${tier.price} ${tier.currency}`,
      });
    } else if (replacement.capacity < sold) {
      errors.push({
        field: `body.tiers.${index}.capacity`,
        message: `must be at least ${sold}: that many tickets of "${tier.name}" are sold or held`,
      });
    }
  }
  if (errors.length) {
    throw new AppError({
      status: 409,
      code: 'tickets-sold',
      title: 'Conflict',
      detail: `People already bought tickets, so this change is not possible: ${errors.map((e) => e.message).join('; ')}.`,
      errors,
    });
  }
}
