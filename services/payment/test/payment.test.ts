import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { PaymentSchema } from '@eventify/contracts';
import { TEST_ADMIN_ENV, loginAdmin, poll, registerUser, startTestStack, type TestStack, type TestUser } from '@eventify/testing';
import { book, bookingOf, busEvents, paidEvent, signedWebhook, standinStripe, stripeEvent } from './helpers.js';

let stack: TestStack;
let organizer: TestUser;
let otherOrganizer: TestUser;
let admin: TestUser;
let buyer: TestUser;
let stranger: TestUser;

before(async () => {
  stack = await startTestStack({
    services: ['auth', 'event', 'approval', 'booking', 'payment'],
    env: { auth: TEST_ADMIN_ENV },
    echo: process.env.ECHO === '1',
  });
  [organizer, otherOrganizer, buyer, stranger] = await Promise.all([
    registerUser(stack.api, 'organizer'),
    registerUser(stack.api, 'organizer'),
    registerUser(stack.api),
    registerUser(stack.api),
  ]);
  admin = await loginAdmin(stack.api);
});
after(async () => {
  await stack?.stop();
});

async function payFor(bookingId: string, user = buyer) {
  const intent = await stack.api.post('/payments/intents', { bookingId }, { token: user.token });
  assert.equal(intent.status, 200, intent.text);
  return intent.body as { paymentId: string; paymentIntentId: string; clientSecret: string; amount: number; currency: string };
}

async function paidBooking() {
  const { event, tierId } = await paidEvent(stack, organizer, admin);
  const booking = await book(stack, buyer, event.id, tierId, 2);
  const intent = await payFor(booking.id);
  await standinStripe(stack).paymentIntents.confirm(intent.paymentIntentId, { payment_method: 'pm_card_visa' });
  await poll(async () => (await bookingOf(stack, buyer, booking.id)).status === 'confirmed', 'booking confirmed by the webhook');
  return { event, tierId, booking, intent };
}

describe('paying for a booking', () => {
  it('book, pay at Stripe, webhook, booking confirmed — the amount comes from the booking', async () => {
    const { event, tierId } = await paidEvent(stack, organizer, admin);
    const booking = await book(stack, buyer, event.id, tierId, 2);
    assert.equal(booking.status, 'pending_payment');
    const intent = await payFor(booking.id);
    assert.equal(intent.amount, 5000);
    assert.equal(intent.currency, 'EUR');
    assert.match(intent.paymentIntentId, /^pi_/);
    assert.ok(intent.clientSecret.startsWith(`${intent.paymentIntentId}_secret_`));
    // Asking again (a second tap on "Pay") gives the same intent.
    const again = await payFor(booking.id);
    assert.equal(again.paymentIntentId, intent.paymentIntentId);
    assert.equal(again.paymentId, intent.paymentId);

    const confirmed = await standinStripe(stack).paymentIntents.confirm(intent.paymentIntentId, { payment_method: 'pm_card_visa' });
    assert.equal(confirmed.status, 'succeeded');
    await poll(async () => (await bookingOf(stack, buyer, booking.id)).status === 'confirmed', 'booking confirmed by the webhook');
    const payment = await stack.api.get(`/payments/${intent.paymentId}`, { token: buyer.token });
    assert.equal(payment.body.status, 'succeeded');
    const succeeded = (await busEvents(stack, 'PaymentSucceeded')).filter((e) => e.data.bookingId === booking.id);
    assert.equal(succeeded.length, 1);
    assert.equal(succeeded[0].data.amount, 5000);
    // Paid: no second intent.
    assert.equal((await stack.api.post('/payments/intents', { bookingId: booking.id }, { token: buyer.token })).status, 409);
  });

  it('only the owner of a booking can pay for it', async () => {
    const { event, tierId } = await paidEvent(stack, organizer, admin);
    const booking = await book(stack, buyer, event.id, tierId);
    assert.equal((await stack.api.post('/payments/intents', { bookingId: booking.id }, { token: stranger.token })).status, 404);
    assert.equal((await stack.api.post('/payments/intents', { bookingId: booking.id })).status, 401);
    const bad = await stack.api.post('/payments/intents', { booking: booking.id }, { token: buyer.token });
    assert.equal(bad.status, 400);
    assert.equal(bad.body.errors[0].field, 'body.bookingId');
    assert.equal((await stack.api.post('/payments/intents', { bookingId: 'no-such-booking' }, { token: buyer.token })).status, 404);
  });

  it('a declined card tells the attendee and keeps the hold; another card then pays', async () => {
    const { event, tierId } = await paidEvent(stack, organizer, admin);
    const booking = await book(stack, buyer, event.id, tierId);
    const intent = await payFor(booking.id);
    const stripe = standinStripe(stack);
    const declined = await stripe.paymentIntents.confirm(intent.paymentIntentId, { payment_method: 'pm_card_chargeDeclined' });
    assert.equal(declined.status, 'requires_payment_method');
    const failed = await poll(async () => {
      const b = await bookingOf(stack, buyer, booking.id);
      return b.lastPaymentError ? b : undefined;
    }, 'failure shown on the booking');
    assert.equal(failed.status, 'pending_payment');
    assert.equal(failed.lastPaymentError, 'Your card was declined.');
    assert.equal((await stack.api.get(`/payments/${intent.paymentId}`, { token: buyer.token })).body.status, 'failed');
    await stripe.paymentIntents.confirm(intent.paymentIntentId, { payment_method: 'pm_card_visa' });
    await poll(async () => (await bookingOf(stack, buyer, booking.id)).status === 'confirmed', 'confirmed after the retry');
  });
});

describe('the Stripe webhook', () => {
  it('refuses forged, stale, unsigned and malformed events with 400 and changes nothing', async () => {
    const { event, tierId } = await paidEvent(stack, organizer, admin);
    const booking = await book(stack, buyer, event.id, tierId);
    const intent = await payFor(booking.id);
    const success = stripeEvent('payment_intent.succeeded', {
      id: intent.paymentIntentId,
      object: 'payment_intent',
      amount: 2500,
      amount_received: 2500,
      currency: 'eur',
      status: 'succeeded',
      metadata: {},
    });

    const forged = await signedWebhook(stack, success, { secret: 'whsec_not_the_real_secret' });
    assert.equal(forged.status, 400);
    assert.match(forged.body.detail, /signature/i);
    const stale = await signedWebhook(stack, success, { timestamp: Math.floor(Date.now() / 1000) - 3600 });
    assert.equal(stale.status, 400);
    assert.match(stale.body.detail, /tolerance/i);
    const unsigned = await stack.api.request('POST', '/payments/webhooks/stripe', {
      rawBody: JSON.stringify(success),
      headers: { 'content-type': 'application/json' },
    });
    assert.equal(unsigned.status, 400);
    assert.equal(unsigned.headers.get('content-type'), 'application/problem+json; charset=utf-8');
    const notJson = await stack.api.request('POST', '/payments/webhooks/stripe', {
      rawBody: 'not json',
      headers: { 'content-type': 'application/json', 'stripe-signature': 't=1,v1=00' },
    });
    assert.equal(notJson.status, 400);

    await new Promise((r) => setTimeout(r, 500));
    assert.equal((await bookingOf(stack, buyer, booking.id)).status, 'pending_payment');
    assert.equal((await stack.api.get(`/payments/${intent.paymentId}`, { token: buyer.token })).body.status, 'requires_payment');
  });

  it('applies each Stripe event once: a replay is answered 200 and changes nothing', async () => {
    const { event, tierId } = await paidEvent(stack, organizer, admin);
    const booking = await book(stack, buyer, event.id, tierId);
    const intent = await payFor(booking.id);
    const success = stripeEvent('payment_intent.succeeded', {
      id: intent.paymentIntentId,
      object: 'payment_intent',
      amount: 2500,
      amount_received: 2500,
      currency: 'eur',
      status: 'succeeded',
      metadata: {},
    });
    const first = await signedWebhook(stack, success);
    assert.equal(first.status, 200);
    assert.equal(first.body.duplicate, false);
    const replay = await signedWebhook(stack, success);
    assert.equal(replay.status, 200);
    assert.equal(replay.body.duplicate, true);
    await poll(async () => (await bookingOf(stack, buyer, booking.id)).status === 'confirmed', 'confirmed');
    await new Promise((r) => setTimeout(r, 700)); // the relay runs every 500 ms
    assert.equal((await busEvents(stack, 'PaymentSucceeded')).filter((e) => e.data.bookingId === booking.id).length, 1);
  });

  it('an old failure arriving after the success is ignored', async () => {
    const { event, tierId } = await paidEvent(stack, organizer, admin);
    const booking = await book(stack, buyer, event.id, tierId);
    const intent = await payFor(booking.id);
    const pi = { id: intent.paymentIntentId, object: 'payment_intent', amount: 2500, currency: 'eur', metadata: {} };
    const failure = {
      ...stripeEvent('payment_intent.payment_failed', {
        ...pi,
        status: 'requires_payment_method',
        last_payment_error: { message: 'Your card was declined.' },
      }),
      created: Math.floor(Date.now() / 1000) - 30,
    };
    const success = stripeEvent('payment_intent.succeeded', { ...pi, status: 'succeeded', amount_received: 2500 });
    assert.equal((await signedWebhook(stack, success)).status, 200);
    const late = await signedWebhook(stack, failure);
    assert.equal(late.status, 200);
    assert.equal(late.body.outcome, 'ignored_out_of_order');
    assert.equal((await stack.api.get(`/payments/${intent.paymentId}`, { token: buyer.token })).body.status, 'succeeded');
    await poll(async () => (await bookingOf(stack, buyer, booking.id)).status === 'confirmed', 'confirmed');
  });
});

describe('refunds', () => {
  it('the organizer refunds part, then the rest; the booking shows it and a full refund cancels it', async () => {
    const { booking, intent } = await paidBooking();
    const refundPath = `/payments/${intent.paymentId}/refund`;
    assert.equal((await stack.api.post(refundPath, { amount: 1000 }, { token: buyer.token })).status, 403);
    assert.equal((await stack.api.post(refundPath, { amount: 1000 }, { token: otherOrganizer.token })).status, 404);
    const tooMuch = await stack.api.post(refundPath, { amount: 999_999 }, { token: organizer.token });
    assert.equal(tooMuch.status, 400);
    assert.equal(tooMuch.body.errors[0].field, 'body.amount');

    const key = { 'idempotency-key': `refund-${booking.id}` };
    const part = await stack.api.post(refundPath, { amount: 1000, reason: 'Seat moved' }, { token: organizer.token, headers: key });
    assert.equal(part.status, 200, part.text);
    assert.equal(part.body.status, 'succeeded');
    const retried = await stack.api.post(refundPath, { amount: 1000, reason: 'Seat moved' }, { token: organizer.token, headers: key });
    assert.equal(retried.body.id, part.body.id);
    let payment = (await stack.api.get(`/payments/${intent.paymentId}`, { token: organizer.token })).body;
    assert.equal(payment.status, 'partially_refunded');
    assert.equal(payment.amountRefunded, 1000);
    assert.equal(payment.refunds.length, 1);
    await poll(async () => (await bookingOf(stack, buyer, booking.id)).refund?.amount === 1000, 'partial refund on the booking');
    assert.equal((await bookingOf(stack, buyer, booking.id)).status, 'confirmed');

    const rest = await stack.api.post(refundPath, {}, { token: admin.token });
    assert.equal(rest.body.amount, 4000);
    payment = (await stack.api.get(`/payments/${intent.paymentId}`, { token: admin.token })).body;
    assert.equal(payment.status, 'refunded');
    assert.equal(payment.amountRefunded, 5000);
    const cancelled = await poll(async () => {
      const b = await bookingOf(stack, buyer, booking.id);
      return b.status === 'cancelled' ? b : undefined;
    }, 'fully refunded booking cancelled');
    assert.equal(cancelled.refund.status, 'refunded');
    assert.equal(cancelled.refund.amount, 5000);
    assert.equal((await stack.api.post(refundPath, {}, { token: admin.token })).status, 409);
    // The refund webhooks from Stripe arrived too and changed nothing more.
    await new Promise((r) => setTimeout(r, 700));
    assert.equal((await busEvents(stack, 'PaymentRefunded')).filter((e) => e.data.bookingId === booking.id).length, 2);
  });

  it('a paid booking cancelled by its owner is refunded in full', async () => {
    const { booking, intent } = await paidBooking();
    const cancelled = await stack.api.post(`/bookings/${booking.id}/cancel`, undefined, { token: buyer.token });
    assert.equal(cancelled.body.refund.status, 'requested');
    await poll(
      async () => (await stack.api.get(`/payments/${intent.paymentId}`, { token: buyer.token })).body.status === 'refunded',
      'refunded',
    );
    await poll(async () => (await bookingOf(stack, buyer, booking.id)).refund?.status === 'refunded', 'booking shows the refund');
  });

  it('cancelling the event refunds every paid booking', async () => {
    const { event, intent, booking } = await paidBooking();
    assert.equal((await stack.api.post(`/events/${event.id}/cancel`, { reason: 'Venue flooded' }, { token: organizer.token })).status, 200);
    await poll(
      async () => (await stack.api.get(`/payments/${intent.paymentId}`, { token: buyer.token })).body.status === 'refunded',
      'refunded',
      15_000,
    );
    const b = await bookingOf(stack, buyer, booking.id);
    assert.equal(b.status, 'cancelled');
    assert.equal(b.cancelReason, 'event_cancelled');
  });
});

describe("an event's payments", () => {
  it('lists them newest first for the organizer and admins, a page at a time, refunds included, to refund from', async () => {
    const { event, tierId } = await paidEvent(stack, organizer, admin);
    const paid = [];
    for (let i = 0; i < 3; i++) {
      const booking = await book(stack, buyer, event.id, tierId, 1);
      const intent = await payFor(booking.id);
      await standinStripe(stack).paymentIntents.confirm(intent.paymentIntentId, { payment_method: 'pm_card_visa' });
      paid.push({ booking, intent });
    }
    const unpaid = await book(stack, buyer, event.id, tierId, 1);
    const started = await payFor(unpaid.id);
    await poll(async () => (await bookingOf(stack, buyer, paid[2]!.booking.id)).status === 'confirmed', 'paid');
    assert.equal(
      (await stack.api.post(`/payments/${paid[0]!.intent.paymentId}/refund`, { amount: 500 }, { token: organizer.token })).status,
      200,
    );

    const first = await stack.api.get(`/payments?eventId=${event.id}&limit=2`, { token: organizer.token });
    assert.equal(first.status, 200, first.text);
    const second = await stack.api.get(`/payments?eventId=${event.id}&limit=2&cursor=${first.body.nextCursor}`, { token: organizer.token });
    assert.equal(second.body.nextCursor, null);
    const all = [...first.body.items, ...second.body.items].map((p) => PaymentSchema.parse(p));
    assert.deepEqual(
      all.map((p) => p.id),
      [started.paymentId, ...paid.map((p) => p.intent.paymentId).reverse()],
      'newest first, each once',
    );
    assert.deepEqual([all[0]!.status, all[0]!.bookingId], ['requires_payment', unpaid.id]);
    const refunded = all.find((p) => p.id === paid[0]!.intent.paymentId)!;
    assert.deepEqual([refunded.status, refunded.amountRefunded, refunded.refunds.map((r) => r.amount)], ['partially_refunded', 500, [500]]);
    assert.ok(all.every((p) => p.eventId === event.id && p.amount === 2500 && p.currency === 'EUR'));
    assert.equal((await stack.api.get(`/payments?eventId=${event.id}&limit=100`, { token: admin.token })).body.items.length, 4);
  });

  it('shows them to nobody else, and refuses bad queries with 400', async () => {
    const { event } = await paidEvent(stack, organizer, admin);
    assert.equal((await stack.api.get(`/payments?eventId=${event.id}`, { token: otherOrganizer.token })).status, 404);
    assert.equal((await stack.api.get(`/payments?eventId=${event.id}`, { token: buyer.token })).status, 403);
    assert.equal((await stack.api.get(`/payments?eventId=${event.id}`)).status, 401);
    assert.equal((await stack.api.get('/payments?eventId=no-such-event', { token: organizer.token })).status, 404);
    const missing = await stack.api.get('/payments', { token: organizer.token });
    assert.equal(missing.status, 400);
    assert.equal(missing.body.errors[0].field, 'querystring.eventId');
    const forgedDay = Buffer.from(
      JSON.stringify({ p: '2030-02-30T10:00:00.000000Z', id: '6d1f9a52-6f0e-4a57-9a43-1d7c8f0b7e21' }),
    ).toString('base64url');
    for (const cursor of ['broken', forgedDay]) {
      const refused = await stack.api.get(`/payments?eventId=${event.id}&cursor=${cursor}`, { token: organizer.token });
      assert.equal(refused.status, 400, cursor);
      assert.equal(refused.body.errors[0].field, 'query.cursor');
    }
  });
});
