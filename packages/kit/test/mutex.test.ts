import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Mutex, assertLeasesHeld, connectRedis, isAppError, type RedisHandle } from '../src/index.js';
import { infra, uniqueName } from './helpers.js';

let redis: RedisHandle;
const namespace = uniqueName('mutex-test');

before(async () => {
  redis = await connectRedis(infra.redis);
});
after(async () => {
  const keys = await redis.redis.keys(`${namespace}:*`);
  if (keys.length) await redis.redis.del(...keys);
  await redis.close();
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('Mutex.runMany: whichever locks are free, in one round trip', () => {
  it('takes the free keys, skips the busy ones without waiting, and releases what it took', async () => {
    const mutex = new Mutex(redis.redis, namespace);
    let seen: string[] = [];
    await mutex.run('many-b', async () => {
      const started = Date.now();
      await mutex.runMany(['many-a', 'many-b', 'many-c'], async (taken) => {
        seen = taken;
        assert.equal(await redis.redis.exists(`${namespace}:lock:many-a`, `${namespace}:lock:many-c`), 2, 'held while the work runs');
      });
      assert.ok(Date.now() - started < 1_000, 'a busy key is skipped, not waited for');
    });
    assert.deepEqual(seen.sort(), ['many-a', 'many-c']);
    assert.equal(
      await redis.redis.exists(`${namespace}:lock:many-a`, `${namespace}:lock:many-b`, `${namespace}:lock:many-c`),
      0,
      'all released',
    );
  });

  it('refuses to write once any of its leases is lost', async () => {
    const mutex = new Mutex(redis.redis, namespace);
    const outcome = await mutex
      .runMany(
        ['lost-a', 'lost-b'],
        async () => {
          await redis.redis.set(`${namespace}:lock:lost-b`, 'someone else');
          await sleep(250); // a renewal round notices
          assertLeasesHeld();
          return 'wrote';
        },
        { ttlMs: 300 },
      )
      .catch((error: unknown) => (isAppError(error) ? error.status : error));
    assert.equal(outcome, 503);
    assert.equal(await redis.redis.get(`${namespace}:lock:lost-b`), 'someone else', 'the other holder keeps its lock');
  });
});

describe('Mutex with a renewed lease', () => {
  it('keeps the lock for work that runs longer than the lease: nobody else gets in meanwhile', async () => {
    const mutex = new Mutex(redis.redis, namespace);
    let second = 0;
    const first = mutex.run(
      'long',
      async (lease) => {
        await sleep(900); // three times the lease
        lease.assertHeld();
        return Date.now();
      },
      { ttlMs: 300 },
    );
    await sleep(50);
    const contender = mutex.run('long', async () => (second = Date.now()), { ttlMs: 300, waitMs: 5_000 });
    const firstEnded = await first;
    await contender;
    assert.ok(second >= firstEnded, 'the second holder ran only after the first finished');
  });

  it('work stops before writing once the lease is lost (someone else holds the key)', async () => {
    const mutex = new Mutex(redis.redis, namespace);
    const outcome = await mutex
      .run(
        'stolen',
        async (lease) => {
          await redis.redis.set(`${namespace}:lock:stolen`, 'someone else'); // e.g. our lease expired during a pause
          await sleep(250); // a renewal round notices
          assert.equal(lease.signal.aborted, true);
          assertLeasesHeld(); // what repositories call right before writing
          return 'wrote';
        },
        { ttlMs: 300 },
      )
      .catch((error: unknown) => (isAppError(error) ? error.status : error));
    assert.equal(outcome, 503);
    assert.equal(await redis.redis.get(`${namespace}:lock:stolen`), 'someone else', 'the other holder keeps its lock');
  });

  it('refuses to write when renewal could not be confirmed in time (the process was paused)', async () => {
    const mutex = new Mutex(redis.redis, namespace);
    const outcome = await mutex
      .run(
        'paused',
        async (lease) => {
          const until = Date.now() + 400; // block the event loop past the lease: no renewal can run
          while (Date.now() < until) {
            /* a paused process */
          }
          lease.assertHeld();
          return 'wrote';
        },
        { ttlMs: 300 },
      )
      .catch((error: unknown) => (isAppError(error) ? error.status : error));
    assert.equal(outcome, 503);
  });

  it('assertLeasesHeld does nothing outside a locked section', () => {
    assert.doesNotThrow(() => assertLeasesHeld());
  });
});
