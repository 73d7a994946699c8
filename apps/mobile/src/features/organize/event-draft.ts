import { TZDate } from '@date-fns/tz';
import { format } from 'date-fns';
import type { EventCategory, EventInput, OwnedEvent, TierInput } from '@eventify/contracts';

/**
 * The event form's model: what a person types (days, times and prices as text, in the event's own time zone) and
 * how it becomes the API's request. Problems a person can fix before sending are reported on the same field names
 * the server uses (`startsAt`, `tiers.0.price`), so the form shows the server's and its own errors in one place.
 */
export interface TierDraft {
  id?: string;
  name: string;
  description: string;
  price: string;
  currency: string;
  capacity: string;
  maxPerOrder: string;
  salesStart: string;
  salesEnd: string;
}

export interface EventDraft {
  title: string;
  description: string;
  category: EventCategory;
  venue: { name: string; address: string; city: string; country: string };
  timeZone: string;
  startDate: string;
  startTime: string;
  endDate: string;
  endTime: string;
  tiers: TierDraft[];
}

export const emptyTier = (currency = 'EUR'): TierDraft => ({
  name: '',
  description: '',
  price: '',
  currency,
  capacity: '',
  maxPerOrder: '10',
  salesStart: '',
  salesEnd: '',
});

export function deviceTimeZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
}

export function emptyDraft(timeZone = deviceTimeZone()): EventDraft {
  return {
    title: '',
    description: '',
    category: 'music',
    venue: { name: '', address: '', city: '', country: '' },
    timeZone,
    startDate: '',
    startTime: '19:00',
    endDate: '',
    endTime: '22:00',
    tiers: [{ ...emptyTier(), name: 'Standard' }],
  };
}

function fractionDigits(currency: string): number {
  try {
    return new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2;
  } catch {
    return 2;
  }
}

/** "25", "25.5", "25,50" → 2550 (minor units of the currency); null when it is not an amount. */
export function parsePrice(text: string, currency: string): number | null {
  const digits = fractionDigits(currency);
  const match = /^(\d{1,9})(?:[.,](\d+))?$/.exec(text.trim());
  if (!match || (match[2]?.length ?? 0) > digits) return null;
  return Number(match[1]) * 10 ** digits + Number((match[2] ?? '').padEnd(digits, '0') || 0);
}

export function formatPrice(minorUnits: number, currency: string): string {
  const digits = fractionDigits(currency);
  return digits === 0 ? String(minorUnits) : (minorUnits / 10 ** digits).toFixed(digits);
}

/** A day and a time on the venue's clock → an ISO 8601 instant with that zone's offset; null when not a real time. */
export function toInstant(day: string, time: string, timeZone: string): string | null {
  const d = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day.trim());
  const t = /^(\d{1,2}):(\d{2})$/.exec(time.trim());
  if (!d || !t) return null;
  const [year, month, date, hours, minutes] = [Number(d[1]), Number(d[2]) - 1, Number(d[3]), Number(t[1]), Number(t[2])];
  if (hours > 23 || minutes > 59) return null;
  try {
    const instant = new TZDate(year, month, date, hours, minutes, timeZone);
    if (instant.getDate() !== date || instant.getMonth() !== month) return null;
    return instant.toISOString();
  } catch {
    return null;
  }
}

/** An instant → the day and time on the venue's clock. */
export function toWallClock(iso: string, timeZone: string): { day: string; time: string } {
  const local = new TZDate(iso, timeZone);
  return { day: format(local, 'yyyy-MM-dd'), time: format(local, 'HH:mm') };
}

/** "2027-05-01 19:30" (venue clock) → instant; empty → undefined (no sales window). */
function optionalInstant(text: string, timeZone: string): string | null | undefined {
  if (!text.trim()) return undefined;
  const [day = '', time = ''] = text.trim().split(/\s+/);
  return toInstant(day, time, timeZone);
}

function isTimeZone(timeZone: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone });
    return true;
  } catch {
    return false;
  }
}

export function draftFromEvent(event: OwnedEvent): EventDraft {
  const starts = toWallClock(event.startsAt, event.timeZone);
  const ends = toWallClock(event.endsAt, event.timeZone);
  const window = (iso: string | null) => (iso ? Object.values(toWallClock(iso, event.timeZone)).join(' ') : '');
  return {
    title: event.title,
    description: event.description,
    category: event.category,
    venue: { name: event.venue.name, address: event.venue.address, city: event.venue.city, country: event.venue.country },
    timeZone: event.timeZone,
    startDate: starts.day,
    startTime: starts.time,
    endDate: ends.day,
    endTime: ends.time,
    tiers: event.tiers.map((tier) => ({
      id: tier.id,
      name: tier.name,
      description: tier.description ?? '',
      price: formatPrice(tier.price, tier.currency),
      currency: tier.currency,
      capacity: String(tier.capacity),
      maxPerOrder: String(tier.maxPerOrder),
      salesStart: window(tier.salesStart),
      salesEnd: window(tier.salesEnd),
    })),
  };
}

/** The request to send, or the fields to fix first (by the server's field names). */
export function toEventInput(draft: EventDraft): { input: EventInput | null; errors: Record<string, string> } {
  const errors: Record<string, string> = {};
  const timeZone = draft.timeZone.trim();
  if (!isTimeZone(timeZone)) errors.timeZone = 'Enter a time zone such as Europe/Berlin.';
  const zone = errors.timeZone ? 'UTC' : timeZone;
  const startsAt = toInstant(draft.startDate, draft.startTime, zone);
  const endsAt = toInstant(draft.endDate || draft.startDate, draft.endTime, zone);
  if (!startsAt) errors.startsAt = 'Enter the day as YYYY-MM-DD and the time as HH:MM.';
  if (!endsAt) errors.endsAt = 'Enter the day as YYYY-MM-DD and the time as HH:MM.';
  const tiers: TierInput[] = draft.tiers.map((tier, i) => {
    const currency = tier.currency.trim().toUpperCase();
    const price = parsePrice(tier.price, currency || 'EUR');
    const capacity = Number(tier.capacity);
    const maxPerOrder = Number(tier.maxPerOrder || '10');
    const salesStart = optionalInstant(tier.salesStart, zone);
    const salesEnd = optionalInstant(tier.salesEnd, zone);
    if (price === null) errors[`tiers.${i}.price`] = 'Enter a price such as 25.00 (0 for free).';
    if (!Number.isInteger(capacity) || capacity < 1) errors[`tiers.${i}.capacity`] = 'Enter how many tickets, at least 1.';
    if (!Number.isInteger(maxPerOrder) || maxPerOrder < 1) errors[`tiers.${i}.maxPerOrder`] = 'Enter a whole number, at least 1.';
    if (salesStart === null) errors[`tiers.${i}.salesStart`] = 'Enter it as YYYY-MM-DD HH:MM, or leave it empty.';
    if (salesEnd === null) errors[`tiers.${i}.salesEnd`] = 'Enter it as YYYY-MM-DD HH:MM, or leave it empty.';
    return {
      ...(tier.id ? { id: tier.id } : {}),
      name: tier.name.trim(),
      ...(tier.description.trim() ? { description: tier.description.trim() } : {}),
      price: price ?? 0,
      currency,
      capacity,
      maxPerOrder,
      ...(salesStart ? { salesStart } : {}),
      ...(salesEnd ? { salesEnd } : {}),
    };
  });
  if (Object.keys(errors).length) return { input: null, errors };
  return {
    input: {
      title: draft.title.trim(),
      description: draft.description.trim(),
      category: draft.category,
      venue: { ...draft.venue, country: draft.venue.country.trim().toUpperCase() },
      startsAt: startsAt!,
      endsAt: endsAt!,
      timeZone,
      tiers,
    },
    errors,
  };
}
