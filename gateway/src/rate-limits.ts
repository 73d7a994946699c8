import rateLimit from '@fastify/rate-limit';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Redis } from 'ioredis';
import { redisKeys } from '@eventify/contracts';
import { tooManyRequests, type App } from '@eventify/kit';
import { clientAddress } from './client-address.js';
import type { GatewayConfig } from './config.js';
import { isSensitiveRoute, isServicePath, pathOf } from './public-routes.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** The bucket being counted right now (read by the limiter's key generator). */
    rateLimitKey?: string;
  }
}

type Hook = (request: FastifyRequest, reply: FastifyReply) => Promise<void>;

export interface RateLimitHooks {
  /** Per client address (and the stricter limit on sign-in/sign-up/recovery): runs before any token is checked. */
  byAddress: Hook;
  /** Per signed-in user: runs once the token is verified. */
  byUser: Hook;
}

/**
 * Counters live in Redis (@fastify/rate-limit's store), so every gateway replica shares them. Counting by
 * address comes first, so a flood of forged tokens is throttled like any other traffic. When Redis is
 * unreachable the gateway keeps serving without limits (fail open) and says so in the log.
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
  app.addHook('onClose', async () => {
    redis.disconnect();
  });
  // The store swallows its own errors (skipOnError); notice them here.
  setInterval(() => {
    if (redis.status !== 'ready') warn(new Error(`redis status ${redis.status}`));
  }, 10_000).unref();

  const maxFor = (key: string) => {
    if (key.startsWith('sensitive:')) return config.RATE_LIMIT_SENSITIVE_MAX;
    if (key.startsWith('user:')) return config.RATE_LIMIT_USER_MAX;
    return config.RATE_LIMIT_IP_MAX;
  };
  app.decorateRequest('rateLimitKey', undefined);
  await app.register(rateLimit, {
    global: false,
    redis,
    // Under the gateway's own prefix: its Redis user may touch nothing else (contracts' redis-acl.ts).
    nameSpace: `${redisKeys.own(config.REDIS_NAMESPACE, 'gateway')}:ratelimit:`,
    skipOnError: true,
    timeWindow: config.RATE_LIMIT_WINDOW_MS,
    keyGenerator: (request) => request.rateLimitKey ?? `ip:${request.ip}`,
    max: (_request, key) => maxFor(key),
  });
  const count = app.createRateLimit();

  const enforce = async (request: FastifyRequest, reply: FastifyReply, key: string) => {
    request.rateLimitKey = key;
    const result = await count(request);
    if (result.isAllowed || result.ttl === 0) return; // ttl 0: the store failed and the request was let through
    if (result.isExceeded) {
      request.log.info({ bucket: key.split(':')[0] }, 'rate limit exceeded');
      throw tooManyRequests(result.ttlInSeconds, `Too many requests. Try again in ${result.ttlInSeconds} s.`);
    }
    reply.header('x-ratelimit-limit', result.max);
    reply.header('x-ratelimit-remaining', result.remaining);
    reply.header('x-ratelimit-reset', result.ttlInSeconds);
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
  };
}
