import type Stripe from 'stripe';
import type { Payment, Refund } from '../data/payments-repository.js';

/**
 * The exact requests the service sends to Stripe, in one place, so the stripe-mock test checks the same
 * parameters the service uses against Stripe's own API definition.
 */
export function paymentIntentRequest(payment: Payment): [Stripe.PaymentIntentCreateParams, Stripe.RequestOptions] {
  return [
    {
      amount: payment.amount,
      currency: payment.currency.toLowerCase(),
      automatic_payment_methods: { enabled: true },
      description: `Eventify booking ${payment.bookingId}`,
      metadata: { paymentId: payment.id, bookingId: payment.bookingId, userId: payment.userId, eventId: payment.eventId },
    },
    { idempotencyKey: `payment-intent-${payment.id}` },
  ];
}

export function refundRequest(refund: Refund, payment: Payment): [Stripe.RefundCreateParams, Stripe.RequestOptions] {
  return [
    {
      payment_intent: payment.stripePaymentIntentId!,
      amount: refund.amount,
      reason: 'requested_by_customer',
      metadata: { refundId: refund.id, paymentId: payment.id, bookingId: payment.bookingId },
    },
    { idempotencyKey: `refund-${refund.id}` },
  ];
}
