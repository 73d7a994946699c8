import type { Role } from './roles.js';

/**
 * The integration events between services: names and payloads. Past-tense facts; the envelope
 * (id, occurredAt, source, requestId) is in events.ts. Money is integer minor units + ISO 4217 currency.
 * Add fields freely (consumers ignore what they do not know); never change the meaning of one.
 */
export interface EventPayloads {
  /** auth → user, notification. */
  UserRegistered: { userId: string; email: string; name: string; roles: Role[] };
  /** user (admin action) → auth already applied synchronously; for notification/audit. */
  UserRolesChanged: { userId: string; roles: Role[]; changedBy: string };
  /**
   * auth → notification. The one-time token travels sealed (AES-256-GCM with RESET_TOKEN_SEAL_KEY, which only
   * auth and notification hold, bound to `resetTokenSealContext(userId)`): neither the outbox document nor the
   * stream holds it in clear. Notification opens it to build the e-mail's link; never log it.
   */
  PasswordResetRequested: { userId: string; email: string; name: string; sealedResetToken: string; expiresAt: string };
  PasswordChanged: { userId: string; email: string };

  /** event → approval: a submission to review, with the event's content as submitted. */
  EventSubmitted: { eventId: string; organizerId: string; submissionId: string; submittedAt: string; snapshot: Record<string, unknown> };
  EventPublished: { eventId: string; organizerId: string; title: string; startsAt: string };
  /**
   * event → notification, booking: a published event was edited. `changedFields` names what actually changed
   * (title, description, category, coverImageUrl, venue, startsAt, endsAt, timeZone, tiers); the event's
   * date, time, time zone and venue as they are now, and as they were before when they changed, so ticket
   * holders can be told what moved (`previous` holds only the fields that changed among those four).
   */
  EventUpdated: {
    eventId: string;
    organizerId: string;
    changedFields: string[];
    title?: string;
    startsAt?: string;
    endsAt?: string;
    timeZone?: string;
    venue?: { name: string; address: string; city: string; country: string };
    previous?: { startsAt?: string; endsAt?: string; timeZone?: string; venue?: { name: string; address: string; city: string; country: string } };
  };
  /** event → booking (cancel and refund every booking), notification. */
  EventCancelled: { eventId: string; organizerId: string; title: string; reason?: string };
  /** event → qr (forget cached door access): who may scan for the event now (accounts only). */
  EventStaffChanged: { eventId: string; staffIds: string[] };
  /** event → notification: a person with an account was named door staff (at once, or when they registered). */
  EventStaffAdded: { eventId: string; organizerId: string; userId: string; title: string; startsAt: string; addedAt: string };

  /** approval → event (publish), notification. */
  EventApproved: { eventId: string; organizerId: string; reviewId: string; submissionId: string; reviewerId: string; decidedAt: string };
  /** approval → event (back to the organizer), notification. */
  EventRejected: { eventId: string; organizerId: string; reviewId: string; submissionId: string; reviewerId: string; reason: string; decidedAt: string };

  BookingCreated: { bookingId: string; userId: string; eventId: string; status: 'pending_payment' | 'confirmed'; amount: number; currency: string; expiresAt: string | null };
  /** booking → qr (issue tickets), notification. */
  BookingConfirmed: {
    bookingId: string;
    userId: string;
    eventId: string;
    items: { tierId: string; tierName: string; quantity: number; unitPrice: number; currency: string }[];
    amount: number;
    currency: string;
    confirmedAt: string;
  };
  /** booking → payment (refund when `refund`), qr (void tickets), notification. */
  BookingCancelled: { bookingId: string; userId: string; eventId: string; reason: 'user' | 'event_cancelled' | 'admin' | 'payment_late'; refund: boolean; amount: number; currency: string };
  BookingExpired: { bookingId: string; userId: string; eventId: string };

  /** payment → booking (confirm), notification. */
  PaymentSucceeded: { paymentId: string; bookingId: string; userId: string; paymentIntentId: string; amount: number; currency: string };
  /** payment → notification; the hold stays until it expires. */
  PaymentFailed: { paymentId: string; bookingId: string; userId: string; paymentIntentId: string; reason: string };
  /** payment → booking (mark refunded; a full refund of a confirmed booking cancels it), notification. */
  PaymentRefunded: {
    paymentId: string;
    bookingId: string;
    userId: string;
    refundId: string;
    /** This refund. */
    amount: number;
    /** Every refund of the payment so far, this one included. */
    totalRefunded: number;
    fullyRefunded: boolean;
    currency: string;
    reason: string;
  };

  /** qr → notification: one ticket per seat of a confirmed booking. */
  TicketsIssued: { bookingId: string; userId: string; eventId: string; ticketIds: string[] };
  /** qr → notification: tickets of a cancelled or expired booking no longer admit anyone. */
  TicketsVoided: { bookingId: string; userId: string; eventId: string; ticketIds: string[] };
  /** qr: a ticket admitted at the door (first scan). */
  TicketCheckedIn: { ticketId: string; bookingId: string; userId: string; eventId: string; gate: string; checkedInAt: string };
}

export type EventType = keyof EventPayloads;

/** What a sealed password-reset token is bound to (its AAD): an envelope copied onto another account does not open. */
export const resetTokenSealContext = (userId: string) => `PasswordResetRequested:${userId}`;
