import assert from 'node:assert/strict';
import { it } from 'node:test';
import pg from 'pg';
import { postgresUrlFor, registerUser, type HttpResult } from '@eventify/testing';
import { recordFault, type FaultStack } from './support/fault-stack.js';
import { assertSettled, faultStackWithEvent, book, createIntent, payAtStripe } from './support/journey.js';

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
    statuses.push(await duringOutage('book', () => f.stack.api.post('/bookings', { eventId, items: [{ tierId, quantity: 1 }] }, { token: buyer.token })));
    statuses.push(await duringOutage('cancel', () => f.stack.api.post(`/bookings/${purchase.bookingId}/cancel`, undefined, { token: buyer.token })));
    statuses.push(await duringOutage('read booking', () => f.stack.api.get(`/bookings/${purchase.bookingId}`, { token: buyer.token }), [200]));
    statuses.push(await duringOutage('read event', () => f.stack.api.get(`/events/${eventId}`), [200]));
    // Paid at Stripe while Redis is down: the payment is stored with its event, which waits in the outbox.
    await payAtStripe(f, purchase);
    await new Promise((r) => setTimeout(r, 1_500));
  } finally {
    await f.redis.start();
  }
  await assertSettled(f, eventId, { paid: [purchase], cancelled: [] });
  recordFault('Redis (private, AOF fsync always) killed and restarted mid-journey', `answers while down: ${statuses.join(', ')} (503 problem+json or unaffected 200); payment kept in the outbox, booking confirmed with tickets after restart`);
});

it('the MongoDB-protocol server (FerretDB) restarted mid-journey: 503 while down, then the journey completes', async () => {
  const buyer = await registerUser(f.stack.api);
  const purchase = await createIntent(f, await book(f, eventId, tierId, 1, buyer));
  await f.mongo.kill();
  const statuses: number[] = [];
  try {
    statuses.push(await duringOutage('read booking', () => f.stack.api.get(`/bookings/${purchase.bookingId}`, { token: buyer.token })));
    statuses.push(await duringOutage('book', () => f.stack.api.post('/bookings', { eventId, items: [{ tierId, quantity: 1 }] }, { token: buyer.token })));
    statuses.push(await duringOutage('browse', () => f.stack.api.get('/events')));
    statuses.push(await duringOutage('tickets', () => f.stack.api.get('/tickets', { token: buyer.token })));
    await payAtStripe(f, purchase); // payment (PostgreSQL) takes it; booking cannot confirm until Mongo is back
    await new Promise((r) => setTimeout(r, 1_500));
  } finally {
    await f.mongo.start();
  }
  await assertSettled(f, eventId, { paid: [purchase], cancelled: [] });
  recordFault('FerretDB (private) killed and restarted mid-journey', `answers while down: ${statuses.join(', ')}; PaymentSucceeded retried by the bus until booking could store it; tickets issued`);
});

it('PostgreSQL connections of the payment service cut and refused for a while: 503, then Stripe\'s retried webhook applies', async () => {
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
    statuses.push(await duringOutage('payment intent', () => f.stack.api.post('/payments/intents', { bookingId: purchase.bookingId }, { token: buyer.token })));
    await payAtStripe(f, withIntent); // the webhook gets 503; the stand-in retries like Stripe
    await new Promise((r) => setTimeout(r, 1_000));
  } finally {
    await admin.query(`alter database "${database}" allow_connections true`);
    await admin.end();
  }
  await assertSettled(f, eventId, { paid: [withIntent], cancelled: [] });
  recordFault('PostgreSQL: payment service connections terminated and refused (shared server not restarted)', `answers while down: ${statuses.join(', ')}; webhook retried by Stripe, booking confirmed once`);
});
