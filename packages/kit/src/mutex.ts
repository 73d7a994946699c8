import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { serviceUnavailable } from './errors.js';

const RELEASE = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end`;

/**
 * A lock shared by every replica, around read-check-write steps on one document.
 *
 * Why: FerretDB 1.x (our MongoDB-protocol server here) does not make a conditional update atomic —
 * measured: 200 concurrent `findOneAndUpdate({available: {$gte: 1}}, {$inc: {available: -1}})` on a
 * 50-seat document all "succeeded" and 17 seats were left; three concurrent guarded status changes let
 * two or three callers win. Unique-index inserts are atomic there, conditional updates are not. On real
 * MongoDB the conditional update alone is atomic; the lock makes the same code correct on both.
 *
 * The lock expires after `ttlMs` so a crashed holder cannot block forever; keep critical sections short.
 */
export class Mutex {
  constructor(
    private readonly redis: Redis,
    private readonly namespace: string,
  ) {}

  async run<T>(key: string, fn: () => Promise<T>, options: { ttlMs?: number; waitMs?: number } = {}): Promise<T> {
    const lockKey = `${this.namespace}:lock:${key}`;
    const token = randomUUID();
    const ttlMs = options.ttlMs ?? 10_000;
    const deadline = Date.now() + (options.waitMs ?? 15_000);
    let delay = 2;
    while ((await this.redis.set(lockKey, token, 'PX', ttlMs, 'NX')) !== 'OK') {
      if (Date.now() > deadline) throw serviceUnavailable('This resource is busy right now. Try again in a moment.');
      await new Promise((resolve) => setTimeout(resolve, delay + Math.random() * delay));
      delay = Math.min(delay * 2, 40);
    }
    try {
      return await fn();
    } finally {
      await this.redis.eval(RELEASE, 1, lockKey, token).catch(() => undefined);
    }
  }
}
