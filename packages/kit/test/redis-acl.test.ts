import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Redis } from 'ioredis';
import {
  CONSUMES,
  PUBLISHER,
  REDIS_CLIENTS,
  SERVICE_NAMES,
  redisKeys,
  redisUsername,
  type Deployable,
  type EventType,
} from '@eventify/contracts';
import { createRedisUsers, deleteRedisNamespace, dropRedisUsers } from '@eventify/testing';
import { EventBus, Mutex, connectRedis, type RedisHandle } from '../src/index.js';
import { eventually, infra, uniqueName } from './helpers.js';

// Each deployable connects to Redis as its own ACL user (rules: packages/contracts/src/redis-acl.ts). These tests
// ask the real server, as those users, what they may do.
const namespace = uniqueName('acl-test');
let urls: Record<Deployable, string>;
let admin: Redis;
const handles: RedisHandle[] = [];
const connectAs = async (who: Deployable) => {
  const handle = await connectRedis(urls[who]);
  handles.push(handle);
  return handle;
};
const refused = (promise: Promise<unknown>) => assert.rejects(promise, /NOPERM/);
const stream = (type: EventType) => redisKeys.stream(namespace, type);

before(async () => {
  urls = await createRedisUsers(infra.redis, namespace);
  admin = new Redis(infra.redis);
});
after(async () => {
  await Promise.all(handles.map((h) => h.close()));
  admin.disconnect();
  await deleteRedisNamespace(infra.redis, namespace);
  await dropRedisUsers(infra.redis, namespace);
});

describe('per-service Redis users', () => {
  it('a cross-service stream write is refused by Redis: notification cannot publish PaymentSucceeded, payment can', async () => {
    const notification = await connectAs('notification');
    const payment = await connectAs('payment');
    const forged = JSON.stringify({ id: 'forged', type: 'PaymentSucceeded', data: {} });
    await refused(notification.redis.xadd(stream('PaymentSucceeded'), '*', 'event', forged));
    // The bus without the contracts' check (as a compromised service would run it): Redis itself says no.
    const rogue = new EventBus({ redis: notification.redis, namespace, source: 'notification' });
    const paid = { paymentId: 'p1', bookingId: 'b1', userId: 'u1', paymentIntentId: 'pi_1', amount: 1000, currency: 'EUR' };
    await refused(rogue.publish('PaymentSucceeded', paid));
    await rogue.stop();
    const genuine = new EventBus({ redis: payment.redis, namespace, source: 'payment' });
    await genuine.publish('PaymentSucceeded', paid);
    await genuine.stop();
    assert.equal(await admin.xlen(stream('PaymentSucceeded')), 1, 'only the genuine event is on the stream');
  });

  it('a consumer runs its group on a stream it consumes (create, read, acknowledge, dead-letter) but cannot add, trim or delete there', async () => {
    const booking = await connectAs('booking');
    const payment = await connectAs('payment');
    const seen: string[] = [];
    const consumer = new EventBus({
      redis: booking.redis,
      blockingRedis: booking.duplicate(),
      namespace,
      source: 'booking',
      group: 'booking',
      claimIdleMs: 200,
      maxAttempts: 1,
    });
    consumer.subscribe('PaymentFailed', async ({ data }) => {
      seen.push(data.bookingId);
      if (data.bookingId === 'poison') throw new Error('cannot handle this one');
    });
    await consumer.start(); // XGROUP CREATE … MKSTREAM on a stream booking does not own
    const publisher = new EventBus({ redis: payment.redis, namespace, source: 'payment' });
    const failed = (bookingId: string) => ({
      paymentId: `p-${bookingId}`,
      bookingId,
      userId: 'u1',
      paymentIntentId: 'pi_2',
      reason: 'card_declined',
    });
    await publisher.publish('PaymentFailed', failed('b2'));
    await publisher.publish('PaymentFailed', failed('poison'));
    await eventually(() => seen.length === 2, 10_000, 'both events delivered');
    // Acknowledged, marked processed and dead-lettered under booking's own prefix.
    await eventually(
      async () => (await admin.xlen(consumer.deadLetterKey())) === 1 || undefined,
      10_000,
      'the failing event dead-lettered',
    );
    await eventually(
      async () => Number((await admin.xpending(stream('PaymentFailed'), 'booking'))[0]) === 0 || undefined,
      10_000,
      'nothing pending',
    );
    await consumer.stop();
    await publisher.stop();
    await refused(booking.redis.xadd(stream('PaymentFailed'), '*', 'event', '{}'));
    await refused(booking.redis.xtrim(stream('PaymentFailed'), 'MAXLEN', 0));
    await refused(booking.redis.del(stream('PaymentFailed')));
    await refused(booking.redis.xgroup('DESTROY', stream('PaymentFailed'), 'notification'));
    // Its own streams it writes, and trims.
    await booking.redis.xadd(stream('BookingConfirmed'), '*', 'event', '{}');
    await booking.redis.xtrim(stream('BookingConfirmed'), 'MAXLEN', 0);
  });

  it("a service reaches its own private keys only: not another service's locks or caches, nor a listing of keys", async () => {
    const qr = await connectAs('qr');
    const auth = await connectAs('auth');
    await new Mutex(qr.redis, redisKeys.own(namespace, 'qr')).run('ticket-set:1', async () => undefined);
    await qr.redis.set(`${redisKeys.own(namespace, 'qr')}:event-access:e1`, '{}', 'EX', 30);
    await refused(auth.redis.get(`${redisKeys.own(namespace, 'qr')}:event-access:e1`));
    await refused(new Mutex(auth.redis, redisKeys.own(namespace, 'qr')).run('ticket-set:1', async () => undefined));
    await refused(qr.redis.set(`${redisKeys.own(namespace, 'auth')}:login-failures:ip:1.2.3.4`, '99'));
    await refused(qr.redis.keys('*'));
    await refused(qr.redis.scan('0'));
    await refused(qr.redis.flushall());
    await refused(qr.redis.eval("return redis.call('set', KEYS[1], 'x')", 1, `${redisKeys.own(namespace, 'auth')}:x`));
    await refused(qr.redis.call('ACL', 'SETUSER', redisUsername(namespace, 'qr'), '~*'));
  });

  it('the gateway touches its rate-limit counters and no stream', async () => {
    const gateway = await connectAs('gateway');
    await gateway.redis.incr(`${redisKeys.own(namespace, 'gateway')}:ratelimit:ip:1.2.3.4`);
    await refused(gateway.redis.xadd(stream('UserRegistered'), '*', 'event', '{}'));
    await refused(gateway.redis.get(`${redisKeys.own(namespace, 'auth')}:login-failures:ip:1.2.3.4`));
  });

  it('every user may add to exactly the streams of the events it publishes, and read exactly those it consumes', async () => {
    const types = Object.keys(PUBLISHER) as EventType[];
    const allowed = async (who: Deployable, ...command: string[]) =>
      (await admin.call('ACL', 'DRYRUN', redisUsername(namespace, who), ...command)) === 'OK';
    for (const who of REDIS_CLIENTS) {
      for (const type of types) {
        const publishes = PUBLISHER[type] === who;
        const consumes = who !== 'gateway' && CONSUMES[who].includes(type);
        assert.equal(await allowed(who, 'XADD', stream(type), '*', 'event', '{}'), publishes, `${who} XADD ${type}`);
        assert.equal(
          await allowed(who, 'XREADGROUP', 'GROUP', who, 'c', 'STREAMS', stream(type), '>'),
          publishes || consumes,
          `${who} XREADGROUP ${type}`,
        );
        assert.equal(await allowed(who, 'XACK', stream(type), who, '0-1'), publishes || consumes, `${who} XACK ${type}`);
      }
      for (const other of REDIS_CLIENTS) {
        assert.equal(
          await allowed(who, 'SET', `${redisKeys.own(namespace, other)}:lock:x`, 'v'),
          who === other,
          `${who} SET ${other}'s key`,
        );
      }
    }
    assert.equal(SERVICE_NAMES.length + 1, REDIS_CLIENTS.length);
  });
});
