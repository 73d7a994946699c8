import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import { CONSUMES, publishedBy, redisKeys, SERVICE_NAMES, type ServiceName } from '@eventify/contracts';
import type { BaseConfig } from './config.js';
import { createGuards, type Guards } from './auth/plugin.js';
import { EventBus } from './bus/event-bus.js';
import { connectMongo, type MongoHandle } from './db/mongo.js';
import { connectPostgres, ensurePostgresDatabase, type PostgresHandle } from './db/postgres.js';
import { connectRedis, type RedisHandle } from './db/redis.js';
import type { ReadinessCheck } from './health.js';
import { Mutex } from './mutex.js';
import { OutboxRelay } from './outbox/relay.js';
import { createApp, type App } from './http/app.js';
import { Mtls } from './tls/mtls.js';

/** Config every service built with `buildService` has: base + Redis/bus + auth, optionally a database. */
export interface ServiceConfig extends BaseConfig {
  REDIS_URL: string;
  REDIS_NAMESPACE: string;
  BUS_CLAIM_IDLE_MS: number;
  BUS_MAX_ATTEMPTS: number;
  BUS_TRIM_INTERVAL_MS: number;
  OUTBOX_INTERVAL_MS?: number;
  AUTH_JWKS_URL: string;
  JWT_ISSUER: string;
  JWT_AUDIENCE: string;
  MTLS_DIR: string;
  MONGO_URL?: string;
  DATABASE_URL?: string;
}

export interface ServiceContext<TConfig extends ServiceConfig> {
  name: string;
  config: TConfig;
  app: App;
  log: Logger;
  redis: RedisHandle;
  /** Prefix of this service's own Redis keys (`<namespace>:<service>`): the only keys its Redis user may touch besides its streams. */
  keyPrefix: string;
  bus: EventBus;
  guards: Guards;
  /** This service's certificate: `createServiceClient({ mtls: ctx.mtls, ... })` presents it. */
  mtls: Mtls;
  /** Cross-replica lock for read-check-write steps (see mutex.ts for why). */
  mutex: Mutex;
  /** Publishes the service's outboxes: every event is stored with its state change, then relayed here. */
  outbox: OutboxRelay;
  /** Present when the service asked for MongoDB. */
  mongo: MongoHandle | undefined;
  /** Present when the service asked for PostgreSQL. */
  postgres: PostgresHandle | undefined;
  /** Add a dependency `/readyz` checks. */
  addReadiness(check: ReadinessCheck): void;
  /** Run on shutdown, before the databases close (stop timers, workers). */
  onShutdown(fn: () => Promise<void> | void): void;
}

export interface BuildServiceOptions<TConfig extends ServiceConfig> {
  name: string;
  config: TConfig;
  uses: { mongo?: boolean; postgres?: boolean };
  openapi?: { title?: string; description?: string };
  /** Wire routes, event handlers and workers. Runs before the app is ready. */
  register(context: ServiceContext<TConfig>): Promise<void> | void;
}

/**
 * Builds a service the same way every time: app, databases (retried while they come up), event bus,
 * auth guards, readiness checks and an orderly shutdown (HTTP first, then workers, then pools).
 */
export async function buildService<TConfig extends ServiceConfig>(
  options: BuildServiceOptions<TConfig>,
): Promise<{ app: App; context: ServiceContext<TConfig> }> {
  const { config, name } = options;
  const checks: ReadinessCheck[] = [];
  const mtls = Mtls.load(config.MTLS_DIR);
  if (mtls.identity !== name)
    throw new Error(`${name}: MTLS_DIR=${config.MTLS_DIR} holds the ${mtls.identity} service's certificate, not this service's`);
  const app = await createApp({ name, config, readiness: () => checks, openapi: options.openapi ?? {}, mtls });
  const log = app.log as unknown as Logger;

  const redis = await connectRedis(config.REDIS_URL, log);
  checks.push(redis.readiness);
  let mongo: MongoHandle | undefined;
  if (options.uses.mongo) {
    if (!config.MONGO_URL) throw new Error(`${name}: MONGO_URL is required`);
    mongo = await connectMongo(config.MONGO_URL, log);
    checks.push(mongo.readiness);
  }
  let postgres: PostgresHandle | undefined;
  if (options.uses.postgres) {
    if (!config.DATABASE_URL) throw new Error(`${name}: DATABASE_URL is required`);
    if (config.NODE_ENV !== 'production') await ensurePostgresDatabase(config.DATABASE_URL);
    postgres = await connectPostgres(config.DATABASE_URL, log);
    checks.push(postgres.readiness);
  }

  const bus = new EventBus({
    redis: redis.redis,
    blockingRedis: redis.duplicate(),
    namespace: config.REDIS_NAMESPACE,
    source: name,
    group: name,
    logger: log,
    claimIdleMs: config.BUS_CLAIM_IDLE_MS,
    maxAttempts: config.BUS_MAX_ATTEMPTS,
    trimIntervalMs: config.BUS_TRIM_INTERVAL_MS,
    allowed: eventsOf(name),
  });
  instrumented(bus, app);
  const keyPrefix = redisKeys.own(config.REDIS_NAMESPACE, name);
  const guards = createGuards(app, {
    jwksUrl: config.AUTH_JWKS_URL,
    issuer: config.JWT_ISSUER,
    audience: config.JWT_AUDIENCE,
    fetch: mtls.fetcher('auth'),
    service: name,
  });

  const shutdownSteps: (() => Promise<void> | void)[] = [];
  const context: ServiceContext<TConfig> = {
    name,
    config,
    app,
    log,
    redis,
    bus,
    guards,
    mtls,
    keyPrefix,
    mutex: instrumented(new Mutex(redis.redis, keyPrefix), app),
    outbox: instrumented(new OutboxRelay(bus, { intervalMs: config.OUTBOX_INTERVAL_MS ?? 1_000, log }), app),
    mongo,
    postgres,
    addReadiness: (check) => void checks.push(check),
    onShutdown: (fn) => void shutdownSteps.push(fn),
  };
  await options.register(context);

  app.addHook('onReady', async () => {
    await bus.start();
    await context.outbox.start();
  });
  app.addHook('onClose', async () => {
    await context.outbox.stop();
    await bus.stop();
    for (const step of shutdownSteps) await step();
    await Promise.allSettled([redis.close(), mongo?.close(), postgres?.close()]);
  });
  return { app, context };
}

/** Bus, lock and outbox figures go into the app's registry, so `/metrics` shows them beside the HTTP ones. */
function instrumented<T extends { instrument(registry: Registry): T }>(part: T, app: App): T {
  return app.metrics ? part.instrument(app.metrics) : part;
}

/** A catalogued service publishes and consumes what @eventify/contracts says (event-flow.ts); any other name, anything. */
function eventsOf(name: string): { publishes: readonly string[]; consumes: readonly string[] } | undefined {
  if (!(SERVICE_NAMES as readonly string[]).includes(name)) return undefined;
  return { publishes: publishedBy(name as ServiceName), consumes: CONSUMES[name as ServiceName] };
}
