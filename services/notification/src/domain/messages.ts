import type { EventPayloads } from '@eventify/contracts';
import type { NotificationKind } from './kinds.js';

/** What one integration event means for one person: the in-app text, and how to reach them. */
export interface NotificationIntent {
  userId: string;
  kind: NotificationKind;
  /** What it is about; with userId and kind it names the notification, so a repeat creates nothing. */
  sourceId: string;
  title: string;
  body: string;
  /** Ids the app links to. */
  data: Record<string, string | number | boolean | null>;
  /** Address and name when the event carries them (registration, reset): fresher than the profile. */
  recipient?: { email: string; name: string };
  /** The password reset token: e-mailed, never stored or logged. */
  resetToken?: { token: string; expiresAt: Date };
}

/** Money as people read it: 1500 EUR → €15.00. */
export function money(amount: number, currency: string): string {
  try {
    const format = new Intl.NumberFormat('en', { style: 'currency', currency });
    return format.format(amount / 10 ** (format.resolvedOptions().maximumFractionDigits ?? 2));
  } catch {
    return `${amount} ${currency}`; // an unknown currency code: still say something true
  }
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
const named = (title: string | null, fallback: string) => (title ? `“${title}”` : fallback);

const CANCEL_REASONS: Record<EventPayloads['BookingCancelled']['reason'], string> = {
  user: 'You cancelled your booking',
  event_cancelled: 'The organizer cancelled the event',
  admin: 'Your booking was cancelled after a full refund',
  payment_late: 'Your payment arrived after your hold had expired and the seats were gone',
};

/** A moment in the event's own time zone, as people read it: "Saturday, 5 June 2027 at 20:00 (Europe/Berlin)". */
export function when(iso: string, timeZone: string): string {
  try {
    return `${new Intl.DateTimeFormat('en-GB', { dateStyle: 'full', timeStyle: 'short', timeZone }).format(new Date(iso))} (${timeZone})`;
  } catch {
    return `${iso.slice(0, 16).replace('T', ' ')} UTC`; // an unknown zone: still say something true
  }
}

type Place = NonNullable<EventPayloads['EventUpdated']['venue']>;
const place = (venue: Place) => `${venue.name}, ${venue.address}, ${venue.city}`;

/** What moved, in words: the date and place as they are now, and as they were. */
function whatChanged(d: EventPayloads['EventUpdated']): string[] {
  const lines: string[] = [];
  const zone = d.timeZone ?? 'UTC';
  const before = d.previous ?? {};
  if (d.startsAt && (before.startsAt || before.timeZone)) {
    lines.push(
      `It now starts ${when(d.startsAt, zone)}${before.startsAt ? `, instead of ${when(before.startsAt, before.timeZone ?? zone)}` : ''}.`,
    );
  }
  if (d.endsAt && before.endsAt) lines.push(`It now ends ${when(d.endsAt, zone)}.`);
  if (d.venue && before.venue) lines.push(`It now takes place at ${place(d.venue)}, instead of ${place(before.venue)}.`);
  return lines;
}

/** The fields of an event whose change every ticket holder is told about. */
export const HOLDER_NEWS: readonly string[] = ['startsAt', 'endsAt', 'timeZone', 'venue'];

/**
 * One builder per integration event. `eventId` names the event whose title the text mentions (looked up
 * by the handler, best effort); `title` is null when it could not be found.
 */
export const MESSAGES = {
  UserRegistered: (d: EventPayloads['UserRegistered']): NotificationIntent => ({
    userId: d.userId,
    kind: 'welcome',
    sourceId: d.userId,
    title: `Welcome to Eventify, ${d.name}`,
    body: 'Your account is ready. Find events near you and book your first tickets.',
    data: {},
    recipient: { email: d.email, name: d.name },
  }),

  /** `token`: the one-time token, opened from the event's sealed copy. */
  PasswordResetRequested: (d: EventPayloads['PasswordResetRequested'], eventId: string, token: string): NotificationIntent => ({
    userId: d.userId,
    kind: 'password_reset',
    // Every request is its own: the bus event id tells them apart.
    sourceId: eventId,
    title: 'Password reset requested',
    body: `We sent a link to reset your password to ${d.email}. If you did not ask for it, ignore it: your password stays as it is.`,
    data: { expiresAt: d.expiresAt },
    recipient: { email: d.email, name: d.name },
    resetToken: { token, expiresAt: new Date(d.expiresAt) },
  }),

  EventApproved: (d: EventPayloads['EventApproved'], title: string | null): NotificationIntent => ({
    userId: d.organizerId,
    kind: 'event_approved',
    sourceId: d.reviewId,
    title: 'Your event is approved',
    body: `${named(title, 'Your event')} passed review and is now published: people can find it and book.`,
    data: { eventId: d.eventId, reviewId: d.reviewId },
  }),

  EventRejected: (d: EventPayloads['EventRejected'], title: string | null): NotificationIntent => ({
    userId: d.organizerId,
    kind: 'event_rejected',
    sourceId: d.reviewId,
    title: 'Your event needs changes',
    body: `${named(title, 'Your event')} was not approved. The reviewer said: “${d.reason}”. Edit it and submit it again.`,
    data: { eventId: d.eventId, reviewId: d.reviewId, reason: d.reason },
  }),

  EventCancelled: (d: EventPayloads['EventCancelled']): NotificationIntent => ({
    userId: d.organizerId,
    kind: 'event_cancelled',
    sourceId: d.eventId,
    title: 'Your event is cancelled',
    body: `“${d.title}” is cancelled${d.reason ? ` (${d.reason})` : ''}. Every booking is being cancelled and paid ones refunded.`,
    data: { eventId: d.eventId },
  }),

  BookingConfirmed: (d: EventPayloads['BookingConfirmed'], title: string | null): NotificationIntent => {
    const seats = d.items.reduce((sum, item) => sum + item.quantity, 0);
    const lines = d.items.map((item) => `${item.quantity} × ${item.tierName}`).join(', ');
    return {
      userId: d.userId,
      kind: 'booking_confirmed',
      sourceId: d.bookingId,
      title: 'Booking confirmed',
      body: `You're going to ${named(title, 'the event')}: ${plural(seats, 'ticket')} (${lines}), ${d.amount === 0 ? 'free' : money(d.amount, d.currency)}.`,
      data: { bookingId: d.bookingId, eventId: d.eventId },
    };
  },

  BookingCancelled: (d: EventPayloads['BookingCancelled'], title: string | null): NotificationIntent => ({
    userId: d.userId,
    kind: 'booking_cancelled',
    sourceId: d.bookingId,
    title: 'Booking cancelled',
    body:
      `${CANCEL_REASONS[d.reason]}: your booking for ${named(title, 'the event')} is cancelled.` +
      (d.refund ? ` A refund of ${money(d.amount, d.currency)} is on its way to you.` : ''),
    data: { bookingId: d.bookingId, eventId: d.eventId, reason: d.reason, refund: d.refund },
  }),

  BookingExpired: (d: EventPayloads['BookingExpired'], title: string | null): NotificationIntent => ({
    userId: d.userId,
    kind: 'booking_expired',
    sourceId: d.bookingId,
    title: 'Your seats were released',
    body: `The hold on your seats for ${named(title, 'the event')} ran out before payment, so they went back on sale. Book again if you still want to go.`,
    data: { bookingId: d.bookingId, eventId: d.eventId },
  }),

  PaymentFailed: (d: EventPayloads['PaymentFailed'], eventId: string): NotificationIntent => ({
    userId: d.userId,
    kind: 'payment_failed',
    // Each failed attempt is news of its own (the person may try several cards).
    sourceId: eventId,
    title: 'Payment failed',
    body: `Your payment did not go through: ${d.reason}. Your seats stay held until the hold runs out, so you can try again.`,
    data: { bookingId: d.bookingId, paymentId: d.paymentId, reason: d.reason },
  }),

  PaymentRefunded: (d: EventPayloads['PaymentRefunded']): NotificationIntent => ({
    userId: d.userId,
    kind: 'payment_refunded',
    sourceId: d.refundId,
    title: 'Refund issued',
    body: `${money(d.amount, d.currency)} ${d.fullyRefunded ? 'was refunded: your payment is refunded in full' : 'was refunded'}. It can take a few days to show on your statement.`,
    data: { bookingId: d.bookingId, paymentId: d.paymentId, refundId: d.refundId },
  }),

  TicketsIssued: (d: EventPayloads['TicketsIssued'], title: string | null): NotificationIntent => ({
    userId: d.userId,
    kind: 'tickets_issued',
    sourceId: d.bookingId,
    title: d.ticketIds.length === 1 ? 'Your ticket is ready' : `Your ${d.ticketIds.length} tickets are ready`,
    body: `Your ${plural(d.ticketIds.length, 'ticket')} for ${named(title, 'the event')} ${d.ticketIds.length === 1 ? 'is' : 'are'} in the app. Show the QR code at the door.`,
    data: { bookingId: d.bookingId, eventId: d.eventId },
  }),

  /** One per ticket holder; `eventId` (the bus event) tells two changes of one event apart. */
  EventUpdated: (d: EventPayloads['EventUpdated'], userId: string, eventId: string): NotificationIntent => ({
    userId,
    kind: 'event_changed',
    sourceId: eventId,
    title: `${d.title ? `“${d.title}”` : 'Your event'} has changed`,
    body: [...whatChanged(d), 'Your tickets stay valid.'].join(' '),
    data: { eventId: d.eventId, changedFields: d.changedFields.filter((f) => HOLDER_NEWS.includes(f)).join(',') },
  }),

  EventStaffAdded: (d: EventPayloads['EventStaffAdded']): NotificationIntent => ({
    userId: d.userId,
    kind: 'staff_added',
    // Named again after being removed is news again.
    sourceId: `${d.eventId}:${d.addedAt}`,
    title: 'You are door staff',
    body: `You can scan tickets at the door of “${d.title}”. Open the scanner in the app and pick the event.`,
    data: { eventId: d.eventId },
  }),
};
