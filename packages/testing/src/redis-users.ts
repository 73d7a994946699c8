import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { REDIS_CLIENTS, redisAclSetUser, redisUrlFor, redisUsername, type Deployable } from '@eventify/contracts';

/**
 * Give each deployable its own Redis user for one namespace (rules from contracts' redis-acl.ts, a fresh random
 * password each time), through the server's admin connection (`adminUrl`, the default user locally). Returns
 * each deployable's REDIS_URL. Calling it again re-creates the users with new passwords: processes still
 * connected keep their connections, a reconnect needs the new URL.
 */
export async function createRedisUsers(
  adminUrl: string,
  namespace: string,
  who: readonly Deployable[] = REDIS_CLIENTS,
): Promise<Record<Deployable, string>> {
  const redis = new Redis(adminUrl, { maxRetriesPerRequest: 2 });
  try {
    const urls = {} as Record<Deployable, string>;
    for (const name of who) {
      const password = randomBytes(24).toString('hex');
      await redis.call('ACL', 'SETUSER', ...redisAclSetUser(namespace, name, password));
      urls[name] = redisUrlFor(adminUrl, namespace, name, password);
    }
    // A server with an ACL file (the fault suite's, production's) keeps the users across a restart; without
    // one (the development server) ACL SAVE is refused and the users live as long as the server.
    await redis.call('ACL', 'SAVE').catch(() => undefined);
    return urls;
  } finally {
    redis.disconnect();
  }
}

/** Remove the users createRedisUsers made for a namespace (best effort: a test run's clean-up). */
export async function dropRedisUsers(adminUrl: string, namespace: string): Promise<void> {
  const redis = new Redis(adminUrl, { lazyConnect: true, maxRetriesPerRequest: 1 });
  try {
    await redis.connect();
    await redis.call('ACL', 'DELUSER', ...REDIS_CLIENTS.map((name) => redisUsername(namespace, name)));
  } catch {
    // best effort
  } finally {
    redis.disconnect();
  }
}
