import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, describe, it } from 'node:test';
import { Redis } from 'ioredis';
import { deleteRedisNamespace, freePort, infraFromEnv } from '@eventify/testing';
import { RateBudget, leaseSize } from '../src/rate-budget.js';

// Two RateBudgets on one Redis are two gateway replicas sharing a limit.
const redisUrl = infraFromEnv().redis;
const namespace = `rate-budget-test-${randomBytes(4).toString('hex')}`;
const clients: Redis[] = [];
const budgets: RateBudget[] = [];
const replica = (windowMs = 60_000, url = redisUrl, errors: unknown[] = []) => {
  const redis = new Redis(url, {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    lazyConnect: url !== redisUrl,
    retryStrategy: () => null,
  });
  redis.on('error', () => undefined);
  clients.push(redis);
  const budget = new RateBudget(redis, `${namespace}:`, windowMs, (error) => errors.push(error));
  budgets.push(budget);
  return budget;
};
const ready = async () =>
  Promise.all(clients.filter((c) => c.status !== 'ready' && !c.options.lazyConnect).map((c) => new Promise((r) => c.once('ready', r))));
after(async () => {
  budgets.forEach((b) => b.close());
  clients.forEach((c) => c.disconnect());
  await deleteRedisNamespace(redisUrl, namespace);
});

describe('rate budget leased from Redis', () => {
  it('never admits more than the limit across replicas, and admits all of it while both are asked', async () => {
    const [a, b] = [replica(), replica()];
    await ready();
    const max = 200;
    const decisions = await Promise.all(Array.from({ length: 600 }, (_, i) => (i % 2 ? a : b).take('ip:1.2.3.4', max)));
    assert.equal(decisions.filter((d) => d.allowed).length, max);
    const refused = decisions.filter((d) => !d.allowed);
    assert.ok(refused.every((d) => d.resetMs > 0 && d.remaining === 0));
    // Leases, not a round trip per request: the shared counter moved in steps of several requests.
    const counted = Number(await clients[0]!.get(`${namespace}:ip:1.2.3.4`));
    assert.ok(counted >= max && counted < 600, `counter ${counted}`);
  });

  it('counts small limits one by one, exactly', async () => {
    assert.equal(leaseSize(20), 1);
    const [a, b] = [replica(), replica()];
    await ready();
    const results = [];
    for (let i = 0; i < 6; i++) results.push((await (i % 2 ? a : b).take('sensitive:5.6.7.8', 3)).allowed);
    assert.deepEqual(results, [true, true, true, false, false, false]);
    // Each replica asks once more after the limit is reached (and is given nothing); then it refuses by itself.
    assert.equal(await clients.at(-1)!.get(`${namespace}:sensitive:5.6.7.8`), '4');
  });

  it('opens again when the window ends', async () => {
    const budget = replica(300);
    await ready();
    assert.equal((await budget.take('user:u1', 1)).allowed, true);
    assert.equal((await budget.take('user:u1', 1)).allowed, false);
    await new Promise((r) => setTimeout(r, 400));
    assert.equal((await budget.take('user:u1', 1)).allowed, true);
  });

  it('lets requests through uncounted when Redis is unreachable (fails open) and says so', async () => {
    const errors: unknown[] = [];
    const budget = replica(60_000, `redis://127.0.0.1:${await freePort()}`, errors);
    const decision = await budget.take('ip:9.9.9.9', 1);
    assert.equal(decision.allowed, true);
    assert.equal(decision.uncounted, true);
    assert.equal((await budget.take('ip:9.9.9.9', 1)).allowed, true);
    assert.ok(errors.length >= 1);
  });
});
