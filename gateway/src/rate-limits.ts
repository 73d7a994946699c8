import type { FastifyReply, FastifyRequest } from 'fastify';
import { Redis } from 'ioredis';
import { redisKeys } from '@eventify/contracts';
import { tooManyRequests, type App } from '@eventify/kit';
import { clientAddress } from './client-address.js';
import type { GatewayConfig } from './config.js';
import { isSensitiveRoute, isServicePath, pathOf } from './public-routes.js';
import { RateBudget } from './rate-budget.js';

type Hook = (request: FastifyRequest, reply: FastifyReply) => Promise<void>;

export interface RateLimitHooks {
  /** Per client address (and the stricter limit on sign-in/sign-up/recovery): runs before any token is checked. */
  byAddress: Hook;
  /** Per signed-in user: runs once the token is verified. */
  byUser: Hook;
  /** Per client address, for a route of the gateway's own (the API docs): a route-level hook, off the proxy's path. */
  ownRoute: Hook;
}

/**
 * Counters live in Redis, so every gateway replica shares them; each replica leases a few requests of a budget
 * at a time instead of asking Redis about every request (rate-budget.ts: never more than the limit across
 * replicas, one round trip per lease). Counting by address comes first, so a flood of forged tokens is
 * throttled like any other traffic. When Redis is unreachable the gateway keeps serving without limits (fail
 * open) and says so in the log.
 */
export async function createRateLimits(app: App, config: GatewayConfig): Promise<RateLimitHooks> {
  const redis = new Redis(config.REDIS_URL, {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    connectTimeout: 1_000,
    retryStrategy: (times) => Math.min(times * 500, 5_000),
  });
  let lastWarned = 0;
  const warn = (error: unknown) => {
    if (Date.now() - lastWarned < 30_000) return;
    lastWarned = Date.now();
    app.log.warn({ err: error }, 'rate limiting is off: Redis is unreachable (failing open)');
  };
  redis.on('error', warn);
  // Under the gateway's own prefix: its Redis user may touch nothing else (contracts' redis-acl.ts).
  const budget = new RateBudget(redis, `${redisKeys.own(config.REDIS_NAMESPACE, 'gateway')}:ratelimit:`, config.RATE_LIMIT_WINDOW_MS, warn);
  app.addHook('onClose', async () => {
    budget.close();
    redis.disconnect();
  });

  const maxFor = (key: string) => {
    if (key.startsWith('sensitive:')) return config.RATE_LIMIT_SENSITIVE_MAX;
    if (key.startsWith('user:')) return config.RATE_LIMIT_USER_MAX;
    return config.RATE_LIMIT_IP_MAX;
  };
  const enforce = async (request: FastifyRequest, reply: FastifyReply, key: string) => {
    const decision = await budget.take(key, maxFor(key));
    if (decision.uncounted) return;
    const resetSeconds = Math.max(1, Math.ceil(decision.resetMs / 1000));
    if (!decision.allowed) {
      request.log.info({ bucket: key.split(':')[0] }, 'rate limit exceeded');
      throw tooManyRequests(resetSeconds, `Too many requests. Try again in ${resetSeconds} s.`);
    }
    reply.header('x-ratelimit-limit', decision.max);
    reply.header('x-ratelimit-remaining', decision.remaining);
    reply.header('x-ratelimit-reset', resetSeconds);
  };
  const limited = (request: FastifyRequest) => request.method !== 'OPTIONS' && isServicePath(pathOf(request.url));

  return {
    byAddress: async (request, reply) => {
      if (!limited(request)) return;
      const address = clientAddress(request, config.TRUST_PROXY);
      await enforce(request, reply, `ip:${address}`);
      if (isSensitiveRoute(request.method, pathOf(request.url))) await enforce(request, reply, `sensitive:${address}`);
    },
    byUser: async (request, reply) => {
      if (limited(request) && request.verifiedUserId) await enforce(request, reply, `user:${request.verifiedUserId}`);
    },
    ownRoute: (request, reply) => enforce(request, reply, `ip:${clientAddress(request, config.TRUST_PROXY)}`),
  };
}
