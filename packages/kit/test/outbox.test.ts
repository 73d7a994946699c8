import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { MongoClient, type Db } from 'mongodb';
import pg from 'pg';
import type { IntegrationEvent } from '@eventify/contracts';
import {
  EventBus,
  Mutex,
  OutboxRelay,
  PostgresOutbox,
  connectPostgres,
  connectRedis,
  outboxEvent,
  pushOutbox,
  withOutbox,
  type RedisHandle,
  type WithOutbox,
} from '../src/index.js';
import { eventually, infra, uniqueName, withDatabase } from './helpers.js';

interface Order extends WithOutbox {
  _id: string;
  status: string;
}

let mongo: MongoClient;
let db: Db;
let redis: RedisHandle;
const namespace = uniqueName('outbox-test');
const dbName = uniqueName('outbox_test');

before(async () => {
  mongo = await MongoClient.connect(withDatabase(infra.mongo, dbName));
  db = mongo.db();
  redis = await connectRedis(infra.redis);
});

after(async () => {
  await db.dropDatabase().catch(() => undefined);
  await mongo.close();
  const keys = await redis.redis.keys(`${namespace}:*`);
  if (keys.length) await redis.redis.del(...keys);
  await redis.close();
});

const bus = () => new EventBus({ redis: redis.redis, namespace, source: 'orders' });
const streamed = async (type: string) =>
  (await redis.redis.xrange(`${namespace}:stream:${type}`, '-', '+')).map(([, fields]) => JSON.parse(fields[1]!) as IntegrationEvent);

describe('MongoDB outbox: events stored in the changed document', () => {
  it('publishes what a crashed process stored but never published, in order, with the stored ids, then removes it', async () => {
    const orders = db.collection<Order>('orders');
    const mutex = new Mutex(redis.redis, namespace);
    // The "crashed" process: the state change and its events are written; it dies before any relay ran.
    const placed = outboxEvent('BookingCreated', {
      bookingId: 'o1',
      userId: 'u',
      eventId: 'e',
      status: 'pending_payment',
      amount: 1,
      currency: 'EUR',
      expiresAt: null,
    });
    await orders.insertOne(withOutbox({ _id: 'o1', status: 'placed' }, [placed]));
    const confirmed = outboxEvent('BookingConfirmed', {
      bookingId: 'o1',
      userId: 'u',
      eventId: 'e',
      items: [],
      amount: 1,
      currency: 'EUR',
      confirmedAt: new Date().toISOString(),
    });
    await orders.updateOne({ _id: 'o1' }, pushOutbox<Order>({ $set: { status: 'confirmed' } }, [confirmed]));
    assert.equal((await streamed('BookingCreated')).length, 0);

    // The restarted process: its relay's first scan finds and publishes them.
    const relay = new OutboxRelay(bus(), { intervalMs: 60_000 });
    relay.mongo(orders, { mutex, lockKey: (id) => `order:${id}` });
    await relay.start();
    await eventually(async () => (await orders.findOne({ _id: 'o1' }))?.outboxPending === undefined, 5_000, 'outbox emptied');
    await relay.stop();
    const [created] = await streamed('BookingCreated');
    const [confirmedOnBus] = await streamed('BookingConfirmed');
    assert.equal(created!.id, placed.id);
    assert.equal(confirmedOnBus!.id, confirmed.id);
    assert.ok(created!.occurredAt <= confirmedOnBus!.occurredAt);
    const document = await orders.findOne({ _id: 'o1' });
    assert.equal(document!.status, 'confirmed');
    assert.equal(document!.outbox, undefined);
  });

  it('a change kicked by its writer is published at once, and nothing is published twice by one relay', async () => {
    const orders = db.collection<Order>('kicked');
    const relay = new OutboxRelay(bus(), { intervalMs: 60_000 });
    const outbox = relay.mongo(orders);
    await relay.start();
    for (let i = 0; i < 5; i++) {
      const event = outboxEvent('EventStaffChanged', { eventId: `k${i}`, staffIds: [] });
      await orders.insertOne(withOutbox({ _id: `k${i}`, status: 'new' }, [event]));
      outbox.changed(`k${i}`);
    }
    await eventually(async () => (await streamed('EventStaffChanged')).length >= 5, 5_000, 'five published');
    await relay.idle();
    await relay.stop();
    const ids = (await streamed('EventStaffChanged')).map((e) => (e.data as { eventId: string }).eventId);
    assert.deepEqual([...ids].sort(), ['k0', 'k1', 'k2', 'k3', 'k4']);
  });

  it('relays many locked documents in one batch, and one whose lock is busy as soon as its writer lets go', async () => {
    const orders = db.collection<Order>('batched');
    const mutex = new Mutex(redis.redis, namespace);
    const relay = new OutboxRelay(bus(), { intervalMs: 60_000 }); // no scan: only kicks and the busy retry
    const outbox = relay.mongo(orders, { mutex, lockKey: (id) => `batched:${id}` });
    await relay.start();
    await mutex.run('batched:b-busy', async () => {
      for (const id of ['b-busy', ...Array.from({ length: 150 }, (_, i) => `b${i}`)]) {
        await orders.insertOne(withOutbox({ _id: id, status: 'new' }, [outboxEvent('EventStaffChanged', { eventId: id, staffIds: [] })]));
        outbox.changed(id);
      }
      await eventually(async () => (await orders.countDocuments({ outboxPending: true })) === 1, 10_000, 'all but the locked one relayed');
      await new Promise((r) => setTimeout(r, 200));
      assert.equal((await orders.findOne({ _id: 'b-busy' }))!.outboxPending, true, 'not while its writer holds the lock');
    });
    await eventually(
      async () => (await orders.countDocuments({ outboxPending: true })) === 0,
      5_000,
      'the busy one relayed once its lock was free',
    );
    await relay.stop();
    const ids = (await streamed('EventStaffChanged'))
      .map((e) => (e.data as { eventId: string }).eventId)
      .filter((id) => id.startsWith('b'));
    assert.equal(ids.length, 151);
    assert.equal(new Set(ids).size, 151, 'each published once');
  });

  it('keeps events while the bus is unreachable and publishes them once it is back', async () => {
    const orders = db.collection<Order>('outage');
    const broken = await connectRedis(infra.redis);
    const brokenBus = new EventBus({ redis: broken.redis, namespace, source: 'orders' });
    const relay = new OutboxRelay(brokenBus, { intervalMs: 100 });
    relay.mongo(orders);
    await orders.insertOne(
      withOutbox({ _id: 'x', status: 'new' }, [outboxEvent('EventStaffChanged', { eventId: 'outage', staffIds: [] })]),
    );
    broken.redis.disconnect(); // every publish fails now
    await relay.start();
    await new Promise((r) => setTimeout(r, 300));
    assert.equal((await orders.findOne({ _id: 'x' }))!.outboxPending, true);
    await broken.redis.connect();
    await eventually(async () => (await orders.findOne({ _id: 'x' }))!.outboxPending === undefined, 5_000, 'published after the outage');
    await relay.stop();
    await broken.close();
    assert.ok((await streamed('EventStaffChanged')).some((e) => (e.data as { eventId: string }).eventId === 'outage'));
  });
});

describe('PostgreSQL outbox', () => {
  it('stores an event only with its committed transaction and publishes it', async () => {
    const name = uniqueName('outbox_pg');
    const admin = new pg.Client({ connectionString: infra.postgres });
    await admin.connect();
    await admin.query(`create database "${name}"`);
    // The kit's pool: a client still closing when the database is dropped hears "terminating connection", and
    // that must not count as the test's error.
    const { pool } = await connectPostgres(withDatabase(infra.postgres, name));
    try {
      await pool.query(
        'create table outbox (id uuid primary key, type text not null, payload jsonb not null, occurred_at timestamptz not null default now(), published_at timestamptz, request_id text, traceparent text)',
      );
      const relay = new OutboxRelay(bus(), { intervalMs: 60_000 });
      const outbox = relay.add(new PostgresOutbox(pool, () => relay.kick()));
      const client = await pool.connect();
      await client.query('begin');
      await outbox.add(client, 'PaymentFailed', {
        paymentId: 'rolled-back',
        bookingId: 'b',
        userId: 'u',
        paymentIntentId: 'pi',
        reason: 'r',
      });
      await client.query('rollback');
      await client.query('begin');
      await outbox.add(client, 'PaymentFailed', {
        paymentId: 'committed',
        bookingId: 'b',
        userId: 'u',
        paymentIntentId: 'pi',
        reason: 'r',
      });
      await client.query('commit');
      client.release();
      await relay.start();
      await eventually(
        async () => (await pool.query('select 1 from outbox where published_at is null')).rowCount === 0,
        5_000,
        'published',
      );
      await relay.stop();
      const published = (await streamed('PaymentFailed')).map((e) => (e.data as { paymentId: string }).paymentId);
      assert.deepEqual(published, ['committed']);
    } finally {
      await pool.end();
      await admin.query(`drop database if exists "${name}" with (force)`);
      await admin.end();
    }
  });
});
