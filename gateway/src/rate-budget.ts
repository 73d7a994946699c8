import type { Redis } from 'ioredis';

/**
 * Shared rate-limit budgets without a Redis round trip per request.
 *
 * Each key has one counter in Redis per window (fixed window, started by the key's first request, as before).
 * A gateway replica does not count every request there: it takes a *lease* of several requests at once (one
 * atomic INCRBY) and admits from it locally until it is used up, then leases again. Because every lease is carved
 * out of the one shared counter, all replicas together never admit more than `max` per window: the limit is
 * exact upwards. What is approximate is the other side: tokens one replica leased but did not use are not
 * available to the others, so a key may be refused early by at most what the other replicas hold unused, at most
 * `leaseSize(max)` each (≤ max/16, ≤ 64). Leases shrink as the budget runs out, down to one request: small
 * limits (sign-in: 20 a minute) and the last requests of any budget are counted one by one, as before.
 * Once a key's counter has reached `max`, the replica refuses it locally until the window ends: a flood
 * costs no Redis traffic at all.
 */

/** Lease at most this many requests at once, and at most 1/16 of what was left of the budget. */
const MAX_LEASE = 64;
const LEASE_SHARE = 16;

/**
 * Keys remembered at most: a flood from many addresses must not grow the map without bound. Forgetting a key is
 * safe both ways: its unused lease is lost (fewer admitted, never more), and a key known to be used up is asked
 * about once more (Redis still says it is).
 */
const MAX_KEYS = 100_000;

export const leaseSize = (remaining: number) => Math.max(1, Math.min(MAX_LEASE, Math.floor(remaining / LEASE_SHARE)));

/** INCRBY the counter; start its window on first use. Returns the new count and the window's time left (ms). */
const LEASE_SCRIPT = `
local count = redis.call('INCRBY', KEYS[1], ARGV[1])
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
  ttl = tonumber(ARGV[2])
end
return { count, ttl }`;

export interface Decision {
  allowed: boolean;
  max: number;
  /** Requests left in the window, as far as this replica knows (the others may have used some). */
  remaining: number;
  /** Until the window ends, in ms. */
  resetMs: number;
  /** The store could not be asked: the request is let through without counting (fail open). */
  uncounted?: boolean;
}

interface Lease {
  /** Leased, not yet used. */
  left: number;
  /** The shared counter after our last lease. */
  count: number;
  endsAt: number;
  /** A lease request in flight: others wait for it instead of asking Redis too. */
  pending?: Promise<void> | undefined;
}

type LeasingRedis = Redis & { rateLease(key: string, by: number, windowMs: number): Promise<[number, number]> };

export class RateBudget {
  private readonly leases = new Map<string, Lease>();
  private readonly redis: LeasingRedis;
  private readonly sweeper: NodeJS.Timeout;

  constructor(
    redis: Redis,
    private readonly prefix: string,
    private readonly windowMs: number,
    /** Told when the store fails (the request is admitted uncounted). */
    private readonly onError: (error: unknown) => void,
  ) {
    redis.defineCommand('rateLease', { numberOfKeys: 1, lua: LEASE_SCRIPT });
    this.redis = redis as LeasingRedis;
    // Forget windows that have ended, so many one-off addresses do not pile up.
    this.sweeper = setInterval(() => this.sweep(), Math.min(windowMs, 10_000));
    this.sweeper.unref();
  }

  /** Counts one request against `key` (limit `max` per window) and says whether it may go on. */
  async take(key: string, max: number): Promise<Decision> {
    for (;;) {
      const now = Date.now();
      let lease = this.leases.get(key);
      if (lease && lease.endsAt <= now && !lease.pending) {
        this.leases.delete(key);
        lease = undefined;
      }
      if (lease?.pending) {
        await lease.pending;
        continue;
      }
      const resetMs = lease ? lease.endsAt - now : this.windowMs;
      if (lease && lease.left > 0) {
        lease.left--;
        return { allowed: true, max, remaining: Math.max(0, max - lease.count + lease.left), resetMs };
      }
      if (lease && lease.count >= max) return { allowed: false, max, remaining: 0, resetMs };
      const taken = await this.lease(key, max, lease);
      if (taken) return taken;
    }
  }

  /** Asks Redis for more of the budget; a Decision only when the store failed (fail open). */
  private async lease(key: string, max: number, previous: Lease | undefined): Promise<Decision | undefined> {
    const by = leaseSize(max - (previous?.count ?? 0));
    const lease: Lease = previous ?? { left: 0, count: 0, endsAt: Date.now() + this.windowMs };
    if (!previous && this.leases.size >= MAX_KEYS) this.leases.delete(this.leases.keys().next().value!);
    this.leases.set(key, lease);
    let failed: unknown;
    lease.pending = this.redis.rateLease(this.prefix + key, by, this.windowMs).then(
      ([count, ttl]) => {
        // Only what fits under the limit is ours; the rest of the lease is spent counter (the key is used up).
        lease.left += Math.max(0, Math.min(by, max - (count - by)));
        lease.count = count;
        lease.endsAt = Date.now() + Number(ttl);
        lease.pending = undefined;
      },
      (error: unknown) => {
        failed = error;
        lease.pending = undefined;
        this.leases.delete(key);
      },
    );
    await lease.pending;
    if (failed === undefined) return undefined;
    this.onError(failed);
    return { allowed: true, max, remaining: max, resetMs: this.windowMs, uncounted: true };
  }

  private sweep(): void {
    const now = Date.now();
    for (const [key, lease] of this.leases) if (lease.endsAt <= now && !lease.pending) this.leases.delete(key);
  }

  close(): void {
    clearInterval(this.sweeper);
  }
}
