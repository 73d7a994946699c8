import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { MongoClient } from 'mongodb';
import pg from 'pg';
import { Redis } from 'ioredis';
import { GATEWAY_PORT, SERVICE_NAMES, SERVICES, serviceUrlEnvVar, type Deployable, type ServiceName } from '@eventify/contracts';
import { REPO_ROOT, freePort, startProcess, type RunningProcess } from './processes.js';
import { httpClient, identityAgent, type HttpClient } from './http.js';
import { ensurePki } from './pki.js';
import { ensureServiceDatabase } from './postgres-role.js';
import { createRedisUsers, dropRedisUsers } from './redis-users.js';

/** Services that exist in this checkout (a folder with a main entry point). */
export function existingServices(): ServiceName[] {
  return SERVICE_NAMES.filter((name) => existsSync(resolve(REPO_ROOT, 'services', name, 'src', 'main.ts')));
}

/** A service's own development defaults, from services/<name>/dev.env (KEY=VALUE lines). */
export function devDefaults(name: ServiceName): Record<string, string> {
  const file = resolve(REPO_ROOT, 'services', name, 'dev.env');
  if (!existsSync(file)) return {};
  const env: Record<string, string> = {};
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    const match = /^\s*([A-Z0-9_]+)\s*=\s*(.*)\s*$/.exec(line);
    if (match) env[match[1]!] = match[2]!;
  }
  return env;
}

export interface InfraUrls {
  /** Server URL without a database, e.g. mongodb://127.0.0.1:27017 */
  mongo: string;
  /** Any database URL on the server; the database name is replaced per service. */
  postgres: string;
  redis: string;
  stripeMock: string;
}

export function infraFromEnv(): InfraUrls {
  return {
    mongo: process.env.MONGO_URL ?? 'mongodb://127.0.0.1:27017',
    postgres: process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres',
    redis: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
    stripeMock: process.env.STRIPE_MOCK_URL ?? 'http://127.0.0.1:12111',
  };
}

export function mongoUrlFor(base: string, database: string): string {
  const url = new URL(base);
  url.pathname = `/${database}`;
  return url.toString();
}

export function postgresUrlFor(base: string, database: string): string {
  const url = new URL(base);
  url.pathname = `/${database}`;
  return url.toString();
}

export interface StackPlan {
  /** Suffix of database names and the Redis namespace; empty for the development stack. */
  runId: string;
  infra: InfraUrls;
  ports: Record<ServiceName | 'gateway', number>;
  /** The internal PKI (packages/testing/src/pki.ts): `<pki>/<deployable>` is each process's MTLS_DIR. */
  pki: string;
  namespace: string;
  /** The Stripe stand-in (tools/stripe-standin) the payment service talks to, and its webhook secret. */
  stripe: { port: number; webhookSecret: string };
  /** The gateway's ops listener (/metrics, /readyz/services); unset: its default, 9080. */
  opsPort?: number;
  /** DATABASE_URL per PostgreSQL service: its own role and database (`provisionServiceDatabases`). */
  databaseUrls?: Partial<Record<ServiceName, string>>;
  /** Each deployable's REDIS_URL, as its own ACL user (createRedisUsers); absent: the server's URL as given. */
  redisUrls?: Partial<Record<Deployable, string>>;
}

/**
 * Give each PostgreSQL service among `services` its own role, owning its database of this run, as compose and
 * Kubernetes do (the infrastructure URL is the administrator's and stays with the harness).
 */
export async function provisionServiceDatabases(plan: StackPlan, services: readonly ServiceName[]): Promise<void> {
  const suffix = plan.runId ? `_${plan.runId}` : '';
  plan.databaseUrls ??= {};
  for (const name of services.filter((s) => SERVICES[s].databases.includes('postgres'))) {
    plan.databaseUrls[name] = await ensureServiceDatabase(plan.infra.postgres, name, `${name}_db${suffix}`);
  }
}

/** The environment one service gets: its own databases, the shared Redis namespace, where the others are. */
export function serviceEnv(name: ServiceName, plan: StackPlan): Record<string, string> {
  const suffix = plan.runId ? `_${plan.runId}` : '';
  const env: Record<string, string> = {
    ...devDefaults(name),
    PORT: String(plan.ports[name]),
    REDIS_URL: plan.redisUrls?.[name] ?? plan.infra.redis,
    REDIS_NAMESPACE: plan.namespace,
    MTLS_DIR: join(plan.pki, name),
    AUTH_JWKS_URL: `https://127.0.0.1:${plan.ports.auth}/auth/.well-known/jwks.json`,
    STRIPE_MOCK_URL: plan.infra.stripeMock,
  };
  if (name === 'payment') {
    env.STRIPE_API_URL = `http://127.0.0.1:${plan.stripe.port}`;
    env.STRIPE_WEBHOOK_SECRET = plan.stripe.webhookSecret;
  }
  const descriptor = SERVICES[name];
  if (descriptor.databases.includes('mongo')) env.MONGO_URL = mongoUrlFor(plan.infra.mongo, `${name}_db${suffix}`);
  if (descriptor.databases.includes('postgres')) env.DATABASE_URL = plan.databaseUrls?.[name] ?? postgresUrlFor(plan.infra.postgres, `${name}_db${suffix}`);
  for (const other of SERVICE_NAMES) env[serviceUrlEnvVar(other)] = `https://127.0.0.1:${plan.ports[other]}`;
  return env;
}

export function gatewayEnv(plan: StackPlan, services: readonly ServiceName[]): Record<string, string> {
  const env: Record<string, string> = {
    PORT: String(plan.ports.gateway),
    REDIS_URL: plan.redisUrls?.gateway ?? plan.infra.redis,
    REDIS_NAMESPACE: plan.namespace,
    // The public side stays plain HTTP here; towards the services the gateway presents its own certificate.
    MTLS_DIR: join(plan.pki, 'gateway'),
    AUTH_JWKS_URL: `https://127.0.0.1:${plan.ports.auth}/auth/.well-known/jwks.json`,
  };
  if (plan.opsPort) env.OPS_PORT = String(plan.opsPort);
  for (const name of services) env[serviceUrlEnvVar(name)] = `https://127.0.0.1:${plan.ports[name]}`;
  return env;
}

const RELAXED_RATE_LIMITS = { RATE_LIMIT_USER_MAX: '100000', RATE_LIMIT_IP_MAX: '100000', RATE_LIMIT_SENSITIVE_MAX: '100000' };

export interface TestStack {
  gatewayUrl: string;
  /** The gateway's ops listener (plain HTTP on 127.0.0.1): /metrics, /readyz/services. */
  opsUrl: string;
  /** HTTP client pointed at the gateway. */
  api: HttpClient;
  plan: StackPlan;
  processes: Partial<Record<ServiceName | 'gateway' | 'stripe', RunningProcess>>;
  /**
   * A client straight to one service (its own port, no gateway), presenting the certificate of `as` (default:
   * the gateway's, as for public routes): what that deployable's calls look like to the service.
   */
  direct(service: ServiceName, options?: { as?: Deployable }): HttpClient;
  /** Stop one service (to test what the gateway does when it is down). */
  stopService(name: ServiceName): Promise<void>;
  /** Start a stopped (or killed) service again, on its port, with its environment; resolves when it is ready. */
  startService(name: ServiceName): Promise<void>;
  /** Stop everything and drop every database and Redis key this stack created. */
  stop(): Promise<void>;
}

export interface StartTestStackOptions {
  services: ServiceName[];
  gateway?: boolean;
  /** Extra environment per service (or for the gateway). */
  env?: Partial<Record<ServiceName | 'gateway', Record<string, string>>>;
  echo?: boolean;
  /** Path polled until the gateway is ready (default /readyz: the gateway and its rate-limit store; every service started before it is ready). */
  gatewayReadyPath?: string;
  /** Another PKI directory than the shared development one (a test that renews certificates under a stack). */
  pkiDir?: string;
}

/**
 * Start real services and the gateway as separate processes on free ports, each with databases of its
 * own named for this run, so test files can run in parallel and leave nothing behind.
 */
export async function startTestStack(options: StartTestStackOptions): Promise<TestStack> {
  const runId = randomBytes(4).toString('hex');
  const ports = {} as Record<ServiceName | 'gateway', number>;
  for (const name of [...SERVICE_NAMES, 'gateway'] as const) ports[name] = await freePort();
  const plan: StackPlan = {
    runId,
    infra: infraFromEnv(),
    ports,
    pki: (await ensurePki(options.pkiDir ? { dir: options.pkiDir } : {})).dir,
    namespace: `test-${runId}`,
    stripe: { port: await freePort(), webhookSecret: `whsec_${randomBytes(16).toString('hex')}` },
    // Test stacks run side by side: each gateway's ops listener gets a port of its own.
    opsPort: await freePort(),
  };
  // Every process connects to Redis as its own user, limited as in production (docs/security.md#redis-acls).
  plan.redisUrls = await createRedisUsers(plan.infra.redis, plan.namespace);
  const processes: TestStack['processes'] = {};
  const agents = new Map<Deployable, ReturnType<typeof identityAgent>>();
  const agentOf = (name: Deployable) => agents.get(name) ?? agents.set(name, identityAgent(join(plan.pki, name))).get(name)!;
  const stack: TestStack = {
    gatewayUrl: `http://127.0.0.1:${ports.gateway}`,
    opsUrl: `http://127.0.0.1:${plan.opsPort}`,
    api: httpClient(`http://127.0.0.1:${ports.gateway}`),
    plan,
    processes,
    async stopService(name) {
      await processes[name]?.stop();
    },
    startService: (name) => start(name),
    direct: (service, { as = 'gateway' } = {}) => httpClient(`https://127.0.0.1:${ports[service]}`, { dispatcher: agentOf(as) }),
    async stop() {
      await Promise.all(Object.values(processes).map((p) => p.stop()));
      await Promise.all([...agents.values()].map((agent) => agent.close()));
      await dropRunData(plan, options.services);
    },
  };
  const start = (name: ServiceName) =>
    startProcess({
      name,
      entry: `services/${name}/src/main.ts`,
      port: ports[name],
      env: { ...serviceEnv(name, plan), ...options.env?.[name] },
      echo: options.echo ?? false,
    }).then((p) => {
      processes[name] = p;
    });
  try {
    await provisionServiceDatabases(plan, options.services);
    if (options.services.includes('payment')) {
      // Like Stripe, the stand-in calls the public webhook endpoint through the gateway.
      processes.stripe = await startStripeStandin(plan, `http://127.0.0.1:${ports.gateway}/payments/webhooks/stripe`);
    }
    // Auth first: the others fetch its signing keys.
    if (options.services.includes('auth')) await start('auth');
    await Promise.all(options.services.filter((s) => s !== 'auth').map(start));
    if (options.gateway !== false) {
      processes.gateway = await startProcess({
        name: 'gateway',
        entry: 'gateway/src/main.ts',
        port: ports.gateway,
        // Test suites sign up many users from one address: limits are raised unless a test sets its own.
        env: { ...gatewayEnv(plan, options.services), ...RELAXED_RATE_LIMITS, ...options.env?.gateway },
        readyPath: options.gatewayReadyPath ?? '/readyz',
        echo: options.echo ?? false,
      });
    }
  } catch (error) {
    await stack.stop();
    throw error;
  }
  return stack;
}

export function startStripeStandin(plan: StackPlan, webhookUrl: string): Promise<RunningProcess> {
  return startProcess({
    name: 'stripe-standin',
    entry: 'tools/stripe-standin/src/main.ts',
    port: plan.stripe.port,
    env: { STRIPE_WEBHOOK_URL: webhookUrl, STRIPE_WEBHOOK_SECRET: plan.stripe.webhookSecret },
    readyPath: '/healthz',
  });
}

/** Remove the databases and Redis keys of one test run. */
export async function dropRunData(plan: StackPlan, services: readonly ServiceName[]): Promise<void> {
  const suffix = `_${plan.runId}`;
  const mongoServices = services.filter((s) => SERVICES[s].databases.includes('mongo'));
  if (mongoServices.length) {
    const client = new MongoClient(plan.infra.mongo, { serverSelectionTimeoutMS: 3_000 });
    try {
      await client.connect();
      for (const name of mongoServices) await client.db(`${name}_db${suffix}`).dropDatabase();
    } catch {
      // best effort
    } finally {
      await client.close();
    }
  }
  const pgServices = services.filter((s) => SERVICES[s].databases.includes('postgres'));
  if (pgServices.length) {
    const client = new pg.Client({ connectionString: postgresUrlFor(plan.infra.postgres, 'postgres') });
    try {
      await client.connect();
      for (const name of pgServices) await client.query(`drop database if exists "${name}_db${suffix}" with (force)`);
    } catch {
      // best effort
    } finally {
      await client.end().catch(() => undefined);
    }
  }
  await deleteRedisNamespace(plan.infra.redis, plan.namespace);
  await dropRedisUsers(plan.infra.redis, plan.namespace);
}

export async function deleteRedisNamespace(redisUrl: string, namespace: string): Promise<void> {
  const redis = new Redis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1 });
  try {
    await redis.connect();
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${namespace}:*`, 'COUNT', 500);
      cursor = next;
      if (keys.length) await redis.del(...keys);
    } while (cursor !== '0');
  } catch {
    // best effort
  } finally {
    redis.disconnect();
  }
}

export { GATEWAY_PORT };
