import { z } from 'zod';
import { RoleSchema } from './roles.js';

/**
 * What the public API answers, through the gateway: one schema per resource, shared by the services that
 * produce it (their view functions are typed with these) and the app that reads it (type-only imports), so
 * neither keeps a copy of its own. Timestamps are ISO 8601 UTC strings, money integer minor units plus an
 * ISO 4217 currency.
 */

/** RFC 9457 problem details, as every error is answered. */
export const ProblemSchema = z.object({
  type: z.string(),
  title: z.string(),
  status: z.number().int(),
  detail: z.string().optional(),
  instance: z.string().optional(),
  /** Validation: one entry per bad field, `field` as a dotted path such as `body.tiers.0.price`. */
  errors: z.array(z.object({ field: z.string(), message: z.string() })).optional(),
});
export type Problem = z.infer<typeof ProblemSchema>;

/** Every list: a page of items and an opaque cursor for the next one (null at the end). */
export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

// ── auth ──────────────────────────────────────────────────────────────────────────────────────────────
export const AccountSchema = z.object({ id: z.string(), email: z.string(), name: z.string(), roles: z.array(RoleSchema), createdAt: z.string() });
export type Account = z.infer<typeof AccountSchema>;

/**
 * Sign-up, sign-in and refresh. `expiresIn`: seconds the access token is valid. A browser that asks for it
 * (`X-Refresh-Token-Transport: cookie`) gets the refresh token as an HttpOnly cookie instead of in the body.
 */
export const SessionSchema = z.object({ user: AccountSchema, accessToken: z.string(), refreshToken: z.string().optional(), expiresIn: z.number() });
export type Session = z.infer<typeof SessionSchema>;

// ── user ──────────────────────────────────────────────────────────────────────────────────────────────
export const ProfileSchema = z.object({
  id: z.string(),
  email: z.string(),
  name: z.string(),
  roles: z.array(RoleSchema),
  phone: z.string().nullable(),
  avatarUrl: z.string().nullable(),
  city: z.string().nullable(),
  preferences: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])),
  /** Only on the person's own profile. */
  pushTokens: z.array(z.string()).optional(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type Profile = z.infer<typeof ProfileSchema>;

// ── event ─────────────────────────────────────────────────────────────────────────────────────────────
export const EVENT_CATEGORIES = ['music', 'sports', 'arts', 'theatre', 'comedy', 'tech', 'food', 'business', 'education', 'family', 'other'] as const;
export type EventCategory = (typeof EVENT_CATEGORIES)[number];
export const EVENT_STATUSES = ['draft', 'pending_review', 'rejected', 'published', 'cancelled'] as const;
export type EventStatus = (typeof EVENT_STATUSES)[number];

export const VenueSchema = z.object({
  name: z.string(),
  address: z.string(),
  city: z.string(),
  /** ISO 3166 alpha-2. */
  country: z.string(),
  latitude: z.number().optional(),
  longitude: z.number().optional(),
});
export type Venue = z.infer<typeof VenueSchema>;

export const TierSchema = z.object({
  id: z.string(),
  name: z.string(),
  description: z.string().nullable(),
  price: z.number().int(),
  currency: z.string(),
  capacity: z.number().int(),
  /** Seats still on sale (held and sold ones excluded). */
  available: z.number().int(),
  sold: z.number().int(),
  salesStart: z.string().nullable(),
  salesEnd: z.string().nullable(),
  maxPerOrder: z.number().int(),
});
export type Tier = z.infer<typeof TierSchema>;

/** A published event as anyone sees it. */
export const EventSchema = z.object({
  id: z.string(),
  organizerId: z.string(),
  title: z.string(),
  description: z.string(),
  category: z.enum(EVENT_CATEGORIES),
  coverImageUrl: z.string().nullable(),
  venue: VenueSchema,
  startsAt: z.string(),
  endsAt: z.string(),
  /** IANA time zone of the venue: show dates in it. */
  timeZone: z.string(),
  status: z.enum(EVENT_STATUSES),
  phase: z.enum(['upcoming', 'ongoing', 'ended']),
  tiers: z.array(TierSchema),
  publishedAt: z.string().nullable(),
});
export type PublicEvent = z.infer<typeof EventSchema>;

/** What the organizer (and admins) see of their event. */
export const OwnedEventSchema = EventSchema.extend({
  staffIds: z.array(z.string()),
  submissionId: z.string().nullable(),
  rejection: z.object({ reason: z.string(), reviewerId: z.string(), decidedAt: z.string() }).nullable(),
  cancellationReason: z.string().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type OwnedEvent = z.infer<typeof OwnedEventSchema>;

// ── booking ───────────────────────────────────────────────────────────────────────────────────────────
export const BOOKING_STATUSES = ['reserving', 'pending_payment', 'confirmed', 'cancelled', 'expired', 'failed'] as const;
export type BookingStatus = (typeof BOOKING_STATUSES)[number];

export const BookingItemSchema = z.object({ tierId: z.string(), tierName: z.string(), quantity: z.number().int(), unitPrice: z.number().int(), currency: z.string() });
export type BookingItem = z.infer<typeof BookingItemSchema>;

/** What cancelling now would mean, by the refund policy: shown to the person before they confirm. */
export const CancellationTermsSchema = z.object({
  refund: z.enum(['full', 'none']),
  refundAmount: z.number().int(),
  currency: z.string(),
  /** In words, e.g. "You get 50.00 EUR back." */
  detail: z.string(),
});
export type CancellationTerms = z.infer<typeof CancellationTermsSchema>;

export const BookingSchema = z.object({
  id: z.string(),
  userId: z.string(),
  eventId: z.string(),
  status: z.enum(BOOKING_STATUSES),
  items: z.array(BookingItemSchema),
  amount: z.number().int(),
  currency: z.string(),
  /** While `pending_payment`: when the hold ends and the seats go back on sale. */
  expiresAt: z.string().nullable(),
  eventStartsAt: z.string().nullable(),
  createdAt: z.string(),
  confirmedAt: z.string().nullable(),
  cancelledAt: z.string().nullable(),
  cancelReason: z.string().nullable(),
  refund: z.object({ status: z.enum(['requested', 'refunded', 'none']), amount: z.number().int(), at: z.string().nullable() }).nullable(),
  /** The last declined payment, in words, while the hold lasts. */
  lastPaymentError: z.string().nullable(),
  /** Null when the booking can no longer be cancelled. */
  cancellation: CancellationTermsSchema.nullable(),
});
export type Booking = z.infer<typeof BookingSchema>;

// ── payment ───────────────────────────────────────────────────────────────────────────────────────────
/** `POST /payments/intents`: confirm it with Stripe using the client secret. */
export const PaymentIntentSchema = z.object({
  paymentId: z.string(),
  paymentIntentId: z.string(),
  clientSecret: z.string(),
  amount: z.number().int(),
  currency: z.string(),
});
export type PaymentIntent = z.infer<typeof PaymentIntentSchema>;

// ── qr & entry ────────────────────────────────────────────────────────────────────────────────────────
export const TicketSchema = z.object({
  id: z.string(),
  bookingId: z.string(),
  eventId: z.string(),
  tierId: z.string(),
  tierName: z.string(),
  seat: z.number().int(),
  status: z.enum(['valid', 'cancelled']),
  /** The QR code's content; null once the ticket is void. */
  qr: z.string().nullable(),
  issuedAt: z.string(),
  checkedInAt: z.string().nullable(),
});
export type Ticket = z.infer<typeof TicketSchema>;

export const SCAN_RESULTS = ['admitted', 'already_used', 'invalid', 'wrong_event', 'cancelled'] as const;
export type ScanResult = (typeof SCAN_RESULTS)[number];

export const EntryStatsSchema = z.object({
  eventId: z.string(),
  sold: z.number().int(),
  checkedIn: z.number().int(),
  byGate: z.array(z.object({ gate: z.string(), checkedIn: z.number().int() })),
  byTier: z.array(z.object({ tierId: z.string(), tierName: z.string(), sold: z.number().int(), checkedIn: z.number().int() })),
});
export type EntryStats = z.infer<typeof EntryStatsSchema>;

// ── notification ──────────────────────────────────────────────────────────────────────────────────────
export const NOTIFICATION_KINDS = [
  'welcome',
  'password_reset',
  'event_approved',
  'event_rejected',
  'event_cancelled',
  'booking_confirmed',
  'booking_cancelled',
  'booking_expired',
  'payment_failed',
  'payment_refunded',
  'tickets_issued',
] as const;
export type NotificationKind = (typeof NOTIFICATION_KINDS)[number];

export const NotificationSchema = z.object({
  id: z.string(),
  kind: z.enum(NOTIFICATION_KINDS),
  title: z.string(),
  body: z.string(),
  /** What it is about: bookingId, eventId, … */
  data: z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()])),
  createdAt: z.string(),
  readAt: z.string().nullable(),
  deliveries: z.array(
    z.object({
      channel: z.enum(['email', 'push']),
      to: z.string(),
      status: z.enum(['pending', 'sent', 'failed']),
      attempts: z.array(z.object({ at: z.string(), ok: z.boolean(), error: z.string().nullable() })),
    }),
  ),
});
export type Notification = z.infer<typeof NotificationSchema>;

export interface NotificationPage extends Page<Notification> {
  unreadCount: number;
}

export const ChannelChoiceSchema = z.object({ inApp: z.literal(true), email: z.boolean(), push: z.boolean(), locked: z.array(z.string()) });
export const NotificationPreferencesSchema = z.object({ kinds: z.record(z.enum(NOTIFICATION_KINDS), ChannelChoiceSchema) });
export type NotificationPreferences = z.infer<typeof NotificationPreferencesSchema>;
