import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { Redis } from 'ioredis';
import {
  TEST_ADMIN_ENV,
  eventInput,
  freePort,
  loginAdmin,
  poll,
  publishEvent,
  registerUser,
  serviceEnv,
  startProcess,
  startTestStack,
  type RunningProcess,
  type TestStack,
  type TestUser,
} from '@eventify/testing';

// Holds last 4 s here so expiry can be watched; sweeps run often.
const HOLD = { HOLD_MINUTES: String(4 / 60), SWEEP_INTERVAL_MS: '200' };
let stack: TestStack;
let secondBooking: RunningProcess;
let redis: Redis;
let organizer: TestUser;
let admin: TestUser;
let buyers: TestUser[];

before(async () => {
  stack = await startTestStack({
    services: ['auth', 'event', 'approval', 'booking'],
    env: { auth: TEST_ADMIN_ENV, booking: HOLD },
    echo: process.env.ECHO === '1',
  });
  // A second booking replica on the same database: two sweepers at once.
  secondBooking = await startProcess({
    name: 'booking-2',
    entry: 'services/booking/src/main.ts',
    port: await freePort(),
    env: { ...serviceEnv('booking', stack.plan), ...HOLD },
  });
  redis = new Redis(stack.plan.infra.redis);
  organizer = await registerUser(stack.api, 'organizer');
  admin = await loginAdmin(stack.api);
  buyers = await Promise.all(Array.from({ length: 20 }, () => registerUser(stack.api)));
});
after(async () => {
  redis?.disconnect();
  await secondBooking?.stop();
  await stack?.stop();
});

const tiers = (event: { tiers: { id: string }[] }) => event.tiers.map((t) => t.id);
const available = async (eventId: string) =>
  (await stack.api.get(`/events/${eventId}`)).body.tiers.map((t: { available: number }) => t.available);
const book = (buyer: TestUser, eventId: string, items: { tierId: string; quantity: number }[], key?: string) =>
  stack.api.post('/bookings', { eventId, items }, { token: buyer.token, headers: key ? { 'idempotency-key': key } : {} });

async function published(tierList: Record<string, unknown>[]) {
  return publishEvent(stack.api, organizer, admin, eventInput({ tiers: tierList }));
}

async function streamEvents(type: string) {
  const entries = await redis.xrange(`${stack.plan.namespace}:stream:${type}`, '-', '+');
  return entries.map(([, fields]) => JSON.parse(fields[1]!));
}

async function publishOnBus(type: string, data: Record<string, unknown>) {
  const event = { id: randomUUID(), type, occurredAt: new Date().toISOString(), source: 'test', data };
  await redis.xadd(`${stack.plan.namespace}:stream:${type}`, '*', 'event', JSON.stringify(event));
}

describe('booking', () => {
  it('a free tier confirms at once; a paid one holds seats with an expiry', async () => {
    const event = await published([
      { name: 'Paid', price: 1500, currency: 'EUR', capacity: 10 },
      { name: 'Free', price: 0, currency: 'EUR', capacity: 10 },
    ]);
    const [paid, free] = tiers(event);
    const freeBooking = await book(buyers[0]!, event.id, [{ tierId: free!, quantity: 2 }]);
    assert.equal(freeBooking.status, 201);
    assert.equal(freeBooking.body.status, 'confirmed');
    assert.equal(freeBooking.body.expiresAt, null);
    const paidBooking = await book(buyers[0]!, event.id, [{ tierId: paid!, quantity: 3 }]);
    assert.equal(paidBooking.body.status, 'pending_payment');
    assert.equal(paidBooking.body.amount, 4500);
    assert.ok(Date.parse(paidBooking.body.expiresAt) > Date.now());
    assert.deepEqual(await available(event.id), [7, 8]);
    const confirmed = await poll(
      async () => (await streamEvents('BookingConfirmed')).find((e) => e.data.bookingId === freeBooking.body.id),
      'BookingConfirmed',
    );
    assert.equal(confirmed.data.items[0].quantity, 2);
  });

  it('a multi-tier booking that cannot be filled takes nothing', async () => {
    const event = await published([
      { name: 'Plenty', price: 1000, currency: 'EUR', capacity: 50 },
      { name: 'Scarce', price: 1000, currency: 'EUR', capacity: 1 },
    ]);
    const [plenty, scarce] = tiers(event);
    const response = await book(buyers[1]!, event.id, [
      { tierId: plenty!, quantity: 5 },
      { tierId: scarce!, quantity: 2 },
    ]);
    assert.equal(response.status, 409);
    assert.deepEqual(await available(event.id), [50, 1]);
    const mine = await stack.api.get('/bookings', { token: buyers[1]!.token });
    assert.ok(mine.body.items.every((b: { status: string }) => b.status !== 'pending_payment' || b.eventId !== event.id));
  });

  it('a retried request with the same Idempotency-Key returns the same booking', async () => {
    const event = await published([{ name: 'Std', price: 1000, currency: 'EUR', capacity: 10 }]);
    const [tierId] = tiers(event);
    const key = `retry-${randomUUID()}`;
    const [a, b] = await Promise.all([
      book(buyers[2]!, event.id, [{ tierId: tierId!, quantity: 2 }], key),
      book(buyers[2]!, event.id, [{ tierId: tierId!, quantity: 2 }], key),
    ]);
    assert.equal(a.body.id, b.body.id);
    assert.deepEqual([a.status, b.status].sort(), [200, 201]);
    const c = await book(buyers[2]!, event.id, [{ tierId: tierId!, quantity: 2 }], key);
    assert.equal(c.status, 200);
    assert.equal(c.body.id, a.body.id);
    assert.deepEqual(await available(event.id), [8]);
    const different = await book(buyers[2]!, event.id, [{ tierId: tierId!, quantity: 1 }], key);
    assert.equal(different.status, 409);
  });

  it('a request the event service refuses stores nothing, and its retry with the same Idempotency-Key asks afresh', async () => {
    const event = await published([{ name: 'Three', price: 1000, currency: 'EUR', capacity: 3, maxPerOrder: 3 }]);
    const [tierId] = tiers(event);
    const holder = await book(buyers[5]!, event.id, [{ tierId: tierId!, quantity: 1 }]);
    assert.equal(holder.status, 201);
    const key = `refused-${randomUUID()}`;
    const refused = await book(buyers[6]!, event.id, [{ tierId: tierId!, quantity: 3 }], key);
    assert.equal(refused.status, 409);
    assert.match(refused.body.detail, /only 2 left/);
    const mine = await stack.api.get('/bookings', { token: buyers[6]!.token });
    assert.deepEqual(
      mine.body.items.filter((b: { eventId: string }) => b.eventId === event.id),
      [],
      'no booking, not even a failed one',
    );
    // The seat comes back: the same request under the same key is a new request now (nothing was made under it).
    assert.equal((await stack.api.post(`/bookings/${holder.body.id}/cancel`, undefined, { token: buyers[5]!.token })).status, 200);
    const retried = await book(buyers[6]!, event.id, [{ tierId: tierId!, quantity: 3 }], key);
    assert.equal(retried.status, 201, retried.text);
    assert.deepEqual(await available(event.id), [0]);
  });

  it('only the owner sees or cancels a booking', async () => {
    const event = await published([{ name: 'Std', price: 1000, currency: 'EUR', capacity: 10 }]);
    const booking = await book(buyers[3]!, event.id, [{ tierId: tiers(event)[0]!, quantity: 1 }]);
    assert.equal((await stack.api.get(`/bookings/${booking.body.id}`, { token: buyers[4]!.token })).status, 404);
    assert.equal((await stack.api.post(`/bookings/${booking.body.id}/cancel`, undefined, { token: buyers[4]!.token })).status, 404);
    assert.equal((await stack.api.get(`/bookings/${booking.body.id}`, { token: buyers[3]!.token })).status, 200);
    assert.equal((await stack.api.get(`/bookings/${booking.body.id}`)).status, 401);
  });

  it('refuses bad input with 400 naming the field', async () => {
    const response = await stack.api.post(
      '/bookings',
      { eventId: 'x', items: [{ tierId: 't', quantity: 0 }] },
      { token: buyers[0]!.token },
    );
    assert.equal(response.status, 400);
    assert.equal(response.body.errors[0].field, 'body.items.0.quantity');
    const badKey = await book(buyers[0]!, 'no-such-event', [{ tierId: 't', quantity: 1 }], 'short');
    assert.equal(badKey.status, 400);
    assert.equal(badKey.body.errors[0].field, 'headers.idempotency-key');
    const unknown = await book(buyers[0]!, 'no-such-event', [{ tierId: 't', quantity: 1 }]);
    assert.equal(unknown.status, 404);
  });
});

describe('holds, cancellations and payments', () => {
  it('an expired hold gives its seats back exactly once, with two sweepers running', async () => {
    const event = await published([{ name: 'Std', price: 1000, currency: 'EUR', capacity: 5 }]);
    const booking = await book(buyers[5]!, event.id, [{ tierId: tiers(event)[0]!, quantity: 2 }]);
    assert.deepEqual(await available(event.id), [3]);
    await poll(
      async () => (await stack.api.get(`/bookings/${booking.body.id}`, { token: buyers[5]!.token })).body.status === 'expired',
      'expiry',
      15_000,
    );
    // The sweep stores `expired`, then gives the seats back at the event service: a moment later, not at once.
    await poll(async () => (await available(event.id))[0] === 5, 'seats given back', 5_000);
    await new Promise((r) => setTimeout(r, 600)); // more sweeps by both replicas
    assert.deepEqual(await available(event.id), [5]);
    await poll(async () => (await streamEvents('BookingExpired')).some((e) => e.data.bookingId === booking.body.id), 'BookingExpired');
    const expired = (await streamEvents('BookingExpired')).filter((e) => e.data.bookingId === booking.body.id);
    assert.equal(expired.length, 1);
  });

  it('cancelling a hold releases its seats; cancelling twice is a 409', async () => {
    const event = await published([{ name: 'Std', price: 1000, currency: 'EUR', capacity: 5 }]);
    const booking = await book(buyers[6]!, event.id, [{ tierId: tiers(event)[0]!, quantity: 2 }]);
    const cancelled = await stack.api.post(`/bookings/${booking.body.id}/cancel`, undefined, { token: buyers[6]!.token });
    assert.equal(cancelled.status, 200);
    assert.equal(cancelled.body.status, 'cancelled');
    assert.deepEqual(await available(event.id), [5]);
    assert.equal((await stack.api.post(`/bookings/${booking.body.id}/cancel`, undefined, { token: buyers[6]!.token })).status, 409);
  });

  it('a payment confirms the booking', async () => {
    const event = await published([{ name: 'Std', price: 1000, currency: 'EUR', capacity: 5 }]);
    const booking = await book(buyers[7]!, event.id, [{ tierId: tiers(event)[0]!, quantity: 1 }]);
    await publishOnBus('PaymentSucceeded', {
      paymentId: randomUUID(),
      bookingId: booking.body.id,
      userId: buyers[7]!.id,
      paymentIntentId: 'pi_1',
      amount: 1000,
      currency: 'EUR',
    });
    await poll(
      async () => (await stack.api.get(`/bookings/${booking.body.id}`, { token: buyers[7]!.token })).body.status === 'confirmed',
      'confirmed',
    );
    // A confirmed booking cancelled well before the event is refunded.
    const cancelled = await stack.api.post(`/bookings/${booking.body.id}/cancel`, undefined, { token: buyers[7]!.token });
    assert.equal(cancelled.body.refund.status, 'requested');
    // Published by the outbox relay right after the change was stored.
    const events = await poll(async () => {
      const found = (await streamEvents('BookingCancelled')).filter((e) => e.data.bookingId === booking.body.id);
      return found.length ? found : undefined;
    }, 'BookingCancelled on the bus');
    assert.equal(events[0].data.refund, true);
  });

  it('a payment after expiry confirms when seats are left, and is refunded when they are not', async () => {
    const event = await published([{ name: 'Std', price: 1000, currency: 'EUR', capacity: 2 }]);
    const [tierId] = tiers(event);
    const late = await book(buyers[8]!, event.id, [{ tierId: tierId!, quantity: 1 }]);
    const lost = await book(buyers[9]!, event.id, [{ tierId: tierId!, quantity: 1 }]);
    for (const b of [late, lost]) {
      await poll(
        async () =>
          (await stack.api.get(`/bookings/${b.body.id}`, { token: b === late ? buyers[8]!.token : buyers[9]!.token })).body.status ===
          'expired',
        'expiry',
        15_000,
      );
    }
    // Seats still free: the late payment takes one again.
    await publishOnBus('PaymentSucceeded', {
      paymentId: randomUUID(),
      bookingId: late.body.id,
      userId: buyers[8]!.id,
      paymentIntentId: 'pi_2',
      amount: 1000,
      currency: 'EUR',
    });
    await poll(
      async () => (await stack.api.get(`/bookings/${late.body.id}`, { token: buyers[8]!.token })).body.status === 'confirmed',
      'late confirmation',
    );
    assert.deepEqual(await available(event.id), [1]);
    // The last seat goes to someone else; then the other late payment arrives.
    assert.equal((await book(buyers[10]!, event.id, [{ tierId: tierId!, quantity: 1 }])).status, 201);
    await publishOnBus('PaymentSucceeded', {
      paymentId: randomUUID(),
      bookingId: lost.body.id,
      userId: buyers[9]!.id,
      paymentIntentId: 'pi_3',
      amount: 1000,
      currency: 'EUR',
    });
    const refunded = await poll(
      async () => (await streamEvents('BookingCancelled')).find((e) => e.data.bookingId === lost.body.id),
      'refund request',
    );
    assert.equal(refunded.data.refund, true);
    assert.equal(refunded.data.reason, 'payment_late');
    assert.equal((await stack.api.get(`/bookings/${lost.body.id}`, { token: buyers[9]!.token })).body.status, 'cancelled');
    assert.deepEqual(await available(event.id), [0]);
  });

  it('cancelling the event cancels and refunds its bookings', async () => {
    const event = await published([{ name: 'Std', price: 1000, currency: 'EUR', capacity: 5 }]);
    const booking = await book(buyers[11]!, event.id, [{ tierId: tiers(event)[0]!, quantity: 1 }]);
    await publishOnBus('PaymentSucceeded', {
      paymentId: randomUUID(),
      bookingId: booking.body.id,
      userId: buyers[11]!.id,
      paymentIntentId: 'pi_4',
      amount: 1000,
      currency: 'EUR',
    });
    await poll(
      async () => (await stack.api.get(`/bookings/${booking.body.id}`, { token: buyers[11]!.token })).body.status === 'confirmed',
      'confirmed',
    );
    assert.equal((await stack.api.post(`/events/${event.id}/cancel`, { reason: 'Storm' }, { token: organizer.token })).status, 200);
    const cancelled = await poll(async () => {
      const b = await stack.api.get(`/bookings/${booking.body.id}`, { token: buyers[11]!.token });
      return b.body.status === 'cancelled' ? b.body : undefined;
    }, 'cancelled by the event');
    assert.equal(cancelled.cancelReason, 'event_cancelled');
    assert.equal(cancelled.refund.status, 'requested');
  });
});
