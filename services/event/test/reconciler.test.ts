import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, it } from 'node:test';
import { MongoClient } from 'mongodb';
import {
  TEST_ADMIN_ENV,
  eventInput,
  loginAdmin,
  poll,
  publishEvent,
  registerUser,
  serviceEnv,
  startTestStack,
  type TestStack,
  type TestUser,
} from '@eventify/testing';

// The seat reconciler against a real booking service: holds older than the grace (1.5 s here) that no
// booking has are given back; a booking's own hold is never touched.
let stack: TestStack;
let mongo: MongoClient;
let organizer: TestUser;
let event: { id: string; tiers: { id: string }[] };

const reserve = (bookingId: string, items: { tierId: string; quantity: number }[]) =>
  stack
    .direct('event', { as: 'booking' })
    .post(`/internal/events/${event.id}/reservations`, { bookingId, items })
    .then((r) => r.status);
const available = async () => (await stack.api.get(`/events/${event.id}`)).body.tiers.map((t: { available: number }) => t.available);

before(async () => {
  stack = await startTestStack({
    services: ['auth', 'event', 'approval', 'booking'],
    env: { auth: TEST_ADMIN_ENV, event: { SEAT_RECONCILE_INTERVAL_MS: '300', SEAT_RECONCILE_GRACE_MS: '4000' } },
  });
  mongo = await new MongoClient(serviceEnv('event', stack.plan).MONGO_URL!).connect();
  organizer = await registerUser(stack.api, 'organizer');
  event = await publishEvent(
    stack.api,
    organizer,
    await loginAdmin(stack.api),
    eventInput({ tiers: [{ name: 'VIP', price: 9000, currency: 'EUR', capacity: 2 }] }),
  );
});
after(async () => {
  await mongo?.close();
  await stack?.stop();
});
const ledgers = () => mongo.db().collection<{ _id: string; available: number; holders?: unknown[] }>('seat_ledgers');
const holds = () => mongo.db().collection('seat_holds');

it("the reconciler gives back seats that no booking holds, and leaves a real booking's alone", async () => {
  const vip = event.tiers[0]!.id;
  const buyer = await registerUser(stack.api);
  const booking = await stack.api.post('/bookings', { eventId: event.id, items: [{ tierId: vip, quantity: 1 }] }, { token: buyer.token });
  assert.equal(booking.status, 201, booking.text);
  // Taken for a booking that was never recorded (its request died after the take).
  assert.equal(await reserve(randomUUID(), [{ tierId: vip, quantity: 1 }]), 200);
  assert.equal((await available())[0], 0);
  await poll(async () => (await available())[0] === 1, 'the orphaned seat released', 10_000);
  await new Promise((r) => setTimeout(r, 2_000)); // more rounds: the real booking keeps its seat
  assert.equal((await available())[0], 1);
  assert.equal((await stack.api.get(`/bookings/${booking.body.id}`, { token: buyer.token })).body.status, 'pending_payment');
  assert.equal((await stack.api.post(`/bookings/${booking.body.id}/cancel`, undefined, { token: buyer.token })).status, 200);
  assert.equal((await available())[0], 2);
});

it('every take says until when its seats are safe from the reconciler: half its grace (4 s here) after the take began', async () => {
  const fresh = await publishEvent(
    stack.api,
    organizer,
    await loginAdmin(stack.api),
    eventInput({ tiers: [{ name: 'Gallery', price: 0, currency: 'EUR', capacity: 3 }] }),
  );
  const before = Date.now();
  const taken = await stack
    .direct('event', { as: 'booking' })
    .post(`/internal/events/${fresh.id}/reservations`, { bookingId: randomUUID(), items: [{ tierId: fresh.tiers[0]!.id, quantity: 1 }] });
  const after = Date.now();
  assert.equal(taken.status, 200, taken.text);
  const keepUntil = Date.parse(taken.body.keepUntil);
  assert.ok(
    keepUntil >= before + 2_000 && keepUntil <= after + 2_000,
    `keepUntil ${taken.body.keepUntil}, asked at ${new Date(before).toISOString()}`,
  );
});

it('puts back seats that a take interrupted between its two writes left off sale', async () => {
  const fresh = await publishEvent(
    stack.api,
    organizer,
    await loginAdmin(stack.api),
    eventInput({ tiers: [{ name: 'Floor', price: 0, currency: 'EUR', capacity: 5 }] }),
  );
  const ledger = `${fresh.id}:${fresh.tiers[0]!.id}`;
  // As a take killed after lowering the count and before storing its hold leaves it: two seats off sale, held by nobody.
  // (Not read back: the reconciler, every 300 ms here, may already have put them back.)
  assert.equal((await ledgers().updateOne({ _id: ledger }, { $inc: { available: -2 } })).modifiedCount, 1);
  await poll(async () => (await ledgers().findOne({ _id: ledger }))!.available === 5, 'the count agrees with the holds again', 10_000);
});

it('moves holds that a ledger of the earlier version kept in itself, and judges them like any other', async () => {
  const fresh = await publishEvent(
    stack.api,
    organizer,
    await loginAdmin(stack.api),
    eventInput({ tiers: [{ name: 'Balcony', price: 0, currency: 'EUR', capacity: 4 }] }),
  );
  const tierId = fresh.tiers[0]!.id;
  const ledger = `${fresh.id}:${tierId}`;
  const buyer = await registerUser(stack.api);
  const kept = await stack.api.post('/bookings', { eventId: fresh.id, items: [{ tierId, quantity: 1 }] }, { token: buyer.token });
  assert.equal(kept.status, 201, kept.text);
  // The earlier layout: a booking nobody has holds 2 seats in the ledger's own array.
  const orphan = randomUUID();
  await ledgers().updateOne(
    { _id: ledger },
    { $set: { holders: [{ b: orphan, q: 2, at: new Date(Date.now() - 60_000) }] }, $inc: { available: -2 } },
  );
  await poll(
    async () => {
      const now = await ledgers().findOne({ _id: ledger });
      return now!.holders === undefined && now!.available === 3;
    },
    'the array moved out and its orphaned seats given back',
    15_000,
  );
  assert.equal(await holds().countDocuments({ ledger, b: orphan }), 0, 'the orphan is released');
  assert.equal(await holds().countDocuments({ ledger }), 1, 'the real booking keeps its hold');
});
