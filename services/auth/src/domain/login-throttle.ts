import type { Redis } from 'ioredis';
import { tooManyRequests } from '@eventify/kit';
import { loginDelaySeconds, type DelaySchedule } from './login-delay.js';

export interface ThrottleLimits extends DelaySchedule {
  perIp: number;
  windowSeconds: number;
}

/**
 * Failed-login bookkeeping in Redis, shared by every replica.
 * - Per client address: too many failures from one address (someone trying many accounts) and login answers
 *   429 until the window has passed.
 * - Per account, from any address: no lock. After a few failures each further attempt must wait a growing,
 *   capped time (login-delay.ts). The wait is a key with a TTL; an attempt claims it atomically (SET NX), so
 *   parallel guesses in the same instant do not all get through. A successful login clears the account's state.
 */
export class LoginThrottle {
  constructor(
    private readonly redis: Redis,
    private readonly namespace: string,
    private readonly limits: ThrottleLimits,
  ) {}

  private keys(email: string, ip: string) {
    const prefix = `${this.namespace}:login-failures`;
    return { account: `${prefix}:account:${email}`, wait: `${prefix}:wait:${email}`, ip: `${prefix}:ip:${ip}` };
  }

  async assertAllowed(email: string, ip: string): Promise<void> {
    const keys = this.keys(email, ip);
    const [byIp, account] = await Promise.all([this.redis.get(keys.ip), this.redis.get(keys.account)]);
    if (Number(byIp ?? 0) >= this.limits.perIp) {
      const ttl = await this.redis.ttl(keys.ip);
      throw tooManyRequests(
        ttl > 0 ? ttl : this.limits.windowSeconds,
        'Too many failed sign-in attempts from your network. Wait a while before trying again.',
      );
    }
    const delay = loginDelaySeconds(Number(account ?? 0), this.limits);
    if (delay === 0) return;
    // This attempt takes the slot; until it expires, others for the account wait (no password is checked).
    if ((await this.redis.set(keys.wait, '1', 'EX', delay, 'NX')) === 'OK') return;
    const ttl = await this.redis.ttl(keys.wait);
    const seconds = ttl > 0 ? ttl : delay;
    throw tooManyRequests(seconds, `Too many failed sign-in attempts for this account. Try again in ${seconds} s.`);
  }

  async recordFailure(email: string, ip: string): Promise<void> {
    const keys = this.keys(email, ip);
    const [[, failures]] = (await this.redis
      .multi()
      .incr(keys.account)
      .expire(keys.account, this.limits.windowSeconds)
      .incr(keys.ip)
      .expire(keys.ip, this.limits.windowSeconds, 'NX')
      .exec()) as [[null, number], ...unknown[]];
    // The wait before the next attempt starts now, whatever slot this attempt had claimed.
    const delay = loginDelaySeconds(failures, this.limits);
    if (delay > 0) await this.redis.set(keys.wait, '1', 'EX', delay);
  }

  async recordSuccess(email: string, ip: string): Promise<void> {
    const keys = this.keys(email, ip);
    await this.redis.del(keys.account, keys.wait);
  }
}
