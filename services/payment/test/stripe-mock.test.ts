import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { it } from 'node:test';
import { infraFromEnv } from '@eventify/testing';
import type { Payment, Refund } from '../src/data/payments-repository.js';
import { createStripe } from '../src/stripe/stripe-client.js';
import { paymentIntentRequest, refundRequest } from '../src/stripe/requests.js';

// stripe-mock is Stripe's own emulator: it validates every request against Stripe's API definition.
// These are the exact requests the service makes; a parameter Stripe does not accept fails here.
const stripe = createStripe('sk_test_123', infraFromEnv().stripeMock);
const payment: Payment = {
  id: randomUUID(),
  bookingId: 'booking-1',
  userId: 'user-1',
  eventId: 'event-1',
  amount: 2500,
  currency: 'EUR',
  status: 'requires_payment',
  stripePaymentIntentId: null,
  amountRefunded: 0,
  failureReason: null,
  createdAt: new Date(),
  updatedAt: new Date(),
};

it("the PaymentIntent and refund requests are accepted by Stripe's API definition", async () => {
  const intent = await stripe.paymentIntents.create(...paymentIntentRequest(payment));
  assert.match(intent.id, /^pi_/);
  assert.equal(typeof intent.client_secret, 'string');
  const retrieved = await stripe.paymentIntents.retrieve(intent.id);
  assert.equal(retrieved.object, 'payment_intent');
  const refund: Refund = {
    id: randomUUID(),
    paymentId: payment.id,
    amount: 1000,
    status: 'pending',
    reason: 'test',
    requestedBy: 'test',
    requestKey: 'k',
    stripeRefundId: null,
    failureReason: null,
    createdAt: new Date(),
  };
  const created = await stripe.refunds.create(...refundRequest(refund, { ...payment, stripePaymentIntentId: intent.id }));
  assert.match(created.id, /^re_/);
});

it('a request Stripe would refuse is refused (the check can fail)', async () => {
  await assert.rejects(
    stripe.paymentIntents.create({ amount: 2500, currency: 'eur', not_a_stripe_parameter: true } as never),
    (error: { type?: string }) => error.type === 'StripeInvalidRequestError',
  );
});
