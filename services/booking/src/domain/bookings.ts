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
  notFound,
  outboxEvent,
  serviceUnavailable,
  withOutbox,
  type Mutex,
  type OutboxEntry,
  type ServiceClient,
} from '@eventify/kit';
import type { Booking, BookingsRepository, IdempotencyRecord } from '../data/bookings-repository.js';
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

  /**
   * Make a booking: seats first (the event service decides a burst of takers together), then the booking, stored
   * once in its final state with its events (grouped with the other bookings stored at that moment). A buyer who
   * gets no seats costs no write here.
   *
   * Invariants:
   * - Seats taken for a booking that is never stored (refused, timed out, this process killed) come back: given
   *   back at once where this request can, else by the event service's reconciler, which releases seats of no
   *   stored booking once they are older than its grace.
   * - A booking is stored only before `keepUntil` (half that grace after the take), so the reconciler never judges
   *   the seats of a booking still on its way; after it, the seats are given back and the buyer told to retry.
   * - With an Idempotency-Key, the booking's id is claimed with the key first. A retry of a request still under
   *   way (its window: the reservation timeout plus STORE_MARGIN_MS) is told so (503, Retry-After); once that window is over,
   *   a retry whose booking was never stored makes it under the claimed id: taking seats is idempotent per id, so
   *   it gets whatever the dead request took, and the unique id settles a race of two retries (which is also why such
   *   a retry never gives seats back itself).
   */
  async create(userId: string, request: BookingRequest, idempotencyKey: string | undefined) {
    try {
      this.soldOut.check(request.eventId, request.items);
    } catch (refusal) {
      // A retry of a request that did make its booking gets that booking back, not "sold out" (a read, no write).
      if (!idempotencyKey || !(await this.repository.findKey(userId, idempotencyKey))) throw refusal;
    }
    const startedAt = Date.now();
    const freshId = randomUUID();
    let id: string = freshId;
    if (idempotencyKey) {
      const requestHash = createHash('sha256').update(JSON.stringify(request)).digest('hex');
      const earlier = await this.repository.claimKey(userId, idempotencyKey, id, requestHash);
      if (earlier) {
        if (earlier.requestHash !== requestHash) {
          throw conflict('This Idempotency-Key was already used for a different booking request.', 'idempotency-key-reused');
        }
        const made = await this.earlierOutcome(earlier);
        if (made) return { created: false, booking: this.view(made) };
        id = earlier.bookingId; // its request is over and stored nothing: this one makes the booking
      }
    }
    const tookOver = id !== freshId;
    const giveUp = async (seatsMayBeTaken: boolean) => {
      // Only within this request's window: after it, a retry may be making this very booking.
      if (Date.now() >= startedAt + this.windowMs()) return;
      // Seats under a taken-over id are never given back from here: another retry may be storing that booking now.
      // The reconciler gives them back if no booking holds them.
      if (seatsMayBeTaken && !tookOver) {
        await this.releaseSeats({ eventId: request.eventId, reservationKey: id, requested: request.items, items: [] });
      }
      if (idempotencyKey) await this.repository.releaseKey(userId, idempotencyKey, id);
    };
    // Seats possibly taken are given back while the answer goes out: the event service may be why it failed.
    const giveUpLater = () =>
      void giveUp(true).catch((failure) => this.log.warn({ err: failure, bookingId: id }, 'seats not given back now; the reconciler will'));

    let seats: ReserveSeatsResponse;
    try {
      seats = await this.reserve(this.reservations, request.eventId, id, request.items, this.policy.reservationTimeoutMs);
    } catch (error) {
      // Refused (sold out, not on sale): nothing was taken. Unreachable or late: whatever might have been goes back.
      if (isAppError(error) && error.status < 500) {
        if (error.code === 'sold-out') this.rememberSoldOut(request.eventId, error);
        await giveUp(false).catch((failure) =>
          this.log.warn({ err: failure, bookingId: id }, 'Idempotency-Key claim kept; its retry waits'),
        );
        if (error.status === 404) throw notFound('event');
      } else giveUpLater();
      throw error;
    }

    // Whoever took the last seats tells the next buyers, before anyone has to be refused by the event service.
    for (const { tierId, available } of seats.left ?? []) {
      const tierName = seats.items.find((item) => item.tierId === tierId)?.tierName ?? 'this tier';
      if (available === 0) this.soldOut.remember(request.eventId, tierId, 0, `Not enough tickets left for "${tierName}": it is sold out.`);
      else this.soldOut.forget(request.eventId, [tierId]);
    }
    const booking = this.newBooking(id, userId, request, seats);
    const keepUntil = Math.min(seats.keepUntil ? Date.parse(seats.keepUntil) : Infinity, startedAt + this.windowMs());
    // keepUntil leaves the write its own margin (the other half of the reconciler's grace; STORE_MARGIN_MS for a retry).
    // A failed write may still have landed: its seats are then left to the reconciler, which asks whether it did.
    const stored = await this.repository.store(booking, keepUntil);
    if (stored === 'late') {
      giveUpLater();
      throw serviceUnavailable('Too many people are booking right now; no tickets were booked. Try again in a moment.');
    }
    if (stored === 'exists') return { created: false, booking: this.view((await this.repository.find(id))!) };
    return { created: true, booking: this.view(booking) };
  }

  /** How long a booking request may still act on its booking id: its reservation, then storing the booking. */
  private windowMs(): number {
    return this.policy.reservationTimeoutMs + STORE_MARGIN_MS;
  }

  /** The booking as stored: the seats it got, and the events its creation implies in its outbox. */
  private newBooking(id: string, userId: string, request: BookingRequest, seats: ReserveSeatsResponse): Booking {
    const free = seats.amount === 0;
    const now = new Date();
    const expiresAt = free ? null : new Date(now.getTime() + this.policy.holdMinutes * 60_000);
    const booking: Booking = {
      _id: id,
      userId,
      eventId: request.eventId,
      items: seats.items,
      requested: request.items,
      amount: seats.amount,
      currency: seats.currency,
      status: free ? 'confirmed' : 'pending_payment',
      reservationKey: id,
      expiresAt,
      eventStartsAt: new Date(seats.eventStartsAt),
      createdAt: now,
      updatedAt: now,
      confirmedAt: free ? now : null,
      cancelledAt: null,
      cancelReason: null,
      refund: null,
    };
    const created = outboxEvent('BookingCreated', {
      bookingId: id,
      userId,
      eventId: request.eventId,
      status: booking.status as 'confirmed' | 'pending_payment',
      amount: seats.amount,
      currency: seats.currency,
      expiresAt: expiresAt?.toISOString() ?? null,
    });
    return withOutbox(booking, free ? [created, confirmedEvent(booking)] : [created]);
  }

  /**
   * Take seats with a deadline shorter than this call's timeout: the event service takes nothing once it
   * has passed, so a reservation can never complete after we gave up on it (the reconciler is the net
   * for what happens anyway, e.g. a crash of this process).
   */
  private async reserve(client: ServiceClient, eventId: string, key: string, items: BookingRequest['items'], timeoutMs: number) {
    const deadline = Date.now() + timeoutMs - 1_500;
    const body: ReserveSeatsRequest = { bookingId: key, items, deadline: new Date(deadline).toISOString() };
    return (await client<ReserveSeatsResponse>('POST', `/internal/events/${encodeURIComponent(eventId)}/reservations`, { body })).body;
  }

  /**
   * The booking an earlier request with the same Idempotency-Key made; null when that request is over and stored
   * none (it was refused or died), so this one may make it. A request possibly still under way is waited for
   * briefly, then answered 503 with Retry-After: acting on its booking id now could race it.
   */
  private async earlierOutcome(claim: IdempotencyRecord): Promise<Booking | null> {
    const over = claim.createdAt.getTime() + this.windowMs() + STORE_MARGIN_MS;
    const waitUntil = Math.min(Date.now() + 10_000, over);
    for (;;) {
      const booking = await this.repository.find(claim.bookingId);
      // A `reserving` booking was stored by an earlier version, which still settles it.
      if (booking && (booking.status !== 'reserving' || Date.now() > waitUntil)) return booking;
      if (Date.now() > over) return null;
      if (Date.now() > waitUntil) {
        // A 5xx, as for any request that may or may not have been done: clients retry it with the same key.
        throw serviceUnavailable('This booking request is still being processed. Try again in a moment.', (over - Date.now()) / 1000);
      }
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

  private async releaseSeats(booking: Pick<Booking, 'eventId' | 'reservationKey' | 'requested' | 'items'>): Promise<boolean> {
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

/** How long after its reservation's timeout a booking request may still store its booking or give its seats back. */
const STORE_MARGIN_MS = 5_000;

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
