import { z } from 'zod';
import { RoleSchema } from './roles.js';

/**
 * What the public API answers, through the gateway: one schema per resource, shared by the services that
 * produce it (their view functions are typed with these) and the app that reads it (type-only imports), so
 * neither keeps a copy of its own. Timestamps are ISO 8601 UTC strings, money integer minor units plus an
 * ISO 4217 currency.
 */

/** RFC 9457 problem details, as every error is answered. Extension members (e.g. `services` on 503) are allowed. */
export const ProblemSchema = z
  .looseObject({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    detail: z.string().optional(),
    instance: z.string().optional(),
    /** Validation: one entry per bad field, `field` as a dotted path such as `body.tiers.0.price`. */
    errors: z.array(z.object({ field: z.string(), message: z.string() })).optional(),
  })
  .meta({ id: 'Problem' });
export type Problem = z.infer<typeof ProblemSchema>;

/** Every list: a page of items and an opaque cursor for the next one (null at the end). */
export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

/** The schema of a page of `item`s (see Page). */
export const pageOf = <T extends z.ZodType>(item: T) =>
  z.object({ items: z.array(item), nextCursor: z.string().nullable().describe('Pass as ?cursor= for the next page; null at the end.') });

// ── auth ──────────────────────────────────────────────────────────────────────────────────────────────
export const AccountSchema = z
  .object({ id: z.string(), email: z.string(), name: z.string(), roles: z.array(RoleSchema), createdAt: z.string() })
  .meta({ id: 'Account' });
export type Account = z.infer<typeof AccountSchema>;

/**
 * Sign-up, sign-in and refresh. `expiresIn`: seconds the access token is valid. A browser that asks for it
 * (`X-Refresh-Token-Transport: cookie`) gets the refresh token as an HttpOnly cookie instead of in the body.
 */
export const SessionSchema = z
  .object({ user: AccountSchema, accessToken: z.string(), refreshToken: z.string().optional(), expiresIn: z.number() })
  .meta({ id: 'Session' });
export type Session = z.infer<typeof SessionSchema>;

// ── user ──────────────────────────────────────────────────────────────────────────────────────────────
export const ProfileSchema = z
  .object({
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
  })
  .meta({ id: 'Profile' });
export type Profile = z.infer<typeof ProfileSchema>;

// ── event ─────────────────────────────────────────────────────────────────────────────────────────────
export const EVENT_CATEGORIES = [
  'music',
  'sports',
  'arts',
  'theatre',
  'comedy',
  'tech',
  'food',
  'business',
  'education',
  'family',
  'other',
] as const;
export type EventCategory = (typeof EVENT_CATEGORIES)[number];
export const EVENT_STATUSES = ['draft', 'pending_review', 'rejected', 'published', 'cancelled'] as const;
export type EventStatus = (typeof EVENT_STATUSES)[number];

export const VenueSchema = z
  .object({
    name: z.string(),
    address: z.string(),
    city: z.string(),
    /** ISO 3166 alpha-2. */
    country: z.string(),
    latitude: z.number().optional(),
    longitude: z.number().optional(),
  })
  .meta({ id: 'Venue' });
export type Venue = z.infer<typeof VenueSchema>;

export const TierSchema = z
  .object({
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
  })
  .meta({ id: 'Tier' });
export type Tier = z.infer<typeof TierSchema>;

/** A published event as anyone sees it. */
export const EventSchema = z
  .object({
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
  })
  .meta({ id: 'Event' });
export type PublicEvent = z.infer<typeof EventSchema>;

/** What the organizer (and admins) see of their event. */
export const OwnedEventSchema = EventSchema.extend({
  staffIds: z.array(z.string()),
  submissionId: z.string().nullable(),
  rejection: z.object({ reason: z.string(), reviewerId: z.string(), decidedAt: z.string() }).nullable(),
  cancellationReason: z.string().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
}).meta({ id: 'OwnedEvent' });
export type OwnedEvent = z.infer<typeof OwnedEventSchema>;

// ── booking ───────────────────────────────────────────────────────────────────────────────────────────
export const BOOKING_STATUSES = ['reserving', 'pending_payment', 'confirmed', 'cancelled', 'expired', 'failed'] as const;
export type BookingStatus = (typeof BOOKING_STATUSES)[number];

export const BookingItemSchema = z
  .object({ tierId: z.string(), tierName: z.string(), quantity: z.number().int(), unitPrice: z.number().int(), currency: z.string() })
  .meta({ id: 'BookingItem' });
export type BookingItem = z.infer<typeof BookingItemSchema>;

/** What cancelling now would mean, by the refund policy: shown to the person before they confirm. */
export const CancellationTermsSchema = z
  .object({
    refund: z.enum(['full', 'none']),
    refundAmount: z.number().int(),
    currency: z.string(),
    /** In words, e.g. "You get 50.00 EUR back." */
    detail: z.string(),
  })
  .meta({ id: 'CancellationTerms' });
export type CancellationTerms = z.infer<typeof CancellationTermsSchema>;

export const BookingSchema = z
  .object({
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
  })
  .meta({ id: 'Booking' });
export type Booking = z.infer<typeof BookingSchema>;

// ── payment ───────────────────────────────────────────────────────────────────────────────────────────
/** `POST /payments/intents`: confirm it with Stripe using the client secret. */
export const PaymentIntentSchema = z
  .object({
    paymentId: z.string(),
    paymentIntentId: z.string(),
    clientSecret: z.string(),
    amount: z.number().int(),
    currency: z.string(),
  })
  .meta({ id: 'PaymentIntent' });
export type PaymentIntent = z.infer<typeof PaymentIntentSchema>;

// ── qr & entry ────────────────────────────────────────────────────────────────────────────────────────
export const TicketSchema = z
  .object({
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
  })
  .meta({ id: 'Ticket' });
export type Ticket = z.infer<typeof TicketSchema>;

export const SCAN_RESULTS = ['admitted', 'already_used', 'invalid', 'wrong_event', 'cancelled'] as const;
export type ScanResult = (typeof SCAN_RESULTS)[number];

export const EntryStatsSchema = z
  .object({
    eventId: z.string(),
    sold: z.number().int(),
    checkedIn: z.number().int(),
    byGate: z.array(z.object({ gate: z.string(), checkedIn: z.number().int() })),
    byTier: z.array(z.object({ tierId: z.string(), tierName: z.string(), sold: z.number().int(), checkedIn: z.number().int() })),
    /** Tickets admitted at two gates while offline: the first admission counts, the others are listed here. */
    conflicts: z.array(z.object({ ticketId: z.string(), gate: z.string(), at: z.string(), firstGate: z.string(), firstAt: z.string() })),
  })
  .meta({ id: 'EntryStats' });
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
  /** A published event's date, time or venue changed: every ticket holder is told. */
  'event_changed',
  /** An organizer named the person door staff of an event. */
  'staff_added',
] as const;
export type NotificationKind = (typeof NOTIFICATION_KINDS)[number];

export const NotificationSchema = z
  .object({
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
  })
  .meta({ id: 'Notification' });
export type Notification = z.infer<typeof NotificationSchema>;

export interface NotificationPage extends Page<Notification> {
  unreadCount: number;
}

export const ChannelChoiceSchema = z
  .object({ inApp: z.literal(true), email: z.boolean(), push: z.boolean(), locked: z.array(z.string()) })
  .meta({ id: 'ChannelChoice' });
export const NotificationPreferencesSchema = z
  .object({ kinds: z.record(z.enum(NOTIFICATION_KINDS), ChannelChoiceSchema) })
  .meta({ id: 'NotificationPreferences' });
export type NotificationPreferences = z.infer<typeof NotificationPreferencesSchema>;

// ── organizers, admins and the door (app part 2) ─────────────────────────────────────────────────────────

/** `GET /approvals…`: one submission of an event for review, with the event as it was submitted. */
export const ReviewSchema = z
  .object({
    id: z.string(),
    eventId: z.string(),
    organizerId: z.string(),
    submissionId: z.string(),
    status: z.enum(['pending', 'approved', 'rejected']),
    submittedAt: z.string(),
    decidedAt: z.string().nullable(),
    reviewerId: z.string().nullable(),
    reason: z.string().nullable(),
    /** The event's content as submitted (title, description, category, venue, dates, time zone, tiers). */
    event: z.record(z.string(), z.unknown()),
  })
  .meta({ id: 'Review' });
export type Review = z.infer<typeof ReviewSchema>;

/**
 * Door staff of an event, named by e-mail. The answer is the same whether or not an account has that address
 * (nobody learns who has an account); the person can scan as soon as an account with it exists.
 */
export const StaffListSchema = z
  .object({ eventId: z.string(), staff: z.array(z.object({ email: z.string(), addedAt: z.string() })) })
  .meta({ id: 'StaffList' });
export type StaffList = z.infer<typeof StaffListSchema>;

/** A refund of a payment (`POST /payments/:id/refund` answers one). */
export const RefundSchema = z
  .object({
    id: z.string(),
    amount: z.number().int(),
    status: z.string(),
    reason: z.string().nullable(),
    failureReason: z.string().nullable(),
    createdAt: z.string(),
  })
  .meta({ id: 'Refund' });
export type Refund = z.infer<typeof RefundSchema>;

/** `GET /payments?eventId=` (the event's organizer, admins): what was paid and refunded for each booking. */
export const PaymentSchema = z
  .object({
    id: z.string(),
    bookingId: z.string(),
    eventId: z.string(),
    amount: z.number().int(),
    currency: z.string(),
    status: z.enum(['requires_payment', 'failed', 'succeeded', 'partially_refunded', 'refunded', 'canceled']),
    paymentIntentId: z.string().nullable(),
    amountRefunded: z.number().int(),
    failureReason: z.string().nullable(),
    createdAt: z.string(),
    refunds: z.array(RefundSchema),
  })
  .meta({ id: 'Payment' });
export type Payment = z.infer<typeof PaymentSchema>;

/** `POST /entry/scan`. */
export const ScanAnswerSchema = z
  .object({
    result: z.enum(SCAN_RESULTS),
    ticket: TicketSchema.optional(),
    /** When and where the first admission happened (admitted: now; already_used: the earlier one). */
    checkedInAt: z.string().optional(),
    gate: z.string().optional(),
  })
  .meta({ id: 'ScanAnswer' });
export type ScanAnswer = z.infer<typeof ScanAnswerSchema>;

/**
 * `GET /entry/events/:id/door-kit` (the event's staff, organizer, admins): what a scanner needs to decide at the
 * door without a network. Ticket codes `ET2.<ticketId>.<eventId>.<kid>.<signature>` are Ed25519-signed by the qr
 * service; the kit carries the public keys only (retired keys too, so tickets issued before a rotation still
 * verify), so a scanner can check codes but never make one.
 */
export const DoorKitSchema = z
  .object({
    eventId: z.string(),
    /** Raw 32-byte Ed25519 public keys, base64url, by key id. */
    keys: z.array(z.object({ kid: z.string(), publicKey: z.string() })),
    /** Tickets that no longer admit anyone (their booking was cancelled). */
    cancelled: z.array(z.string()),
    /** Tickets already admitted, with when and where. */
    checkedIn: z.array(z.object({ ticketId: z.string(), at: z.string(), gate: z.string() })),
    /** When the kit was made: a scanner refreshes it while online and says how old it is while offline. */
    generatedAt: z.string(),
  })
  .meta({ id: 'DoorKit' });
export type DoorKit = z.infer<typeof DoorKitSchema>;

/**
 * `POST /entry/events/:id/check-ins`: admissions a scanner decided offline, uploaded when it is back online, at
 * most 1000 per request (send more in several requests: a request body is limited to 1 MiB).
 */
export const OfflineCheckInsSchema = z.object({
  checkIns: z.array(z.object({ qr: z.string(), gate: z.string(), scannedAt: z.string(), scannerId: z.string() })).max(1000),
});
export type OfflineCheckIns = z.infer<typeof OfflineCheckInsSchema>;

/** Per uploaded check-in: recorded, already there from this same upload before (a retry), or in conflict with an earlier admission. */
export const OfflineCheckInResultSchema = z
  .object({
    results: z.array(
      z.object({
        ticketId: z.string().nullable(),
        outcome: z.enum(['recorded', 'duplicate', 'conflict', 'invalid']),
        firstAt: z.string().optional(),
        firstGate: z.string().optional(),
      }),
    ),
  })
  .meta({ id: 'OfflineCheckInResult' });
export type OfflineCheckInResult = z.infer<typeof OfflineCheckInResultSchema>;

// ── smaller answers ───────────────────────────────────────────────────────────────────────────────────

/** `POST /auth/password/forgot`: the same answer whether or not the address has an account. */
export const AcceptedSchema = z.object({ status: z.literal('accepted'), detail: z.string() }).meta({ id: 'Accepted' });

/** `GET /auth/.well-known/jwks.json`: the public keys (RFC 7517) that verify access tokens. */
export const JwksSchema = z
  .object({
    keys: z.array(z.looseObject({ kty: z.string(), kid: z.string().optional(), alg: z.string().optional(), use: z.string().optional() })),
  })
  .meta({ id: 'Jwks' });
export type Jwks = z.infer<typeof JwksSchema>;

/** `POST /users/me/push-tokens`: every push token of the person now. */
export const PushTokensSchema = z.object({ pushTokens: z.array(z.string()) }).meta({ id: 'PushTokens' });

/** `GET /events/:id`: the organizer's (and admins') view of their own event, anyone else's view of a published one. */
export const EventViewSchema = z.union([OwnedEventSchema, EventSchema]).meta({ id: 'EventView' });

export const NotificationPageSchema = pageOf(NotificationSchema).extend({ unreadCount: z.number().int() }).meta({ id: 'NotificationPage' });

/** `POST /notifications/read-all`. */
export const MarkedReadSchema = z.object({ marked: z.number().int(), unreadCount: z.number().int() }).meta({ id: 'MarkedRead' });

/** `POST /payments/webhooks/stripe`: what became of the Stripe event (`duplicate`: it was applied before). */
export const WebhookReceiptSchema = z
  .object({ received: z.literal(true), duplicate: z.boolean(), outcome: z.string().optional() })
  .meta({ id: 'WebhookReceipt' });

/** `POST /entry/keys/rotate` (admin). */
export const TicketKeyRotationSchema = z
  .object({ activeKid: z.string(), retiredKids: z.array(z.string()) })
  .meta({ id: 'TicketKeyRotation' });
