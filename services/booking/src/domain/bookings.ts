import { createHash, randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { Booking as BookingView, EventPayloads, ReleaseSeatsResponse, ReserveSeatsResponse } from '@eventify/contracts';
import { conflict, isAppError, notFound, type EventBus, type Mutex, type ServiceClient } from '@eventify/kit';
import type { Booking, BookingsRepository } from '../data/bookings-repository.js';
import { cancellationTerms, refundsOnCancel, type RefundPolicy } from './refund-policy.js';

export interface BookingPolicy {
  holdMinutes: number;
  refundCutoffHours: number;
}

export interface BookingRequest {
  eventId: string;
  items: { tierId: string; quantity: number }[];
}

export function bookingView(booking: Booking, policy: RefundPolicy, now = new Date()): BookingView {
  return {
    id: booking._id,
    userId: booking.userId,
    eventId: booking.eventId,
    status: booking.status,
    items: booking.items,
    amount: booking.amount,
    currency: booking.currency,
    expiresAt: booking.status === 'pending_payment' ? (booking.expiresAt?.toISOString() ?? null) : null,
    eventStartsAt: booking.eventStartsAt?.toISOString() ?? null,
    createdAt: booking.createdAt.toISOString(),
    confirmedAt: booking.confirmedAt?.toISOString() ?? null,
    cancelledAt: booking.cancelledAt?.toISOString() ?? null,
    cancelReason: booking.cancelReason,
    refund: booking.refund ? { ...booking.refund, at: booking.refund.at?.toISOString() ?? null } : null,
    lastPaymentError: booking.status === 'pending_payment' && booking.paymentFailure ? booking.paymentFailure.reason : null,
    cancellation: cancellationTerms(booking, policy, now),
  };
}

/**
 * Bookings: seats are taken at the event service first (atomically, all tiers or none), then held
 * until paid or expired. Every state change of one booking happens under its lock, so a payment, a
 * cancel and the expiry sweep of two replicas never act on the same booking at once.
 */
export class Bookings {
  constructor(
    private readonly repository: BookingsRepository,
    private readonly events: ServiceClient,
    private readonly bus: EventBus,
    private readonly mutex: Mutex,
    private readonly policy: BookingPolicy,
    private readonly log: Logger,
  ) {}

  private view(booking: Booking): BookingView {
    return bookingView(booking, this.policy);
  }

  private locked<T>(id: string, fn: () => Promise<T>) {
    return this.mutex.run(`booking:${id}`, fn);
  }

  async create(userId: string, request: BookingRequest, idempotencyKey: string | undefined) {
    const id = randomUUID();
    if (idempotencyKey) {
      const requestHash = createHash('sha256').update(JSON.stringify(request)).digest('hex');
      const earlier = await this.repository.claimKey(userId, idempotencyKey, id, requestHash);
      if (earlier) {
        if (earlier.requestHash !== requestHash) {
          throw conflict('This Idempotency-Key was already used for a different booking request.', 'idempotency-key-reused');
        }
        return { created: false, booking: this.view(await this.settled(earlier.bookingId)) };
      }
    }
    const now = new Date();
    const booking: Booking = {
      _id: id,
      userId,
      eventId: request.eventId,
      items: [],
      requested: request.items,
      amount: 0,
      currency: 'EUR',
      status: 'reserving',
      reservationKey: id,
      expiresAt: null,
      eventStartsAt: null,
      createdAt: now,
      updatedAt: now,
      confirmedAt: null,
      cancelledAt: null,
      cancelReason: null,
      refund: null,
    };
    await this.repository.insert(booking);

    let seats: ReserveSeatsResponse;
    try {
      seats = (await this.events<ReserveSeatsResponse>('POST', `/internal/events/${encodeURIComponent(request.eventId)}/reservations`, {
        internal: true,
        body: { bookingId: id, items: request.items },
      })).body;
    } catch (error) {
      // Sold out or not on sale: nothing was taken. Unreachable: give back whatever might have been.
      if (!isAppError(error) || error.status >= 500) await this.releaseSeats(booking).catch(() => undefined);
      // Nobody else acts on a booking that is still reserving (the sweeper waits a minute), so no lock.
      await this.repository.update(id, ['reserving'], { status: 'failed' });
      if (isAppError(error) && error.status === 404) throw notFound('event');
      throw error;
    }

    const free = seats.amount === 0;
    const confirmedAt = new Date();
    const stored = await this.locked(id, () =>
      this.repository.update(id, ['reserving'], {
        items: seats.items,
        amount: seats.amount,
        currency: seats.currency,
        eventStartsAt: new Date(seats.eventStartsAt),
        status: free ? 'confirmed' : 'pending_payment',
        expiresAt: free ? null : new Date(confirmedAt.getTime() + this.policy.holdMinutes * 60_000),
        confirmedAt: free ? confirmedAt : null,
      }),
    );
    if (!stored) throw conflict('The booking changed while it was being made; look it up again.', 'state-changed');
    await this.bus.publish<EventPayloads['BookingCreated']>('BookingCreated', {
      bookingId: id,
      userId,
      eventId: stored.eventId,
      status: free ? 'confirmed' : 'pending_payment',
      amount: stored.amount,
      currency: stored.currency,
      expiresAt: stored.expiresAt?.toISOString() ?? null,
    });
    if (free) await this.publishConfirmed(stored);
    return { created: true, booking: this.view(stored) };
  }

  /** A retried request may arrive while the first is still reserving: wait briefly for its outcome. */
  private async settled(id: string): Promise<Booking> {
    const deadline = Date.now() + 10_000;
    for (;;) {
      const booking = await this.repository.find(id);
      if (booking && booking.status !== 'reserving') return booking;
      if (!booking && Date.now() > deadline) throw notFound('booking');
      if (booking && Date.now() > deadline) return booking;
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  async read(id: string, userId: string) {
    const booking = await this.repository.find(id);
    if (!booking || booking.userId !== userId) throw notFound('booking');
    return this.view(booking);
  }

  async list(userId: string, after: { createdAt: Date; id: string } | undefined, limit: number) {
    const rows = await this.repository.ofUser(userId, after, limit + 1);
    const page = rows.slice(0, limit);
    return { items: page.map((b) => this.view(b)), last: rows.length > limit ? page.at(-1) : undefined };
  }

  async internal(id: string) {
    const booking = await this.repository.find(id);
    if (!booking) throw notFound('booking');
    const status = (['reserving', 'failed'].includes(booking.status) ? 'cancelled' : booking.status) as 'pending_payment' | 'confirmed' | 'cancelled' | 'expired';
    return {
      id: booking._id,
      userId: booking.userId,
      eventId: booking.eventId,
      status,
      amount: booking.amount,
      currency: booking.currency,
      expiresAt: booking.expiresAt?.toISOString() ?? null,
    };
  }

  /**
   * Cancel by its owner. A hold is released. A confirmed booking gives its seats back and is refunded in full
   * until REFUND_CUTOFF_HOURS before the event starts; after that it is cancelled without a refund.
   */
  async cancelByOwner(id: string, userId: string) {
    const booking = await this.repository.find(id);
    if (!booking || booking.userId !== userId) throw notFound('booking');
    const cancelled = await this.cancel(id, 'user');
    if (!cancelled) throw conflict(`A ${booking.status} booking cannot be cancelled.`, 'wrong-state');
    return this.view(cancelled);
  }


  /** Cancel for any reason; null when the booking is not in a cancellable state. */
  private async cancel(id: string, reason: EventPayloads['BookingCancelled']['reason']): Promise<Booking | null> {
    return this.locked(id, async () => {
      const booking = await this.repository.find(id);
      if (!booking || !['pending_payment', 'confirmed'].includes(booking.status)) return null;
      const refund = refundsOnCancel(booking, reason, this.policy);
      await this.releaseSeats(booking);
      const cancelled = await this.repository.update(id, ['pending_payment', 'confirmed'], {
        status: 'cancelled',
        cancelledAt: new Date(),
        cancelReason: reason,
        refund: refund ? { status: 'requested', amount: booking.amount, at: null } : { status: 'none', amount: 0, at: null },
      });
      if (!cancelled) return null;
      await this.bus.publish<EventPayloads['BookingCancelled']>('BookingCancelled', {
        bookingId: id,
        userId: booking.userId,
        eventId: booking.eventId,
        reason,
        refund,
        amount: booking.amount,
        currency: booking.currency,
      });
      return cancelled;
    });
  }

  /** EventCancelled: every booking of the event is cancelled, and paid ones refunded. */
  async cancelAllOfEvent(eventId: string): Promise<void> {
    for (const booking of await this.repository.activeOfEvent(eventId)) {
      if (booking.status === 'reserving') continue; // the sweeper settles it
      await this.cancel(booking._id, 'event_cancelled');
    }
  }

  /** PaymentSucceeded: confirm; after expiry take the seats again if they are still there, else refund. */
  async paymentSucceeded(data: EventPayloads['PaymentSucceeded']): Promise<void> {
    await this.locked(data.bookingId, async () => {
      const booking = await this.repository.find(data.bookingId);
      if (!booking) {
        this.log.warn({ bookingId: data.bookingId }, 'payment for an unknown booking');
        return;
      }
      if (booking.status === 'confirmed') return;
      if (booking.status === 'pending_payment') {
        const confirmed = await this.repository.update(booking._id, ['pending_payment'], { status: 'confirmed', confirmedAt: new Date() });
        if (confirmed) await this.publishConfirmed(confirmed);
        return;
      }
      if (booking.status === 'expired') {
        const lateKey = `${booking._id}-late`;
        try {
          await this.events('POST', `/internal/events/${encodeURIComponent(booking.eventId)}/reservations`, {
            internal: true,
            body: { bookingId: lateKey, items: booking.requested },
          });
          const confirmed = await this.repository.update(booking._id, ['expired'], {
            status: 'confirmed',
            confirmedAt: new Date(),
            reservationKey: lateKey,
          });
          if (confirmed) await this.publishConfirmed(confirmed);
          return;
        } catch (error) {
          if (!isAppError(error) || error.status >= 500) throw error; // retried by the bus
        }
      }
      // The seats are gone (or the booking was cancelled meanwhile): the customer must not stay charged.
      const cancelled = await this.repository.update(booking._id, ['expired', 'cancelled', 'failed'], {
        status: 'cancelled',
        cancelledAt: booking.cancelledAt ?? new Date(),
        cancelReason: booking.cancelReason ?? 'payment_late',
        refund: { status: 'requested', amount: data.amount, at: null },
      });
      await this.bus.publish<EventPayloads['BookingCancelled']>('BookingCancelled', {
        bookingId: booking._id,
        userId: booking.userId,
        eventId: booking.eventId,
        reason: 'payment_late',
        refund: true,
        amount: data.amount,
        currency: data.currency,
      });
      this.log.info({ bookingId: booking._id, status: cancelled?.status }, 'late payment could not get seats; refund requested');
    });
  }

  /**
   * PaymentRefunded: the booking shows the refund. A confirmed booking refunded in full by its organizer
   * or an admin is cancelled and its seats go back on sale (no second refund is asked for).
   */
  async paymentRefunded(data: EventPayloads['PaymentRefunded']): Promise<void> {
    await this.locked(data.bookingId, async () => {
      const booking = await this.repository.find(data.bookingId);
      if (!booking) return;
      await this.repository.setRefund(booking._id, { status: 'refunded', amount: data.totalRefunded, at: new Date() });
      if (data.fullyRefunded && booking.status === 'confirmed') {
        await this.releaseSeats(booking);
        const cancelled = await this.repository.update(booking._id, ['confirmed'], { status: 'cancelled', cancelledAt: new Date(), cancelReason: 'admin' });
        if (cancelled) {
          await this.bus.publish<EventPayloads['BookingCancelled']>('BookingCancelled', {
            bookingId: booking._id,
            userId: booking.userId,
            eventId: booking.eventId,
            reason: 'admin',
            refund: false,
            amount: booking.amount,
            currency: booking.currency,
          });
        }
      }
    });
  }

  /** PaymentFailed: the attendee sees why on the booking; the hold stays until it expires, so they can try again. */
  async paymentFailed(data: EventPayloads['PaymentFailed']): Promise<void> {
    await this.repository.setPaymentFailure(data.bookingId, { reason: data.reason, at: new Date() });
  }

  /** Expire unpaid holds and settle bookings stuck half-way. Safe to run on every replica at once. */
  async sweep(now = new Date()): Promise<number> {
    const due = await this.repository.dueForSweep(now, new Date(now.getTime() - 60_000), 200);
    let expired = 0;
    for (const candidate of due) {
      await this.locked(candidate._id, async () => {
        const booking = await this.repository.find(candidate._id);
        if (!booking) return;
        if (booking.status === 'pending_payment' && booking.expiresAt && booking.expiresAt <= now) {
          await this.releaseSeats(booking);
          if (await this.repository.update(booking._id, ['pending_payment'], { status: 'expired' })) {
            expired++;
            await this.bus.publish<EventPayloads['BookingExpired']>('BookingExpired', {
              bookingId: booking._id,
              userId: booking.userId,
              eventId: booking.eventId,
            });
          }
        } else if (booking.status === 'reserving' && booking.createdAt.getTime() <= now.getTime() - 60_000) {
          await this.releaseSeats(booking);
          await this.repository.update(booking._id, ['reserving'], { status: 'failed' });
        }
      }).catch((error) => this.log.warn({ err: error, bookingId: candidate._id }, 'sweep of a booking failed; next round retries'));
    }
    return expired;
  }

  private async releaseSeats(booking: Booking): Promise<boolean> {
    const { body } = await this.events<ReleaseSeatsResponse>(
      'POST',
      `/internal/events/${encodeURIComponent(booking.eventId)}/reservations/${encodeURIComponent(booking.reservationKey)}/release`,
      { internal: true },
    );
    return body.released;
  }

  private async publishConfirmed(booking: Booking): Promise<void> {
    await this.bus.publish<EventPayloads['BookingConfirmed']>('BookingConfirmed', {
      bookingId: booking._id,
      userId: booking.userId,
      eventId: booking.eventId,
      items: booking.items,
      amount: booking.amount,
      currency: booking.currency,
      confirmedAt: (booking.confirmedAt ?? new Date()).toISOString(),
    });
  }
}

