import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, it } from 'node:test';
import { MongoClient } from 'mongodb';
import {
  TEST_ADMIN_ENV,
  eventInput,
  loginAdmin,
  publishEvent,
  registerUser,
  serviceEnv,
  startTestStack,
  type TestStack,
  type TestUser,
} from '@eventify/testing';

// The sold-out fast path: once the event service has said a tier is sold out, the next buyers are answered by the
// booking service from memory, without a booking written. A long memo here, so only a release can end it.
let stack: TestStack;
let mongo: MongoClient;
let organizer: TestUser;
let admin: TestUser;
let buyers: TestUser[];

before(async () => {
  stack = await startTestStack({
    services: ['auth', 'event', 'approval', 'booking'],
    env: { auth: TEST_ADMIN_ENV, booking: { SOLD_OUT_MEMO_MS: '60000' } },
  });
  mongo = await new MongoClient(serviceEnv('booking', stack.plan).MONGO_URL!).connect();
  organizer = await registerUser(stack.api, 'organizer');
  admin = await loginAdmin(stack.api);
  buyers = await Promise.all(Array.from({ length: 4 }, () => registerUser(stack.api)));
});
after(async () => {
  await mongo?.close();
  await stack?.stop();
});

const bookingsStored = () => mongo.db().collection('bookings').countDocuments();

it('answers buyers of a sold-out tier without writing a booking, keeps retries idempotent, and sells again after a release', async () => {
  const event = await publishEvent(
    stack.api,
    organizer,
    admin,
    eventInput({ tiers: [{ name: 'Last two', price: 0, currency: 'EUR', capacity: 2, maxPerOrder: 2 }] }),
  );
  const tierId = event.tiers[0]!.id as string;
  const book = (buyer: TestUser, key = randomUUID()) =>
    stack.api.post(
      '/bookings',
      { eventId: event.id, items: [{ tierId, quantity: 1 }] },
      { token: buyer.token, headers: { 'idempotency-key': key } },
    );

  const firstKey = randomUUID();
  const first = await book(buyers[0]!, firstKey);
  assert.equal(first.status, 201);
  assert.equal((await book(buyers[1]!)).status, 201);
  const stored = await bookingsStored();

  // The buyer who took the last seat told the memo: every later buyer hears "sold out" at once, and nothing is stored.
  const refused = await Promise.all(Array.from({ length: 30 }, (_, i) => book(buyers[2 + (i % 2)]!)));
  assert.deepEqual([...new Set(refused.map((r) => r.status))], [409]);
  assert.equal(refused[0]!.body.type, 'https://eventify.dev/problems/sold-out');
  assert.match(refused[0]!.body.detail, /Not enough tickets left for "Last two": it is sold out/);
  assert.equal(refused[0]!.body.tierId, tierId);
  assert.equal(refused[0]!.body.available, 0);
  assert.equal(await bookingsStored(), stored, 'a sold-out answer from memory wrote a booking');

  // A retry of a request that did get its ticket gets that booking back, not "sold out".
  const retried = await book(buyers[0]!, firstKey);
  assert.equal(retried.status, 200);
  assert.equal(retried.body.id, first.body.id);

  // Seats given back through this service are for sale again at once, memo or not.
  assert.equal((await stack.api.post(`/bookings/${first.body.id}/cancel`, undefined, { token: buyers[0]!.token })).status, 200);
  const again = await book(buyers[3]!);
  assert.equal(again.status, 201, JSON.stringify(again.body));
});

it('learns from the event service how many seats are left, and refuses only what they cannot cover', async () => {
  const event = await publishEvent(
    stack.api,
    organizer,
    admin,
    eventInput({ tiers: [{ name: 'Three', price: 0, currency: 'EUR', capacity: 3, maxPerOrder: 2 }] }),
  );
  const tierId = event.tiers[0]!.id as string;
  const book = (buyer: TestUser, quantity: number) =>
    stack.api.post('/bookings', { eventId: event.id, items: [{ tierId, quantity }] }, { token: buyer.token });

  assert.equal((await book(buyers[0]!, 2)).status, 201);
  const beforeRefusal = await bookingsStored();
  const short = await book(buyers[1]!, 2);
  assert.equal(short.status, 409);
  assert.equal(short.body.available, 1);
  assert.match(short.body.detail, /only 1 left/);
  assert.equal(await bookingsStored(), beforeRefusal, "the event service's refusal stores no booking");

  // From now on the memo answers for that tier: even with the event service stopped, two are refused in its words.
  await stack.stopService('event');
  try {
    const again = await Promise.all(Array.from({ length: 5 }, () => book(buyers[1]!, 2)));
    assert.deepEqual([...new Set(again.map((r) => r.status))], [409]);
    assert.match(again[0]!.body.detail, /only 1 left/);
  } finally {
    await stack.startService('event');
  }
  assert.equal(await bookingsStored(), beforeRefusal, 'refused from memory: nothing stored');
  assert.equal((await book(buyers[2]!, 1)).status, 201, 'one seat was left, and one was asked for');
  assert.equal((await book(buyers[3]!, 1)).status, 409);
  assert.equal(await bookingsStored(), beforeRefusal + 1);
});
