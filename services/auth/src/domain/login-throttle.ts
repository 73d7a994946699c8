import type { Redis } from 'ioredis';
import { tooManyRequests } from '@eventify/kit';

export interface ThrottleLimits {
  perAccount: number;
  perIp: number;
  windowSeconds: number;
}

/**
 * Failed-login counters in Redis, shared by every replica: too many failures for one account (someone
 * guessing its password) or from one address (someone trying many accounts) and login answers 429 until
 * the window has passed. A successful login clears the account's counter.
 */
export class LoginThrottle {
  constructor(
    private readonly redis: Redis,
    private readonly namespace: string,
    private readonly limits: ThrottleLimits,
  ) {}

  private keys(email: string, ip: string) {
    return {
      account: `${this.namespace}:login-failures:account:${email}`,
      ip: `${this.namespace}:login-failures:ip:${ip}`,
    };
  }

  async assertAllowed(email: string, ip: string): Promise<void> {
    const keys = this.keys(email, ip);
    const [account, byIp] = await Promise.all([this.redis.get(keys.account), this.redis.get(keys.ip)]);
    const blocked =
      (Number(account ?? 0) >= this.limits.perAccount && keys.account) || (Number(byIp ?? 0) >= this.limits.perIp && keys.ip);
    if (blocked) {
      const ttl = await this.redis.ttl(blocked);
      throw tooManyRequests(ttl > 0 ? ttl : this.limits.windowSeconds, 'Too many failed sign-in attempts. Wait a while before trying again.');
    }
  }

  async recordFailure(email: string, ip: string): Promise<void> {
    const keys = this.keys(email, ip);
    await this.redis
      .multi()
      .incr(keys.account)
      .expire(keys.account, this.limits.windowSeconds, 'NX')
      .incr(keys.ip)
      .expire(keys.ip, this.limits.windowSeconds, 'NX')
      .exec();
  }

  async recordSuccess(email: string, ip: string): Promise<void> {
    await this.redis.del(this.keys(email, ip).account);
  }
}
