import assert from 'node:assert/strict';
import { it } from 'node:test';
import Stripe from 'stripe';
import { poll, registerUser } from '@eventify/testing';
import { busEvents, recordFault, type FaultStack } from './support/fault-stack.js';
import { assertSettled, faultStackWithEvent, book, createIntent, payAtStripe, waitForStatus } from './support/journey.js';

let f: FaultStack;
let eventId: string;
let tierId: string;

faultStackWithEvent((context) => ({ f, eventId, tierId } = context));

const signer = new Stripe('sk_test_signer');
/** Deliver a Stripe event to the public endpoint as Stripe does: its exact bytes, freshly signed. */
function deliver(event: Record<string, unknown>) {
  const payload = JSON.stringify(event);
  const signature = signer.webhooks.generateTestHeaderString({ payload, secret: f.stack.plan.stripe.webhookSecret });
  return f.stack.api.request('POST', '/payments/webhooks/stripe', {
    rawBody: payload,
    headers: { 'content-type': 'application/json', 'stripe-signature': signature },
  });
}

async function standinEvents(intentId: string, type: string) {
  const list = (await (f.stripe.events.list as () => Promise<{ data: Stripe.Event[] }>)()).data;
  return list.filter(
    (e) =>
      e.type === type &&
      ((e.data.object as { id?: string; payment_intent?: string }).id === intentId ||
        (e.data.object as { payment_intent?: string }).payment_intent === intentId),
  );
}

const shuffle = <T>(items: T[]) =>
  items
    .map((item) => ({ item, key: Math.random() }))
    .sort((a, b) => a.key - b.key)
    .map((x) => x.item);

it('Stripe webhooks replayed 10 times, out of order, before the PaymentIntent was recorded: applied exactly once', async () => {
  const purchase = await createIntent(f, await book(f, eventId, tierId, 2));
  // The state a crash between creating the PaymentIntent at Stripe and recording it leaves behind.
  await f.paymentDb.query('update payments set stripe_payment_intent_id = null where id = $1', [purchase.paymentId]);
  await payAtStripe(f, purchase);
  const [succeeded] = await poll(async () => {
    const found = await standinEvents(purchase.paymentIntentId!, 'payment_intent.succeeded');
    return found.length ? found : undefined;
  }, 'the success event at Stripe');
  // A failure Stripe sent earlier (a declined first card) that arrives after the success.
  const failed = {
    ...succeeded,
    id: `evt_fault_${Math.random().toString(36).slice(2)}`,
    type: 'payment_intent.payment_failed',
    created: succeeded!.created - 60,
    data: {
      object: {
        ...(succeeded!.data.object as object),
        status: 'requires_payment_method',
        last_payment_error: { message: 'Your card was declined.' },
      },
    },
  };
  const deliveries = shuffle([
    ...Array.from({ length: 10 }, () => succeeded as unknown as Record<string, unknown>),
    ...Array.from({ length: 10 }, () => failed),
  ]);
  const answers = await Promise.all(deliveries.map((event) => deliver(event)));
  assert.deepEqual([...new Set(answers.map((a) => a.status))], [200], 'every delivery acknowledged');
  await assertSettled(f, eventId, { paid: [purchase], cancelled: [] });
  const transitions = await f.paymentDb.query(
    `select to_status from payment_transitions where payment_id = $1 and to_status in ('succeeded', 'failed')`,
    [purchase.paymentId],
  );
  assert.deepEqual(
    transitions.rows.map((r) => r.to_status),
    ['succeeded'],
    'succeeded once, the late failure ignored',
  );
  const published = (await busEvents(f, 'PaymentSucceeded')).filter((e) => e.data.bookingId === purchase.bookingId);
  assert.equal(new Set(published.map((e) => e.id)).size, 1, 'one PaymentSucceeded');
  const again = await f.stack.api.post('/payments/intents', { bookingId: purchase.bookingId }, { token: purchase.buyer.token });
  assert.equal(again.status, 409, 'paid: nothing more to pay');
  recordFault(
    'Stripe webhooks: success ×10 and an older failure ×10, shuffled, concurrent, before the intent was recorded',
    'one succeeded transition, one PaymentSucceeded, booking confirmed with 2 tickets',
  );
});

it('refund webhooks replayed 10 times: refunded once', async () => {
  const purchase = await createIntent(f, await book(f, eventId, tierId, 1));
  await payAtStripe(f, purchase);
  await waitForStatus(f, purchase, 'confirmed');
  assert.equal((await f.stack.api.post(`/bookings/${purchase.bookingId}/cancel`, undefined, { token: purchase.buyer.token })).status, 200);
  await assertSettled(f, eventId, { paid: [], cancelled: [purchase] });
  const refunds = await standinEvents(purchase.paymentIntentId!, 'refund.created');
  assert.equal(refunds.length, 1);
  const answers = await Promise.all(Array.from({ length: 10 }, () => deliver(refunds[0] as unknown as Record<string, unknown>)));
  assert.deepEqual([...new Set(answers.map((a) => a.status))], [200]);
  await assertSettled(f, eventId, { paid: [], cancelled: [purchase] });
  const refunded = (await busEvents(f, 'PaymentRefunded')).filter((e) => e.data.bookingId === purchase.bookingId);
  assert.equal(new Set(refunded.map((e) => e.id)).size, 1, 'one PaymentRefunded');
  recordFault('Stripe refund webhook replayed ×10', 'one refund, one PaymentRefunded, booking refunded, tickets voided');
});

it('a service paused (SIGSTOP) for 5 s: the gateway answers 504 problem+json, the rest keeps working, and it recovers', async () => {
  const buyer = await registerUser(f.stack.api);
  f.signal('event', 'SIGSTOP');
  const pausedAt = Date.now();
  let browse, profile, booking;
  try {
    [browse, profile, booking] = await Promise.all([
      f.stack.api.get(`/events/${eventId}`),
      f.stack.api.get('/users/me', { token: buyer.token }),
      f.stack.api.post('/bookings', { eventId, items: [{ tierId, quantity: 1 }] }, { token: buyer.token }),
    ]);
    await new Promise((r) => setTimeout(r, Math.max(0, 5_000 - (Date.now() - pausedAt))));
  } finally {
    f.signal('event', 'SIGCONT');
  }
  assert.equal(browse.status, 504);
  assert.match(browse.headers.get('content-type') ?? '', /application\/problem\+json/);
  assert.equal(profile.status, 200, 'other services unaffected');
  assert.ok([503, 504].includes(booking.status), `a booking needing the paused service: ${booking.status}`);
  assert.match(booking.headers.get('content-type') ?? '', /application\/problem\+json/);
  await poll(async () => (await f.stack.api.get(`/events/${eventId}`)).status === 200, 'event service answers again', 10_000);
  // Whatever the paused reservation did, nothing stays held for it.
  const next = await createIntent(f, await book(f, eventId, tierId, 1, buyer));
  await payAtStripe(f, next);
  await assertSettled(f, eventId, { paid: [next], cancelled: [] });
  recordFault(
    'event service SIGSTOPped 5 s',
    `gateway 504 problem+json for it (booking needing it: ${booking.status}); other services 200; recovered, seats balanced`,
  );
});
