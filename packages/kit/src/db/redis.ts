import { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { ReadinessCheck } from '../health.js';
import { retry } from '../retry.js';

export interface RedisHandle {
  redis: Redis;
  readiness: ReadinessCheck;
  /** Another connection for blocking reads (XREADGROUP BLOCK must not hold up ordinary commands). */
  duplicate(): Redis;
  close(): Promise<void>;
}

export async function connectRedis(url: string, logger?: Logger, timeoutMs = 60_000): Promise<RedisHandle> {
  const redis = new Redis(url, {
    lazyConnect: true,
    maxRetriesPerRequest: 2,
    enableOfflineQueue: true,
    retryStrategy: (times) => Math.min(times * 200, 2_000),
  });
  let lastErrorLogged = 0;
  redis.on('error', (error) => {
    // ioredis reconnects by itself; log at most every 10 s so an outage does not flood the log.
    if (Date.now() - lastErrorLogged > 10_000) {
      lastErrorLogged = Date.now();
      logger?.warn({ err: error }, 'redis connection error');
    }
  });
  await retry(() => redis.connect(), { what: 'connect to Redis', logger, timeoutMs });
  const duplicates: Redis[] = [];
  return {
    redis,
    readiness: { name: 'redis', check: async () => void (await redis.ping()) },
    duplicate() {
      const copy = redis.duplicate({ maxRetriesPerRequest: null });
      copy.on('error', () => undefined);
      duplicates.push(copy);
      return copy;
    },
    async close() {
      await Promise.all([redis, ...duplicates].map((r) => r.quit().catch(() => r.disconnect())));
    },
  };
}
