import { createHash, randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type {
  Booking as BookingView,
  EventPayloads,
  HeldSeatsResponse,
  ReleaseSeatsResponse,
  ReserveSeatsRequest,
  ReserveSeatsResponse,
} from '@eventify/contracts';
import {
  conflict,
  isAppError,
  type AppError,
  isDuplicateKeyError,
  notFound,
  outboxEvent,
  type Mutex,
  type OutboxEntry,
  type ServiceClient,
} from '@eventify/kit';
import type { Booking, BookingsRepository } from '../data/bookings-repository.js';
import { cancellationTerms, refundsOnCancel, type RefundPolicy } from './refund-policy.js';
import type { SoldOutMemo } from './sold-out.js';

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
 * until paid or expired.
 *
 * Invariants:
 * - Every change of a booking after its creation happens under the booking's lock (kit Mutex, leased),
 *   so a payment, a cancel, the relay and the expiry sweep of two replicas never write one booking at once.
 * - A state change and the events it implies are one single-document write (the booking's outbox): a
 *   crash can delay `BookingConfirmed` or `BookingCancelled`, never lose it.
 * - Seats are given back *after* the state that no longer holds them is stored: a crash in between leaves
 *   seats held by a booking that does not need them, which the event service's reconciler releases; the
 *   other order could leave a confirmed booking without its seats, sold again to someone else.
 * - Calls made under a lock time out (`lockedCalls`, 5 s) well before its lease (10 s, renewed).
 */
export class Bookings {
  constructor(
    private readonly repository: BookingsRepository,
    /** For reserving seats outside any lock: generous, a rush queues takers per tier. */
    private readonly reservations: ServiceClient,
    /** For calls made while holding a booking's lock: shorter than the lease. */
    private readonly lockedCalls: ServiceClient,
    private readonly mutex: Mutex,
    private readonly policy: BookingPolicy & { reservationTimeoutMs: number; lockedCallTimeoutMs: number; reservingStuckMs: number },
    private readonly log: Logger,
    private readonly soldOut: SoldOutMemo,
  ) {}

  private view(booking: Booking): BookingView {
    return bookingView(booking, this.policy);
  }

  private locked<T>(id: string, fn: () => Promise<T>) {
    return this.mutex.run(`booking:${id}`, fn);
  }

  async create(userId: string, request: BookingRequest, idempotencyKey: string | undefined) {
    try {
      this.soldOut.check(request.eventId, request.items);
    } catch (refusal) {
      // A retry of a request that did make its booking gets that booking back, not "sold out" (a read, no write).
      if (!idempotencyKey || !(await this.repository.findKey(userId, idempotencyKey))) throw refusal;
    }
    let id: string = randomUUID();
    if (idempotencyKey) {
      const requestHash = createHash('sha256').update(JSON.stringify(request)).digest('hex');
      const earlier = await this.repository.claimKey(userId, idempotencyKey, id, requestHash);
      if (earlier) {
        if (earlier.requestHash !== requestHash) {
          throw conflict('This Idempotency-Key was already used for a different booking request.', 'idempotency-key-reused');
        }
        const made = await this.settled(earlier.bookingId);
        if (made) return { created: false, booking: this.view(made) };
        // Claimed but never stored: the request that claimed the key died in between (a replica killed). It took no
        // seats (seats are taken only for a stored booking), so this retry makes the booking, under the claimed id.
        id = earlier.bookingId;
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
    // Stored before any seat is taken: whatever crashes later, the sweep and the reconciler can find it.
    try {
      await this.repository.insert(booking);
    } catch (error) {
      if (!isDuplicateKeyError(error)) throw error;
      // The claimer was only slow, and stored it after all: its outcome is this request's.
      return { created: false, booking: this.view((await this.settled(id))!) };
    }

    let seats: ReserveSeatsResponse;
    try {
      seats = await this.reserve(
        this.reservations,
        request.eventId,
        id,
        request.items,
        this.policy.reservationTimeoutMs,
        this.stuckAt(booking),
      );
    } catch (error) {
      // Sold out or not on sale: nothing was taken. Unreachable or late: give back whatever might have been.
      if (!isAppError(error) || error.status >= 500) await this.releaseSeats(booking).catch(() => undefined);
      else if (error.code === 'sold-out') this.rememberSoldOut(request.eventId, error);
      // A reserving booking is written only by its own request until the sweep may settle it
      // (RESERVING_STUCK_MS, far beyond the reservation deadline), so this write needs no lock.
      await this.repository.update(id, ['reserving'], { status: 'failed' });
      if (isAppError(error) && error.status === 404) throw notFound('event');
      throw error;
    }

    // Whoever took the last seats tells the next buyers, before anyone has to be refused by the event service.
    for (const { tierId, available } of seats.left ?? []) {
      const tierName = seats.items.find((item) => item.tierId === tierId)?.tierName ?? 'this tier';
      if (available === 0) this.soldOut.remember(request.eventId, tierId, 0, `Not enough tickets left for "${tierName}": it is sold out.`);
      else this.soldOut.forget(request.eventId, [tierId]);
    }
    const free = seats.amount === 0;
    const confirmedAt = new Date();
    const expiresAt = free ? null : new Date(confirmedAt.getTime() + this.policy.holdMinutes * 60_000);
    const created = outboxEvent('BookingCreated', {
      bookingId: id,
      userId,
      eventId: request.eventId,
      status: free ? 'confirmed' : 'pending_payment',
      amount: seats.amount,
      currency: seats.currency,
      expiresAt: expiresAt?.toISOString() ?? null,
    });
    const stored = await this.locked(id, () =>
      this.repository.update(
        id,
        ['reserving'],
        {
          items: seats.items,
          amount: seats.amount,
          currency: seats.currency,
          eventStartsAt: new Date(seats.eventStartsAt),
          status: free ? 'confirmed' : 'pending_payment',
          expiresAt,
          confirmedAt: free ? confirmedAt : null,
        },
        free
          ? [created, confirmedEvent({ ...booking, items: seats.items, amount: seats.amount, currency: seats.currency, confirmedAt })]
          : [created],
      ),
    );
    if (!stored) throw conflict('The booking changed while it was being made; look it up again.', 'state-changed');
    return { created: true, booking: this.view(stored) };
  }

  /**
   * Take seats with a deadline shorter than this call's timeout: the event service takes nothing once it
   * has passed, so a reservation can never complete after we gave up on it (the reconciler is the net
   * for what happens anyway, e.g. a crash of this process).
   */
  private async reserve(
    client: ServiceClient,
    eventId: string,
    key: string,
    items: BookingRequest['items'],
    timeoutMs: number,
    notAfter = Infinity,
  ) {
    const deadline = Math.min(Date.now() + timeoutMs - 1_500, notAfter);
    const body: ReserveSeatsRequest = { bookingId: key, items, deadline: new Date(deadline).toISOString() };
    return (await client<ReserveSeatsResponse>('POST', `/internal/events/${encodeURIComponent(eventId)}/reservations`, { body })).body;
  }

  /**
   * The latest a reserving booking's seats may be taken. Invariant: every take for a booking lands before the sweep
   * may settle it (RESERVING_STUCK_MS after it was stored, minus the event service's write margin), so the sweep's
   * release always comes after the take and finds it. Without this bound a request slowed down before it reserved
   * (a rush, a slow database) could have its seats taken just after the sweep had failed the booking and released
   * nothing: seats held by a failed booking, gone from sale until the reconciler's next pass.
   */
  private stuckAt(booking: Booking): number {
    return booking.createdAt.getTime() + this.policy.reservingStuckMs - 2_000;
  }

  /** A retried request may arrive while the first is still reserving: wait briefly for its outcome (null: never stored). */
  private async settled(id: string): Promise<Booking | null> {
    const deadline = Date.now() + 10_000;
    for (;;) {
      const booking = await this.repository.find(id);
      if (booking && booking.status !== 'reserving') return booking;
      if (!booking && Date.now() > deadline) return null;
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
    const status = (['reserving', 'failed'].includes(booking.status) ? 'cancelled' : booking.status) as
      'pending_payment' | 'confirmed' | 'cancelled' | 'expired';
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

  /** For the event service's reconciler: the keys under which a booking may hold seats right now. */
  async holding(keys: string[]): Promise<HeldSeatsResponse> {
    const ids = [...new Set(keys.map((key) => key.replace(/-late$/, '')))];
    const bookings = await this.repository.findMany(ids);
    const held = bookings
      .filter((b) => b.status === 'reserving' || b.status === 'pending_payment' || b.status === 'confirmed')
      .map((b) => b.reservationKey);
    return { held: keys.filter((key) => held.includes(key)) };
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
      const cancelled = await this.repository.update(
        id,
        ['pending_payment', 'confirmed'],
        {
          status: 'cancelled',
          cancelledAt: new Date(),
          cancelReason: reason,
          refund: refund ? { status: 'requested', amount: booking.amount, at: null } : { status: 'none', amount: 0, at: null },
        },
        [cancelledEvent(booking, reason, refund, booking.amount)],
      );
      if (cancelled) await this.releaseAfterward(booking);
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
        const confirmedAt = new Date();
        await this.repository.update(booking._id, ['pending_payment'], { status: 'confirmed', confirmedAt }, [
          confirmedEvent({ ...booking, confirmedAt }),
        ]);
        return;
      }
      if (booking.status === 'expired') {
        const lateKey = `${booking._id}-late`;
        try {
          // Seats taken under the late key but never recorded here (a crash) are released by the reconciler.
          await this.reserve(this.lockedCalls, booking.eventId, lateKey, booking.requested, this.policy.lockedCallTimeoutMs);
          const confirmedAt = new Date();
          await this.repository.update(booking._id, ['expired'], { status: 'confirmed', confirmedAt, reservationKey: lateKey }, [
            confirmedEvent({ ...booking, confirmedAt }),
          ]);
          return;
        } catch (error) {
          if (!isAppError(error) || error.status >= 500) throw error; // retried by the bus
        }
      }
      if (booking.status === 'cancelled' && booking.refund?.status !== 'none' && booking.refund) return; // refund already asked for
      // The seats are gone (or the booking was cancelled meanwhile): the customer must not stay charged.
      const cancelled = await this.repository.update(
        booking._id,
        ['expired', 'cancelled', 'failed'],
        {
          status: 'cancelled',
          cancelledAt: booking.cancelledAt ?? new Date(),
          cancelReason: booking.cancelReason ?? 'payment_late',
          refund: { status: 'requested', amount: data.amount, at: null },
        },
        [cancelledEvent(booking, 'payment_late', true, data.amount, data.currency)],
      );
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
      const refund = { status: 'refunded' as const, amount: data.totalRefunded, at: new Date() };
      if (data.fullyRefunded && booking.status === 'confirmed') {
        const cancelled = await this.repository.update(
          booking._id,
          ['confirmed'],
          { status: 'cancelled', cancelledAt: new Date(), cancelReason: 'admin', refund },
          [cancelledEvent(booking, 'admin', false, booking.amount)],
        );
        if (cancelled) await this.releaseAfterward(booking);
        return;
      }
      await this.repository.setFields(booking._id, { refund });
    });
  }

  /** PaymentFailed: the attendee sees why on the booking; the hold stays until it expires, so they can try again. */
  async paymentFailed(data: EventPayloads['PaymentFailed']): Promise<void> {
    await this.locked(data.bookingId, () =>
      this.repository.setFields(data.bookingId, { paymentFailure: { reason: data.reason, at: new Date() } }),
    );
  }

  /** Expire unpaid holds and settle bookings stuck half-way. Safe to run on every replica at once. */
  async sweep(now = new Date()): Promise<number> {
    const stuckBefore = new Date(now.getTime() - this.policy.reservingStuckMs);
    const due = await this.repository.dueForSweep(now, stuckBefore, 200);
    let expired = 0;
    for (const candidate of due) {
      await this.locked(candidate._id, async () => {
        const booking = await this.repository.find(candidate._id);
        if (!booking) return;
        if (booking.status === 'pending_payment' && booking.expiresAt && booking.expiresAt <= now) {
          const event = outboxEvent('BookingExpired', { bookingId: booking._id, userId: booking.userId, eventId: booking.eventId });
          if (await this.repository.update(booking._id, ['pending_payment'], { status: 'expired' }, [event])) {
            expired++;
            await this.releaseAfterward(booking);
          }
        } else if (booking.status === 'reserving' && booking.createdAt <= stuckBefore) {
          if (await this.repository.update(booking._id, ['reserving'], { status: 'failed' })) await this.releaseAfterward(booking);
        }
      }).catch((error) => this.log.warn({ err: error, bookingId: candidate._id }, 'sweep of a booking failed; next round retries'));
    }
    return expired;
  }

  /** After the booking stopped holding seats: give them back now; if that fails, the reconciler will. */
  private async releaseAfterward(booking: Booking): Promise<void> {
    await this.releaseSeats(booking).catch((error) =>
      this.log.warn({ err: error, bookingId: booking._id }, 'seats not released now; the event service reconciler releases them'),
    );
  }

  private async releaseSeats(booking: Booking): Promise<boolean> {
    const { body } = await this.lockedCalls<ReleaseSeatsResponse>(
      'POST',
      `/internal/events/${encodeURIComponent(booking.eventId)}/reservations/${encodeURIComponent(booking.reservationKey)}/release`,
    );
    if (body.released)
      this.soldOut.forget(
        booking.eventId,
        [...(booking.requested ?? []), ...booking.items].map((item) => item.tierId),
      );
    return body.released;
  }

  private rememberSoldOut(eventId: string, refusal: AppError): void {
    const { tierId, available } = refusal.extensions;
    if (typeof tierId === 'string' && typeof available === 'number') this.soldOut.remember(eventId, tierId, available, refusal.message);
  }
}

function confirmedEvent(
  booking: Pick<Booking, '_id' | 'userId' | 'eventId' | 'items' | 'amount' | 'currency' | 'confirmedAt'>,
): OutboxEntry {
  return outboxEvent('BookingConfirmed', {
    bookingId: booking._id,
    userId: booking.userId,
    eventId: booking.eventId,
    items: booking.items,
    amount: booking.amount,
    currency: booking.currency,
    confirmedAt: (booking.confirmedAt ?? new Date()).toISOString(),
  });
}

function cancelledEvent(
  booking: Booking,
  reason: EventPayloads['BookingCancelled']['reason'],
  refund: boolean,
  amount: number,
  currency = booking.currency,
): OutboxEntry {
  return outboxEvent('BookingCancelled', {
    bookingId: booking._id,
    userId: booking.userId,
    eventId: booking.eventId,
    reason,
    refund,
    amount,
    currency,
  });
}
