import { z } from 'zod';
import { RoleSchema } from './roles.js';

/**
 * The integration events between services: one schema per type, the payload (`data`) of a past-tense fact; the
 * envelope (id, occurredAt, source, requestId) is in events.ts. Money is integer minor units + ISO 4217 currency.
 * Publishers are held to these types at compile time (`outboxEvent`), consumers check them at run time (the kit's
 * event bus dead-letters a payload that does not match, with the reason, instead of handing it over).
 * Add fields freely (consumers ignore what they do not know: unknown keys are dropped); never change the meaning of one.
 */
const id = z.string().min(1);
const isoTime = z.string().min(1);
const money = { amount: z.number().int(), currency: z.string().length(3) };
const venue = z.object({ name: z.string(), address: z.string(), city: z.string(), country: z.string() });
const roles = z.array(RoleSchema);

export const EVENT_SCHEMAS = {
  /** auth → user, notification. */
  UserRegistered: z.object({ userId: id, email: z.string(), name: z.string(), roles }),
  /** user (admin action) → auth already applied synchronously; for notification/audit. */
  UserRolesChanged: z.object({ userId: id, roles, changedBy: id }),
  /**
   * auth → notification. The one-time token travels sealed (AES-256-GCM with RESET_TOKEN_SEAL_KEY, which only
   * auth and notification hold, bound to `resetTokenSealContext(userId)`): neither the outbox document nor the
   * stream holds it in clear. Notification opens it to build the e-mail's link; never log it.
   */
  PasswordResetRequested: z.object({
    userId: id,
    email: z.string(),
    name: z.string(),
    sealedResetToken: z.string().min(1),
    expiresAt: isoTime,
  }),
  PasswordChanged: z.object({ userId: id, email: z.string() }),

  /** event → approval: a submission to review, with the event's content as submitted. */
  EventSubmitted: z.object({
    eventId: id,
    organizerId: id,
    submissionId: id,
    submittedAt: isoTime,
    snapshot: z.record(z.string(), z.unknown()),
  }),
  EventPublished: z.object({ eventId: id, organizerId: id, title: z.string(), startsAt: isoTime }),
  /**
   * event → notification, booking: a published event was edited. `changedFields` names what actually changed
   * (title, description, category, coverImageUrl, venue, startsAt, endsAt, timeZone, tiers); the event's
   * date, time, time zone and venue as they are now, and as they were before when they changed, so ticket
   * holders can be told what moved (`previous` holds only the fields that changed among those four).
   */
  EventUpdated: z.object({
    eventId: id,
    organizerId: id,
    changedFields: z.array(z.string()),
    title: z.string().optional(),
    startsAt: isoTime.optional(),
    endsAt: isoTime.optional(),
    timeZone: z.string().optional(),
    venue: venue.optional(),
    previous: z
      .object({ startsAt: isoTime.optional(), endsAt: isoTime.optional(), timeZone: z.string().optional(), venue: venue.optional() })
      .optional(),
  }),
  /** event → booking (cancel and refund every booking), notification. */
  EventCancelled: z.object({ eventId: id, organizerId: id, title: z.string(), reason: z.string().optional() }),
  /** event → qr (forget cached door access): who may scan for the event now (accounts only). */
  EventStaffChanged: z.object({ eventId: id, staffIds: z.array(id) }),
  /** event → notification: a person with an account was named door staff (at once, or when they registered). */
  EventStaffAdded: z.object({ eventId: id, organizerId: id, userId: id, title: z.string(), startsAt: isoTime, addedAt: isoTime }),

  /** approval → event (publish), notification. */
  EventApproved: z.object({ eventId: id, organizerId: id, reviewId: id, submissionId: id, reviewerId: id, decidedAt: isoTime }),
  /** approval → event (back to the organizer), notification. */
  EventRejected: z.object({
    eventId: id,
    organizerId: id,
    reviewId: id,
    submissionId: id,
    reviewerId: id,
    reason: z.string(),
    decidedAt: isoTime,
  }),

  BookingCreated: z.object({
    bookingId: id,
    userId: id,
    eventId: id,
    status: z.enum(['pending_payment', 'confirmed']),
    ...money,
    expiresAt: isoTime.nullable(),
  }),
  /** booking → qr (issue tickets), notification. */
  BookingConfirmed: z.object({
    bookingId: id,
    userId: id,
    eventId: id,
    items: z.array(
      z.object({
        tierId: id,
        tierName: z.string(),
        quantity: z.number().int().positive(),
        unitPrice: z.number().int(),
        currency: z.string().length(3),
      }),
    ),
    ...money,
    confirmedAt: isoTime,
  }),
  /** booking → payment (refund when `refund`), qr (void tickets), notification. */
  BookingCancelled: z.object({
    bookingId: id,
    userId: id,
    eventId: id,
    reason: z.enum(['user', 'event_cancelled', 'admin', 'payment_late']),
    refund: z.boolean(),
    ...money,
  }),
  BookingExpired: z.object({ bookingId: id, userId: id, eventId: id }),

  /** payment → booking (confirm), notification. */
  PaymentSucceeded: z.object({ paymentId: id, bookingId: id, userId: id, paymentIntentId: id, ...money }),
  /** payment → notification; the hold stays until it expires. */
  PaymentFailed: z.object({ paymentId: id, bookingId: id, userId: id, paymentIntentId: id, reason: z.string() }),
  /** payment → booking (mark refunded; a full refund of a confirmed booking cancels it), notification. */
  PaymentRefunded: z.object({
    paymentId: id,
    bookingId: id,
    userId: id,
    refundId: id,
    /** This refund. */
    amount: z.number().int(),
    /** Every refund of the payment so far, this one included. */
    totalRefunded: z.number().int(),
    fullyRefunded: z.boolean(),
    currency: z.string().length(3),
    reason: z.string(),
  }),

  /** qr → notification: one ticket per seat of a confirmed booking. */
  TicketsIssued: z.object({ bookingId: id, userId: id, eventId: id, ticketIds: z.array(id) }),
  /** qr → notification: tickets of a cancelled or expired booking no longer admit anyone. */
  TicketsVoided: z.object({ bookingId: id, userId: id, eventId: id, ticketIds: z.array(id) }),
  /** qr: a ticket admitted at the door (first scan). */
  TicketCheckedIn: z.object({ ticketId: id, bookingId: id, userId: id, eventId: id, gate: z.string(), checkedInAt: isoTime }),
} as const;

export type EventType = keyof typeof EVENT_SCHEMAS;
export type EventPayloads = { [T in EventType]: z.infer<(typeof EVENT_SCHEMAS)[T]> };
export const EVENT_TYPES = Object.keys(EVENT_SCHEMAS) as EventType[];

/** Whether `type` names an integration event this platform knows. */
export function isEventType(type: string): type is EventType {
  return Object.hasOwn(EVENT_SCHEMAS, type);
}

/** What a sealed password-reset token is bound to (its AAD): an envelope copied onto another account does not open. */
export const resetTokenSealContext = (userId: string) => `PasswordResetRequested:${userId}`;
