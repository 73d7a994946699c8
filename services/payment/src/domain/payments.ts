import type { Logger } from 'pino';
import type Stripe from 'stripe';
import type {
  InternalBookingView,
  InternalEventView,
  Payment as PaymentView,
  PaymentIntent as PaymentIntentView,
} from '@eventify/contracts';
import {
  AppError,
  badGateway,
  badRequest,
  conflict,
  isAppError,
  notFound,
  serviceUnavailable,
  type PostgresOutbox,
  type Principal,
  type ServiceClient,
} from '@eventify/kit';

import type { Payment, PaymentsRepository, Refund } from '../data/payments-repository.js';
import { paymentIntentRequest, refundRequest } from '../stripe/requests.js';

type Tx = Parameters<Parameters<PaymentsRepository['transaction']>[0]>[0];

export interface WebhookSettings {
  secret: string;
  toleranceSeconds: number;
}

export const paymentView = (payment: Payment, refunds: Refund[] = []): PaymentView => ({
  id: payment.id,
  bookingId: payment.bookingId,
  eventId: payment.eventId,
  amount: payment.amount,
  currency: payment.currency,
  status: payment.status,
  paymentIntentId: payment.stripePaymentIntentId,
  amountRefunded: payment.amountRefunded,
  failureReason: payment.failureReason,
  createdAt: payment.createdAt.toISOString(),
  refunds: refunds.map(refundView),
});

export const refundView = (refund: Refund) => ({
  id: refund.id,
  amount: refund.amount,
  status: refund.status,
  reason: refund.reason,
  failureReason: refund.failureReason,
  createdAt: refund.createdAt.toISOString(),
});

const PAID: Payment['status'][] = ['succeeded', 'partially_refunded'];

/**
 * Payments: the amount always comes from the booking, Stripe is told about it with idempotency keys,
 * and every change of state, together with the integration event announcing it, is written in one
 * PostgreSQL transaction (the kit's PostgresOutbox). Webhooks are verified, recorded once by their Stripe
 * event id, and applied so that order does not matter: a payment moves forward only (failed → succeeded →
 * refunded), never back.
 *
 * Stripe is never called inside an open transaction (no row lock or connection is held across a network
 * call to a third party): the local row is committed first, Stripe is called with an idempotency key
 * derived from it (so a retry or a concurrent request gets the same answer), and the answer is recorded
 * in a second transaction that re-reads the row.
 */
export class Payments {
  constructor(
    private readonly repository: PaymentsRepository,
    private readonly outbox: PostgresOutbox,
    private readonly stripe: Stripe,
    private readonly bookings: ServiceClient,
    private readonly events: ServiceClient,
    private readonly webhook: WebhookSettings,
    private readonly log: Logger,
  ) {}

  /** After a commit that wrote to the outbox: the relay publishes without waiting for its tick. */
  private changed(): void {
    this.outbox.changed();
  }

  /** The booking's owner asks to pay: one PaymentIntent per booking, however often they ask. */
  async createIntent(userId: string, bookingId: string): Promise<PaymentIntentView> {
    const booking = await this.booking(bookingId);
    if (!booking || booking.userId !== userId) throw notFound('booking');
    if (booking.status === 'confirmed') throw conflict('This booking is already confirmed; there is nothing to pay.', 'already-paid');
    if (booking.status !== 'pending_payment') throw conflict(`This booking is ${booking.status}; make a new booking.`, 'not-payable');

    const { payment } = await this.repository.transaction((tx) =>
      this.repository.insertOrFind(tx, {
        bookingId,
        userId: booking.userId,
        eventId: booking.eventId,
        amount: booking.amount,
        currency: booking.currency,
      }),
    );
    let intent: Stripe.PaymentIntent;
    if (payment.stripePaymentIntentId) {
      intent = await this.callStripe(() => this.stripe.paymentIntents.retrieve(payment.stripePaymentIntentId!));
    } else {
      // Two clicks on "Pay" (or a retry after a crash) send the same idempotency key: Stripe answers both
      // with the same PaymentIntent. Its metadata names the payment, so a webhook finds the payment even
      // before the second transaction below has recorded the intent.
      intent = await this.callStripe(() => this.stripe.paymentIntents.create(...paymentIntentRequest(payment)));
      await this.repository.transaction(async (tx) => {
        const locked = await this.repository.lock(tx, payment.id);
        if (locked && (await this.repository.setIntent(tx, payment.id, intent.id))) {
          await this.repository.transition(tx, locked, locked.status, 'payment_intent_created');
        }
      });
    }
    // Stripe always returns the secret to the secret key that created the intent; without it the app cannot pay.
    if (!intent.client_secret) throw badGateway("Stripe answered without the payment's client secret. Try again in a moment.");
    return {
      paymentId: payment.id,
      paymentIntentId: intent.id,
      clientSecret: intent.client_secret,
      amount: payment.amount,
      currency: payment.currency,
    };
  }

  /**
   * BookingExpired: the hold is gone, so the PaymentIntent is cancelled at Stripe and a payment after the
   * expiry is not even possible in the common case. If it succeeded meanwhile, Stripe refuses to cancel and
   * the success webhook takes the late-payment path (seats again, or a refund).
   */
  async cancelForExpiredBooking(bookingId: string): Promise<void> {
    const payment = await this.repository.findByBooking(bookingId);
    if (!payment?.stripePaymentIntentId || (payment.status !== 'requires_payment' && payment.status !== 'failed')) return;
    try {
      await this.stripe.paymentIntents.cancel(payment.stripePaymentIntentId, {}, { idempotencyKey: `cancel-${payment.id}` });
    } catch (error) {
      const stripeError = error as { type?: string; message?: string };
      if (stripeError.type === 'StripeInvalidRequestError') {
        this.log.info({ paymentId: payment.id, reason: stripeError.message }, 'PaymentIntent not cancelled (already paid or cancelled)');
        return;
      }
      throw error; // Stripe unreachable: the bus delivers the event again
    }
    await this.repository.transaction(async (tx) => {
      const locked = await this.repository.lock(tx, payment.id);
      if (locked && (locked.status === 'requires_payment' || locked.status === 'failed')) {
        await this.repository.transition(tx, locked, 'canceled', 'booking_expired');
      }
    });
  }

  /** The payments of an event, newest first: for its organizer (to refund) and admins; others do not see the event. */
  async ofEvent(caller: Principal, eventId: string, after: { position: string; id: string } | undefined, limit: number) {
    if (!caller.roles.includes('admin')) {
      const event = await this.event(eventId);
      if (!event || event.organizerId !== caller.userId) throw notFound('event');
    }
    const rows = await this.repository.ofEvent(eventId, after, limit + 1);
    const page = rows.slice(0, limit);
    const refunds = await this.repository.refundsOfMany(page.map((p) => p.id));
    return { items: page.map((p) => paymentView(p, refunds.get(p.id))), last: rows.length > limit ? page.at(-1) : undefined };
  }

  async read(id: string, caller: Principal) {
    const payment = await this.repository.find(id);
    if (!payment || (payment.userId !== caller.userId && !(await this.mayManage(payment, caller)))) throw notFound('payment');
    return paymentView(payment, await this.repository.refundsOf(id));
  }

  /** A Stripe webhook: verified by its signature, applied once, answered 200 on a replay. */
  async receiveWebhook(rawBody: Buffer, signature: string | undefined) {
    if (!signature)
      throw badRequest('The Stripe-Signature header is missing.', [{ field: 'headers.stripe-signature', message: 'is required' }]);
    let event: Stripe.Event;
    try {
      event = this.stripe.webhooks.constructEvent(rawBody, signature, this.webhook.secret, this.webhook.toleranceSeconds);
    } catch (error) {
      // The library's message says which check failed (no matching signature, timestamp too old, bad JSON).
      throw badRequest(`Webhook refused: ${(error as Error).message.split('\n')[0]}`);
    }
    if (
      typeof event?.id !== 'string' ||
      typeof event.type !== 'string' ||
      typeof event.data?.object !== 'object' ||
      typeof event.created !== 'number'
    ) {
      throw badRequest('Webhook refused: not a Stripe event.');
    }
    const result = await this.repository
      .transaction(async (tx) => {
        if (!(await this.repository.recordStripeEvent(tx, { id: event.id, type: event.type, created: event.created, payload: event }))) {
          return { received: true, duplicate: true };
        }
        const { outcome, paymentId } = await this.apply(tx, event);
        // Not recorded when its payment is unknown: a later delivery, once the payment exists, still applies.
        if (outcome === 'unknown_payment') throw new UnknownPayment();
        await this.repository.setStripeEventOutcome(tx, event.id, outcome, paymentId);
        return { received: true, duplicate: false, outcome };
      })
      .catch((error: unknown) => {
        if (error instanceof UnknownPayment) return { received: true, duplicate: false, outcome: 'unknown_payment' };
        throw error;
      });
    if (!result.duplicate) this.changed();
    this.log.info({ stripeEvent: event.id, type: event.type, ...result }, 'stripe webhook');
    return result;
  }

  private async apply(tx: Tx, event: Stripe.Event): Promise<{ outcome: string; paymentId?: string }> {
    switch (event.type) {
      case 'payment_intent.succeeded':
        return this.intentSucceeded(tx, event.data.object, event.id);
      case 'payment_intent.payment_failed':
        return this.intentFailed(tx, event.data.object, event.id);
      case 'refund.created':
      case 'refund.updated':
        return this.refundChanged(tx, event.data.object, event.id);
      default:
        return { outcome: 'ignored_type' };
    }
  }

  private async paymentOfIntent(tx: Tx, intentId: string, metadata: Stripe.Metadata | null | undefined): Promise<Payment | undefined> {
    const byIntent = await this.repository.lockByIntent(tx, intentId);
    if (byIntent) return byIntent;
    const paymentId = metadata?.paymentId;
    return paymentId && /^[0-9a-f-]{36}$/.test(paymentId) ? this.repository.lock(tx, paymentId) : undefined;
  }

  private async intentSucceeded(tx: Tx, intent: Stripe.PaymentIntent, eventId: string) {
    const payment = await this.paymentOfIntent(tx, intent.id, intent.metadata);
    if (!payment) return { outcome: 'unknown_payment' };
    // Money Stripe took is recorded even on a cancelled payment; the booking then takes the late-payment path.
    if (!['requires_payment', 'failed', 'canceled'].includes(payment.status)) return { outcome: 'already_applied', paymentId: payment.id };
    await this.repository.transition(tx, payment, 'succeeded', 'stripe:payment_intent.succeeded', { failureReason: null }, eventId);
    await this.outbox.add(tx, 'PaymentSucceeded', {
      paymentId: payment.id,
      bookingId: payment.bookingId,
      userId: payment.userId,
      paymentIntentId: intent.id,
      amount: payment.amount,
      currency: payment.currency,
    });
    return { outcome: 'succeeded', paymentId: payment.id };
  }

  private async intentFailed(tx: Tx, intent: Stripe.PaymentIntent, eventId: string) {
    const payment = await this.paymentOfIntent(tx, intent.id, intent.metadata);
    if (!payment) return { outcome: 'unknown_payment' };
    // A failure that arrives after the success (a retry with another card worked) changes nothing.
    if (payment.status !== 'requires_payment' && payment.status !== 'failed')
      return { outcome: 'ignored_out_of_order', paymentId: payment.id };
    const reason = intent.last_payment_error?.message ?? 'The payment did not go through.';
    await this.repository.transition(tx, payment, 'failed', 'stripe:payment_intent.payment_failed', { failureReason: reason }, eventId);
    await this.outbox.add(tx, 'PaymentFailed', {
      paymentId: payment.id,
      bookingId: payment.bookingId,
      userId: payment.userId,
      paymentIntentId: intent.id,
      reason,
    });
    return { outcome: 'failed', paymentId: payment.id };
  }

  private async refundChanged(tx: Tx, stripeRefund: Stripe.Refund, eventId: string) {
    const intentId = typeof stripeRefund.payment_intent === 'string' ? stripeRefund.payment_intent : stripeRefund.payment_intent?.id;
    if (!intentId) return { outcome: 'unknown_payment' };
    const payment = await this.paymentOfIntent(tx, intentId, undefined);
    if (!payment) return { outcome: 'unknown_payment' };
    const refundId = stripeRefund.metadata?.refundId;
    let refund =
      (refundId && /^[0-9a-f-]{36}$/.test(refundId) ? await this.repository.refundById(tx, refundId) : undefined) ??
      (await this.repository.refundByStripeId(tx, stripeRefund.id));
    // A refund made outside Eventify (the Stripe Dashboard) is recorded too, so the books agree with Stripe.
    refund ??= await this.repository.insertRefund(tx, {
      paymentId: payment.id,
      amount: stripeRefund.amount,
      reason: 'made_in_stripe',
      requestedBy: 'stripe',
      requestKey: `stripe:${stripeRefund.id}`,
      stripeRefundId: stripeRefund.id,
    });
    if (stripeRefund.status === 'succeeded') {
      return {
        outcome: await this.refundSucceeded(tx, payment, refund, stripeRefund.id, `stripe:${eventId}`, eventId),
        paymentId: payment.id,
      };
    }
    if ((stripeRefund.status === 'failed' || stripeRefund.status === 'canceled') && refund.status === 'pending') {
      await this.repository.setRefundStatus(tx, refund.id, 'failed', {
        stripeRefundId: stripeRefund.id,
        failureReason: stripeRefund.failure_reason ?? stripeRefund.status,
      });
      return { outcome: 'refund_failed', paymentId: payment.id };
    }
    return { outcome: 'refund_pending', paymentId: payment.id };
  }

  /** Apply a refund Stripe reports as done, once, whichever of the API answer and the webhook comes first. */
  private async refundSucceeded(
    tx: Tx,
    payment: Payment,
    refund: Refund,
    stripeRefundId: string,
    cause: string,
    eventId?: string,
  ): Promise<string> {
    if (refund.status === 'succeeded') return 'already_applied';
    await this.repository.setRefundStatus(tx, refund.id, 'succeeded', { stripeRefundId });
    const totalRefunded = Math.min(payment.amount, payment.amountRefunded + refund.amount);
    const fullyRefunded = totalRefunded >= payment.amount;
    await this.repository.transition(
      tx,
      payment,
      fullyRefunded ? 'refunded' : 'partially_refunded',
      cause,
      { amountRefunded: totalRefunded },
      eventId,
    );
    await this.outbox.add(tx, 'PaymentRefunded', {
      paymentId: payment.id,
      bookingId: payment.bookingId,
      userId: payment.userId,
      refundId: refund.id,
      amount: refund.amount,
      totalRefunded,
      fullyRefunded,
      currency: payment.currency,
      reason: refund.reason,
    });
    return 'refunded';
  }

  /** The event's organizer or an admin refunds a payment, in full or in part. */
  async refundByStaff(
    paymentId: string,
    caller: Principal,
    request: { amount?: number | undefined; reason?: string | undefined },
    idempotencyKey: string,
  ) {
    const payment = await this.repository.find(paymentId);
    if (!payment || !(await this.mayManage(payment, caller))) throw notFound('payment');
    return this.refund(
      payment.id,
      request.amount,
      request.reason ?? 'requested_by_organizer',
      caller.userId,
      `http:${caller.userId}:${idempotencyKey}`,
    );
  }

  /** BookingCancelled with a refund: whatever is still unrefunded goes back. */
  async refundCancelledBooking(bookingId: string, reason: string): Promise<void> {
    const payment = await this.repository.findByBooking(bookingId);
    if (!payment || !PAID.includes(payment.status)) {
      this.log.info({ bookingId, status: payment?.status }, 'cancelled booking has no captured payment to refund');
      return;
    }
    try {
      await this.refund(payment.id, undefined, `booking_${reason}`, 'system', `booking-cancelled:${bookingId}`);
    } catch (error) {
      if (isAppError(error) && error.status === 409) return; // already refunded in full
      throw error;
    }
  }

  private async refund(paymentId: string, amount: number | undefined, reason: string, requestedBy: string, requestKey: string) {
    const { refund, payment } = await this.repository.transaction(async (tx) => {
      const locked = await this.repository.lock(tx, paymentId);
      if (!locked) throw notFound('payment');
      const earlier = await this.repository.refundByKey(tx, requestKey);
      if (earlier) return { refund: earlier, payment: locked };
      if (!PAID.includes(locked.status))
        throw conflict(`Only a paid payment can be refunded; this one is ${locked.status.replace('_', ' ')}.`, 'not-refundable');
      const remaining = locked.amount - (await this.repository.committedRefunds(tx, locked.id));
      if (remaining <= 0) throw conflict('This payment is already refunded in full.', 'already-refunded');
      if (amount !== undefined && amount > remaining) {
        throw badRequest(`At most ${remaining} (minor units) can still be refunded.`, [
          { field: 'body.amount', message: `must be at most ${remaining}` },
        ]);
      }
      const created = await this.repository.insertRefund(tx, {
        paymentId: locked.id,
        amount: amount ?? remaining,
        reason,
        requestedBy,
        requestKey,
      });
      return { refund: created, payment: locked };
    });
    if (refund.status === 'pending' && !refund.stripeRefundId) await this.sendRefund(refund, payment);
    return refundView((await this.repository.findRefund(refund.id))!);
  }

  /** Ask Stripe for the refund; a refusal marks it failed, an outage leaves it pending for the retry loop. */
  async sendRefund(refund: Refund, payment: Payment): Promise<void> {
    let stripeRefund: Stripe.Refund;
    try {
      stripeRefund = await this.stripe.refunds.create(...refundRequest(refund, payment));
    } catch (error) {
      const stripeError = error as { type?: string; message?: string; statusCode?: number };
      if (stripeError.type === 'StripeInvalidRequestError' || stripeError.type === 'StripeCardError') {
        await this.repository.transaction((tx) =>
          this.repository.setRefundStatus(tx, refund.id, 'failed', { failureReason: stripeError.message ?? 'refused by Stripe' }),
        );
        throw conflict(`Stripe refused the refund: ${stripeError.message ?? 'unknown reason'}`, 'refund-refused');
      }
      this.log.warn({ refundId: refund.id, err: error }, 'refund not sent to Stripe; it will be retried');
      throw serviceUnavailable('The payment provider is not reachable right now; the refund is recorded and will be sent shortly.');
    }
    await this.repository.transaction(async (tx) => {
      const locked = (await this.repository.lock(tx, payment.id))!;
      const row = (await this.repository.refundById(tx, refund.id))!;
      if (row.status !== 'pending') return;
      if (stripeRefund.status === 'succeeded') {
        await this.refundSucceeded(tx, locked, row, stripeRefund.id, `refund:${row.reason}`);
      } else if (stripeRefund.status === 'failed' || stripeRefund.status === 'canceled') {
        await this.repository.setRefundStatus(tx, row.id, 'failed', {
          stripeRefundId: stripeRefund.id,
          failureReason: stripeRefund.failure_reason ?? stripeRefund.status,
        });
      } else {
        await this.repository.setRefundStatus(tx, row.id, 'pending', { stripeRefundId: stripeRefund.id });
      }
    });
    this.changed();
  }

  /** Refunds recorded while Stripe was unreachable are sent again (same idempotency key: never twice). */
  async retryStalledRefunds(): Promise<void> {
    for (const refund of await this.repository.stalledRefunds(30_000, 20)) {
      const payment = await this.repository.find(refund.paymentId);
      if (payment)
        await this.sendRefund(refund, payment).catch((error) => this.log.warn({ err: error, refundId: refund.id }, 'refund retry failed'));
    }
  }

  private async mayManage(payment: Payment, caller: Principal): Promise<boolean> {
    if (caller.roles.includes('admin')) return true;
    if (!caller.roles.includes('organizer')) return false;
    const { body: event } = await this.events<InternalEventView>('GET', `/internal/events/${encodeURIComponent(payment.eventId)}`);
    return event.organizerId === caller.userId;
  }

  private async event(eventId: string): Promise<InternalEventView | undefined> {
    try {
      return (await this.events<InternalEventView>('GET', `/internal/events/${encodeURIComponent(eventId)}`, {})).body;
    } catch (error) {
      if (isAppError(error) && error.status === 404) return undefined;
      throw error;
    }
  }

  private async booking(bookingId: string): Promise<InternalBookingView | undefined> {
    try {
      return (await this.bookings<InternalBookingView>('GET', `/internal/bookings/${encodeURIComponent(bookingId)}`)).body;
    } catch (error) {
      if (isAppError(error) && error.status === 404) return undefined;
      throw error;
    }
  }

  private async callStripe<T>(call: () => Promise<T>): Promise<T> {
    try {
      return await call();
    } catch (error) {
      const stripeError = error as { type?: string; message?: string };
      this.log.warn({ err: { type: stripeError.type, message: stripeError.message } }, 'stripe call failed');
      if (
        stripeError.type === 'StripeConnectionError' ||
        stripeError.type === 'StripeAPIError' ||
        stripeError.type === 'StripeRateLimitError'
      ) {
        throw serviceUnavailable('The payment provider is not reachable right now. Try again in a moment.');
      }
      throw new AppError({
        status: 502,
        code: 'payment-provider-error',
        title: 'Payment provider error',
        detail: 'The payment provider refused the request.',
      });
    }
  }
}

class UnknownPayment extends Error {}
