import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { TEST_ADMIN_ENV, loginAdmin, poll, registerUser, startTestStack, type TestStack, type TestUser } from '@eventify/testing';
import { book, bookingOf, paidEvent, standinStripe } from './helpers.js';

// Holds last 3 s here, so a payment can arrive after its hold expired.
let stack: TestStack;
let organizer: TestUser;
let admin: TestUser;
let late: TestUser;
let other: TestUser;

before(async () => {
  stack = await startTestStack({
    services: ['auth', 'event', 'approval', 'booking', 'payment'],
    env: { auth: TEST_ADMIN_ENV, booking: { HOLD_MINUTES: String(3 / 60), SWEEP_INTERVAL_MS: '250' } },
  });
  [organizer, late, other] = await Promise.all([registerUser(stack.api, 'organizer'), registerUser(stack.api), registerUser(stack.api)]);
  admin = await loginAdmin(stack.api);
});
after(async () => {
  await stack?.stop();
});

/**
 * The rare late payment: Stripe takes the money just before the hold expires, but its webhook reaches us
 * only after (here: the payment service is paused meanwhile), so the PaymentIntent could not be cancelled.
 */
async function paidJustBeforeExpiry(eventId: string, tierId: string, whileExpired: () => Promise<unknown> = async () => undefined) {
  const booking = await book(stack, late, eventId, tierId);
  const intent = (await stack.api.post('/payments/intents', { bookingId: booking.id }, { token: late.token })).body;
  const payment = stack.processes.payment!.child;
  payment.kill('SIGSTOP');
  try {
    await standinStripe(stack).paymentIntents.confirm(intent.paymentIntentId, { payment_method: 'pm_card_visa' });
    await poll(async () => (await bookingOf(stack, late, booking.id)).status === 'expired', 'hold expired', 15_000);
    await whileExpired();
  } finally {
    payment.kill('SIGCONT');
  }
  return { booking, intent };
}

it('an expired hold cancels its PaymentIntent, so it cannot be paid any more', async () => {
  const { event, tierId } = await paidEvent(stack, organizer, admin, 1);
  const booking = await book(stack, late, event.id, tierId);
  const intent = (await stack.api.post('/payments/intents', { bookingId: booking.id }, { token: late.token })).body;
  await poll(async () => (await bookingOf(stack, late, booking.id)).status === 'expired', 'hold expired', 15_000);
  await poll(
    async () => (await standinStripe(stack).paymentIntents.retrieve(intent.paymentIntentId)).status === 'canceled',
    'intent cancelled at Stripe',
  );
  await poll(
    async () => (await stack.api.get(`/payments/${intent.paymentId}`, { token: late.token })).body.status === 'canceled',
    'payment canceled',
  );
  await assert.rejects(standinStripe(stack).paymentIntents.confirm(intent.paymentIntentId, { payment_method: 'pm_card_visa' }), /canceled/);
});

it('a payment after the hold expired confirms the booking when the seats are still free', async () => {
  const { event, tierId } = await paidEvent(stack, organizer, admin, 1);
  const { booking, intent } = await paidJustBeforeExpiry(event.id, tierId);
  await poll(async () => (await bookingOf(stack, late, booking.id)).status === 'confirmed', 'late confirmation');
  assert.equal((await stack.api.get(`/events/${event.id}`)).body.tiers[0].available, 0);
  assert.equal((await stack.api.get(`/payments/${intent.paymentId}`, { token: late.token })).body.status, 'succeeded');
});

it('a payment after the hold expired and the seat was sold again is refunded automatically', async () => {
  const { event, tierId } = await paidEvent(stack, organizer, admin, 1);
  // The freed seat goes to someone else before the late webhook arrives.
  const { booking, intent } = await paidJustBeforeExpiry(event.id, tierId, () => book(stack, other, event.id, tierId));
  await poll(
    async () => (await stack.api.get(`/payments/${intent.paymentId}`, { token: late.token })).body.status === 'refunded',
    'automatic refund',
    15_000,
  );
  const b = await poll(async () => {
    const current = await bookingOf(stack, late, booking.id);
    return current.refund?.status === 'refunded' ? current : undefined;
  }, 'booking shows the refund');
  assert.equal(b.status, 'cancelled');
  assert.equal(b.cancelReason, 'payment_late');
  assert.equal((await stack.api.get(`/events/${event.id}`)).body.tiers[0].available, 0);
});
