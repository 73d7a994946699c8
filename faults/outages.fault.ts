import assert from 'node:assert/strict';
import { it } from 'node:test';
import pg from 'pg';
import { eventInput, poll, postgresUrlFor, publishEvent, registerUser, type HttpResult } from '@eventify/testing';
import { recordFault, type FaultStack } from './support/fault-stack.js';
import { assertSeatsBalance, assertSettled, faultStackWithEvent, book, createIntent, payAtStripe } from './support/journey.js';

// Redis, the MongoDB-protocol server and PostgreSQL go away mid-journey. While they are away every answer is
// either unaffected or a 503 problem+json, quickly; once they are back the journey completes.
let f: FaultStack;
let eventId: string;
let tierId: string;

faultStackWithEvent((context) => ({ f, eventId, tierId } = context));

/** A request made during an outage: answered within 8 s, with 503 problem+json unless it did not need what is down. */
async function duringOutage(what: string, call: () => Promise<HttpResult>, unaffected: number[] = []): Promise<number> {
  const started = Date.now();
  const response = await call().catch((error: Error) => assert.fail(`${what}: no answer after ${Date.now() - started} ms (${error.name})`));
  const ms = Date.now() - started;
  assert.ok(ms < 8_000, `${what}: answered after ${ms} ms`);
  if (unaffected.includes(response.status)) return response.status;
  assert.equal(response.status, 503, `${what}: ${response.status} ${response.text.slice(0, 300)}`);
  assert.match(response.headers.get('content-type') ?? '', /application\/problem\+json/, what);
  assert.equal(response.body.status, 503);
  return response.status;
}

it('Redis stopped and restarted mid-journey: 503 while down, then the paid booking gets its tickets', async () => {
  const buyer = await registerUser(f.stack.api);
  const purchase = await createIntent(f, await book(f, eventId, tierId, 2, buyer));
  await f.redis.kill();
  const statuses: number[] = [];
  try {
    statuses.push(
      await duringOutage('book', () =>
        f.stack.api.post('/bookings', { eventId, items: [{ tierId, quantity: 1 }] }, { token: buyer.token }),
      ),
    );
    statuses.push(
      await duringOutage('cancel', () => f.stack.api.post(`/bookings/${purchase.bookingId}/cancel`, undefined, { token: buyer.token })),
    );
    statuses.push(
      await duringOutage('read booking', () => f.stack.api.get(`/bookings/${purchase.bookingId}`, { token: buyer.token }), [200]),
    );
    statuses.push(await duringOutage('read event', () => f.stack.api.get(`/events/${eventId}`), [200]));
    // Paid at Stripe while Redis is down: the payment is stored with its event, which waits in the outbox.
    await payAtStripe(f, purchase);
    await new Promise((r) => setTimeout(r, 1_500));
  } finally {
    await f.redis.start();
  }
  await assertSettled(f, eventId, { paid: [purchase], cancelled: [] });
  recordFault(
    'Redis (private, AOF fsync always) killed and restarted mid-journey',
    `answers while down: ${statuses.join(', ')} (503 problem+json or unaffected 200); payment kept in the outbox, booking confirmed with tickets after restart`,
  );
});

it('Redis killed and restarted mid-sale: never oversold, the seats balance, and what is left sells exactly once', async () => {
  const capacity = 30;
  const event = await publishEvent(
    f.stack.api,
    f.organizer,
    f.admin,
    eventInput({ tiers: [{ name: 'Rush', price: 0, currency: 'EUR', capacity, maxPerOrder: 1 }] }),
  );
  const [saleId, rushTier] = [event.id as string, event.tiers[0]!.id as string];
  const buyers = await Promise.all(Array.from({ length: 10 }, () => registerUser(f.stack.api)));
  const sale = (count: number) =>
    Promise.all(
      Array.from({ length: count }, (_, i) =>
        f.stack.api
          .post(
            '/bookings',
            { eventId: saleId, items: [{ tierId: rushTier, quantity: 1 }] },
            { token: buyers[i % buyers.length]!.token, timeoutMs: 30_000 },
          )
          .then(
            (r) => r.status,
            () => 0,
          ),
      ),
    );
  const count = (statuses: number[], status: number) => statuses.filter((s) => s === status).length;

  // The locks that guard the seat ledgers live in Redis: it dies while a hundred buyers are being served.
  const confirmed = () => f.db('booking').collection('bookings').countDocuments({ eventId: saleId, status: 'confirmed' });
  const first = sale(100);
  await poll(async () => (await confirmed()) >= 8, 'the sale under way', 30_000); // mid-sale: some sold, most still waiting
  await f.redis.kill();
  await new Promise((r) => setTimeout(r, 2_000));
  await f.redis.start();
  const during = await first;
  const unexpected = during.filter((s) => ![201, 409, 503, 504, 0].includes(s));
  assert.deepEqual(unexpected, [], `answers mid-sale: ${during.join(',')}`);

  await assertSeatsBalance(f, saleId);
  const soldFirst = await confirmed();
  assert.ok(soldFirst <= capacity, `oversold: ${soldFirst} confirmed for ${capacity} seats`);
  assert.ok(count(during, 201) <= soldFirst, 'every 201 is a confirmed booking');
  const left = (await f.stack.api.get(`/events/${saleId}`)).body.tiers[0].available as number;
  assert.equal(left, capacity - soldFirst, 'the seats on sale are exactly those not sold');

  // Redis is back: the rest sells exactly once (a short pause first, so no booking process still remembers the tier
  // as sold out from the first wave).
  await new Promise((r) => setTimeout(r, 1_500));
  const second: number[] = [];
  await poll(
    async () => {
      second.push(...(await sale(40)));
      return (await f.stack.api.get(`/events/${saleId}`)).body.tiers[0].available === 0;
    },
    'the rest sold after Redis came back',
    60_000,
  );
  assert.deepEqual(
    second.filter((s) => ![201, 409, 503, 504].includes(s)),
    [],
    `answers after: ${second.join(',')}`,
  );
  assert.equal(count(second, 201), left, `after Redis came back: ${second.join(',')}`);
  assert.equal(await confirmed(), capacity);
  assert.equal((await f.stack.api.get(`/events/${saleId}`)).body.tiers[0].available, 0);
  await assertSeatsBalance(f, saleId);
  recordFault(
    'Redis (private, AOF fsync always) killed for 2 s mid-sale, 100 buyers for 30 seats',
    `first wave ${count(during, 201)}×201, ${count(during, 409)}×409, ${during.length - count(during, 201) - count(during, 409)}× 503/504/cut; ${soldFirst} confirmed, never more than 30; the ${left} left sold exactly once afterwards`,
  );
});

it('the MongoDB-protocol server (FerretDB) restarted mid-journey: 503 while down, then the journey completes', async () => {
  const buyer = await registerUser(f.stack.api);
  const purchase = await createIntent(f, await book(f, eventId, tierId, 1, buyer));
  await f.mongo.kill();
  const statuses: number[] = [];
  try {
    statuses.push(await duringOutage('read booking', () => f.stack.api.get(`/bookings/${purchase.bookingId}`, { token: buyer.token })));
    statuses.push(
      await duringOutage('book', () =>
        f.stack.api.post('/bookings', { eventId, items: [{ tierId, quantity: 1 }] }, { token: buyer.token }),
      ),
    );
    statuses.push(await duringOutage('browse', () => f.stack.api.get('/events')));
    statuses.push(await duringOutage('tickets', () => f.stack.api.get('/tickets', { token: buyer.token })));
    await payAtStripe(f, purchase); // payment (PostgreSQL) takes it; booking cannot confirm until Mongo is back
    await new Promise((r) => setTimeout(r, 1_500));
  } finally {
    await f.mongo.start();
  }
  await assertSettled(f, eventId, { paid: [purchase], cancelled: [] });
  recordFault(
    'FerretDB (private) killed and restarted mid-journey',
    `answers while down: ${statuses.join(', ')}; PaymentSucceeded retried by the bus until booking could store it; tickets issued`,
  );
});

it("PostgreSQL connections of the payment service cut and refused for a while: 503, then Stripe's retried webhook applies", async () => {
  const buyer = await registerUser(f.stack.api);
  const purchase = await book(f, eventId, tierId, 1, buyer);
  const other = await book(f, eventId, tierId, 1);
  const database = `payment_db_${f.stack.plan.runId}`;
  const withIntent = await createIntent(f, other);
  // The shared server keeps running (other test runs use it): only this service's database refuses and drops connections.
  const admin = new pg.Client({ connectionString: postgresUrlFor(f.stack.plan.infra.postgres, 'postgres') });
  await admin.connect();
  await admin.query(`alter database "${database}" allow_connections false`);
  await admin.query('select pg_terminate_backend(pid) from pg_stat_activity where datname = $1', [database]);
  const statuses: number[] = [];
  try {
    statuses.push(
      await duringOutage('payment intent', () =>
        f.stack.api.post('/payments/intents', { bookingId: purchase.bookingId }, { token: buyer.token }),
      ),
    );
    await payAtStripe(f, withIntent); // the webhook gets 503; the stand-in retries like Stripe
    await new Promise((r) => setTimeout(r, 1_000));
  } finally {
    await admin.query(`alter database "${database}" allow_connections true`);
    await admin.end();
  }
  await assertSettled(f, eventId, { paid: [withIntent], cancelled: [] });
  recordFault(
    'PostgreSQL: payment service connections terminated and refused (shared server not restarted)',
    `answers while down: ${statuses.join(', ')}; webhook retried by Stripe, booking confirmed once`,
  );
});
