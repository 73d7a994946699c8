import { CONSUMES, publishedBy } from './event-flow.js';
import { SERVICE_NAMES, type Deployable } from './services.js';

/**
 * Where things live in Redis. Every key starts with the namespace (one per environment or test run); the event
 * streams are shared between a publisher and its consumers, everything else belongs to one deployable and sits
 * under its own prefix: locks, "already processed" markers, dead letters, caches, throttles, rate-limit counters.
 */
export const redisKeys = {
  /** The stream of one integration event type. */
  stream: (namespace: string, type: string): string => `${namespace}:stream:${type}`,
  /** Prefix of a deployable's private keys (append `:<what>:…`). */
  own: (namespace: string, owner: string): string => `${namespace}:${owner}`,
};

/** The Redis user a deployable connects as: one per namespace, so test runs sharing a server keep apart. */
export function redisUsername(namespace: string, who: Deployable): string {
  return `${namespace}-${who}`;
}

/**
 * What any deployable may do on the keys it owns: read and write data, transactions and Lua scripts (the
 * mutex's compare-and-delete, the rate limiter), never anything `@dangerous` (FLUSHALL, KEYS, CONFIG, DEBUG,
 * CLIENT KILL, ACL …), nor FUNCTION (server-wide, unused). SCAN and RANDOMKEY are taken away too: they are not limited to one's keys, so they would
 * list the other services' key names (e-mail addresses in the login throttle's, for one). INFO is given back:
 * the client's ready check asks it, to wait while Redis is still loading its data after a restart.
 */
const OWN_KEY_COMMANDS = [
  '+@read',
  '+@write',
  '+@transaction',
  '+@connection',
  '+eval',
  '+evalsha',
  '-@dangerous',
  '-scan',
  '-randomkey',
  '-function',
  '+info',
];

/**
 * What a consumer may do on a stream it consumes: run its consumer group (create it, read, claim stale entries,
 * look at what is pending, acknowledge), and nothing else: no XADD, XDEL, XTRIM, XSETID, no XGROUP DESTROY.
 * `XGROUP CREATE … MKSTREAM` may create the stream as an empty key when the consumer starts before the first
 * event: an empty stream carries no fact, and without it a consumer could not start before its publisher.
 */
const CONSUMER_COMMANDS = ['+xgroup|create', '+xreadgroup', '+xautoclaim', '+xpending', '+xack'];

/**
 * The ACL rules of one deployable (without user name and password), for `ACL SETUSER` or an ACL file line.
 * Root permissions: its own prefix and the streams of the events it publishes, with OWN_KEY_COMMANDS. A selector
 * (Redis ≥ 7.0) grants CONSUMER_COMMANDS on the streams it consumes: a command is allowed when the root
 * permissions or one selector allow it with every key it names, so XADD to a consumed stream is refused
 * (NOPERM) while XREADGROUP on it passes. No pub/sub channels (`resetchannels`): nothing here uses them.
 */
export function redisAclRules(namespace: string, who: Deployable): string[] {
  const published = who === 'gateway' ? [] : publishedBy(who);
  const consumed = who === 'gateway' ? [] : CONSUMES[who];
  const rules = [
    'resetkeys',
    'resetchannels',
    '-@all',
    `~${redisKeys.own(namespace, who)}:*`,
    ...published.map((type) => `~${redisKeys.stream(namespace, type)}`),
    ...OWN_KEY_COMMANDS,
  ];
  if (consumed.length)
    rules.push(`(${[...consumed.map((type) => `~${redisKeys.stream(namespace, type)}`), ...CONSUMER_COMMANDS].join(' ')})`);
  return rules;
}

/** `ACL SETUSER` arguments that (re)define a deployable's user from scratch with the given password. */
export function redisAclSetUser(namespace: string, who: Deployable, password: string): string[] {
  return [redisUsername(namespace, who), 'reset', 'on', `>${password}`, ...redisAclRules(namespace, who)];
}

/** Every deployable that connects to Redis: the services and the gateway (its rate-limit counters). */
export const REDIS_CLIENTS: readonly Deployable[] = [...SERVICE_NAMES, 'gateway'];

/** A deployable's Redis URL: the server's address with the deployable's user and password. */
export function redisUrlFor(serverUrl: string, namespace: string, who: Deployable, password: string): string {
  const url = new URL(serverUrl);
  url.username = encodeURIComponent(redisUsername(namespace, who));
  url.password = encodeURIComponent(password);
  return url.toString();
}
