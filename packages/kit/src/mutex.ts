import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { Registry } from 'prom-client';
import { serviceUnavailable } from './errors.js';
import { lockMetrics, type LockMetrics } from './metrics.js';

const RELEASE = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end`;
const RENEW = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('pexpire', KEYS[1], ARGV[2]) else return 0 end`;

/** What a locked section holds: check it before every write. */
export interface Lease {
  /** Aborted as soon as the lease is known to be lost (renewal refused, or not confirmed in time). */
  readonly signal: AbortSignal;
  /** Throws 503 unless the lease is certainly still ours for at least the safety margin. */
  assertHeld(): void;
}

const currentLeases = new AsyncLocalStorage<Lease[]>();

/**
 * Call before a write that must happen only under a lock: throws when the caller runs inside a locked
 * section whose lease is lost (or about to be). Outside any locked section it does nothing, so
 * repositories can call it unconditionally.
 */
export function assertLeasesHeld(): void {
  for (const lease of currentLeases.getStore() ?? []) lease.assertHeld();
}

export interface MutexRunOptions {
  /** Lease length; renewed every third of it while the work runs. */
  ttlMs?: number;
  /** How long to wait for the lock before answering 503. */
  waitMs?: number;
}

/**
 * A lock shared by every replica, around read-check-write steps on one document.
 *
 * Why: FerretDB 1.x (our MongoDB-protocol server here) does not make a conditional update atomic —
 * measured: 200 concurrent `findOneAndUpdate({available: {$gte: 1}}, {$inc: {available: -1}})` on a
 * 50-seat document all "succeeded" and 17 seats were left; three concurrent guarded status changes let
 * two or three callers win. Unique-index inserts are atomic there, conditional updates are not. On real
 * MongoDB the conditional update alone is atomic; the lock makes the same code correct on both.
 *
 * Invariant: a holder writes only while its lease is certainly valid. The lease is renewed every
 * `ttlMs / 3` while the work runs, so slow work does not outlive it; if renewal is refused (someone else
 * has the key) or cannot be confirmed (Redis unreachable, the process was paused), `assertHeld()` throws
 * once less than `ttlMs / 5` of the last confirmed lease is left, and `signal` aborts. Repositories call
 * `assertLeasesHeld()` right before writing, and every remote call made under a lock has a timeout
 * (5 s, the service client's) well under the lease (10 s). What remains is the time between that check
 * and the database applying the write (milliseconds, against a margin of 2 s); only fencing tokens in
 * the store could close it, and FerretDB has no atomic conditional write to check one with.
 */
export class Mutex {
  private metrics: LockMetrics | undefined;

  /** `prefix`: where the lock keys go, the service's own Redis prefix (`redisKeys.own`): `<prefix>:lock:<key>`. */
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  /** Count into `registry` (the service's): locks taken, waits given up, leases lost, time waited. */
  instrument(registry: Registry): this {
    this.metrics = lockMetrics(registry);
    return this;
  }

  /**
   * Take whichever of `keys` are free right now, in one round trip (busy ones are skipped, not waited for), and run
   * `fn` with those, each under its own renewed lease (`assertLeasesHeld` checks them all). For batch work whose busy
   * items can wait for its next round (the outbox relay): one round trip for a hundred locks instead of a hundred.
   */
  async runMany<T>(keys: string[], fn: (taken: string[]) => Promise<T>, options: { ttlMs?: number } = {}): Promise<T> {
    const ttlMs = options.ttlMs ?? 10_000;
    const unique = [...new Set(keys)];
    const tokens = unique.map(() => randomUUID());
    const askedAt = Date.now();
    const acquiring = this.redis.pipeline();
    unique.forEach((key, i) => acquiring.set(`${this.prefix}:lock:${key}`, tokens[i]!, 'PX', ttlMs, 'NX'));
    const replies = (await acquiring.exec()) ?? [];
    const taken = unique.flatMap((key, i) => (replies[i]?.[1] === 'OK' ? [{ key, token: tokens[i]! }] : []));
    this.metrics?.acquired.inc(taken.length);
    const leases = taken.map(
      ({ key, token }) => new RenewedLease(this.redis, `${this.prefix}:lock:${key}`, token, ttlMs, askedAt, () => this.metrics?.lost.inc()),
    );
    try {
      return await currentLeases.run([...(currentLeases.getStore() ?? []), ...leases], () => fn(taken.map((t) => t.key)));
    } finally {
      for (const lease of leases) lease.end();
      if (taken.length) {
        const releasing = this.redis.pipeline();
        for (const { key, token } of taken) releasing.eval(RELEASE, 1, `${this.prefix}:lock:${key}`, token);
        await releasing.exec().catch(() => undefined);
      }
    }
  }

  async run<T>(key: string, fn: (lease: Lease) => Promise<T>, options: MutexRunOptions = {}): Promise<T> {
    const lockKey = `${this.prefix}:lock:${key}`;
    const token = randomUUID();
    const ttlMs = options.ttlMs ?? 10_000;
    const deadline = Date.now() + (options.waitMs ?? 15_000);
    let delay = 2;
    const started = performance.now();
    for (;;) {
      const askedAt = Date.now();
      if ((await this.redis.set(lockKey, token, 'PX', ttlMs, 'NX')) === 'OK') {
        this.metrics?.waitSeconds.observe((performance.now() - started) / 1000);
        this.metrics?.acquired.inc();
        const lease = new RenewedLease(this.redis, lockKey, token, ttlMs, askedAt, () => this.metrics?.lost.inc());
        try {
          return await currentLeases.run([...(currentLeases.getStore() ?? []), lease], () => fn(lease));
        } finally {
          lease.end();
          await this.redis.eval(RELEASE, 1, lockKey, token).catch(() => undefined);
        }
      }
      if (Date.now() > deadline) {
        this.metrics?.waitSeconds.observe((performance.now() - started) / 1000);
        this.metrics?.busy.inc();
        throw serviceUnavailable('This resource is busy right now. Try again in a moment.');
      }
      await new Promise((resolve) => setTimeout(resolve, delay + Math.random() * delay));
      delay = Math.min(delay * 2, 40);
    }
  }
}

class RenewedLease implements Lease {
  private readonly controller = new AbortController();
  private readonly timer: NodeJS.Timeout;
  /** The lease is ours until then at least: counted from when we *asked*, so Redis latency only shortens it. */
  private validUntil: number;

  constructor(
    private readonly redis: Redis,
    private readonly key: string,
    private readonly token: string,
    private readonly ttlMs: number,
    askedAt: number,
    private readonly onLost: () => void,
  ) {
    this.validUntil = askedAt + ttlMs;
    this.timer = setInterval(() => void this.renew(), Math.max(10, Math.floor(ttlMs / 3)));
    this.timer.unref();
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  assertHeld(): void {
    if (this.controller.signal.aborted || Date.now() > this.validUntil - this.ttlMs / 5) {
      this.lose();
      throw serviceUnavailable('The lock on this resource was lost while working on it; nothing was changed. Try again.');
    }
  }

  end(): void {
    clearInterval(this.timer);
  }

  private lose(): void {
    clearInterval(this.timer);
    if (this.controller.signal.aborted) return;
    this.onLost();
    this.controller.abort(new Error(`lease on ${this.key} lost`));
  }

  private async renew(): Promise<void> {
    const askedAt = Date.now();
    if (askedAt > this.validUntil) return this.lose();
    try {
      const renewed = await this.redis.eval(RENEW, 1, this.key, this.token, String(this.ttlMs));
      if (renewed === 1) this.validUntil = askedAt + this.ttlMs;
      else this.lose();
    } catch {
      // Not confirmed: validUntil stays where it was, and assertHeld() refuses once it is near.
    }
  }
}
