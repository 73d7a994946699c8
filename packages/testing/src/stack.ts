import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
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
  /** Services that run as several processes: every replica's port, the first being `ports[name]`. */
  replicaPorts?: Partial<Record<ServiceName, number[]>>;
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

/** The ports of a service's replicas (one unless the plan says more). */
export function replicaPorts(plan: StackPlan, name: ServiceName): number[] {
  return plan.replicaPorts?.[name] ?? [plan.ports[name]];
}

/** `<NAME>_SERVICE_URL` for a service: its replicas' URLs, comma separated (one URL for a single process). */
export function serviceUrlsOf(plan: StackPlan, name: ServiceName): string {
  return replicaPorts(plan, name)
    .map((port) => `https://127.0.0.1:${port}`)
    .join(',');
}

/**
 * The environment one service (replica `replica` of it) gets: its own databases, the shared Redis namespace,
 * where the others are (every replica of each). Replicas differ only in their port: same databases, same certificate.
 */
export function serviceEnv(name: ServiceName, plan: StackPlan, replica = 0): Record<string, string> {
  const suffix = plan.runId ? `_${plan.runId}` : '';
  const env: Record<string, string> = {
    ...devDefaults(name),
    PORT: String(replicaPorts(plan, name)[replica]),
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
  if (descriptor.databases.includes('postgres'))
    env.DATABASE_URL = plan.databaseUrls?.[name] ?? postgresUrlFor(plan.infra.postgres, `${name}_db${suffix}`);
  for (const other of SERVICE_NAMES) env[serviceUrlEnvVar(other)] = serviceUrlsOf(plan, other);
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
  for (const name of services) env[serviceUrlEnvVar(name)] = serviceUrlsOf(plan, name);
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
  /** One process per deployable; for a service with replicas, its first. */
  processes: Partial<Record<ServiceName | 'gateway' | 'stripe', RunningProcess>>;
  /** Every replica of each service, in port order (`replicas.booking[1]` is the second booking process). */
  replicas: Partial<Record<ServiceName, RunningProcess[]>>;
  /**
   * A client straight to one service (its own port, no gateway), presenting the certificate of `as` (default:
   * the gateway's, as for public routes): what that deployable's calls look like to the service.
   */
  direct(service: ServiceName, options?: { as?: Deployable }): HttpClient;
  /** Stop one service, every replica of it (to test what the gateway does when it is down). */
  stopService(name: ServiceName): Promise<void>;
  /** Start a stopped (or killed) service again, every replica on its port, with its environment; resolves when ready. */
  startService(name: ServiceName): Promise<void>;
  /** Start replica `replica` of a service again (after a stop or a kill); resolves when it is ready. */
  startReplica(name: ServiceName, replica: number): Promise<void>;
  /**
   * Answers the gateway gave that its API document does not describe (StartTestStackOptions.checkResponses), and
   * forgets them: for a test that provokes one on purpose.
   */
  takeResponseViolations(): ResponseViolation[];
  /**
   * Stop everything and drop every database and Redis key this stack created. Fails, listing them, when the gateway
   * gave answers its API document does not describe (unless taken by the test).
   */
  stop(): Promise<void>;
}

/** The mismatches, alike ones (same operation, status and problem) once with their count and an example. */
export function describeViolations(violations: readonly ResponseViolation[]): string {
  const groups = new Map<string, { example: ResponseViolation; count: number }>();
  for (const v of violations) {
    const key = `${v.operation ?? `${v.method} ${v.path}`} → ${v.status} ${v.contentType}: ${v.problem}`;
    const group = groups.get(key) ?? groups.set(key, { example: v, count: 0 }).get(key)!;
    group.count++;
  }
  const listed = [...groups]
    .slice(0, 30)
    .map(
      ([key, { example, count }]) =>
        `  ${count > 1 ? `${count} × ` : ''}${key}\n    e.g. ${example.method} ${example.path}: ${example.body}`,
    );
  return `${violations.length} answer(s) of the gateway do not match its API document (GET /docs/openapi.json):\n${listed.join('\n')}`;
}

/** An answer of the gateway that its API document does not describe (gateway/src/response-check.ts). */
export interface ResponseViolation {
  method: string;
  path: string;
  operation?: string;
  status: number;
  contentType: string;
  problem: string;
  body: string;
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
  /** Processes per service (default 1): each on its own port, same databases and certificate; the others get the list. */
  replicas?: Partial<Record<ServiceName, number>>;
  /** How long each process may take to become ready (default 90 s); a stack of many processes on two cores needs more. */
  readyTimeoutMs?: number;
  /**
   * Check every answer the gateway gives for a service route against its merged API document (default: on); a
   * mismatch fails the test at `stop()`. Off for benchmarks (the check buffers every answer).
   */
  checkResponses?: boolean;
}

/**
 * Start real services and the gateway as separate processes on free ports, each with databases of its
 * own named for this run, so test files can run in parallel and leave nothing behind.
 */
export async function startTestStack(options: StartTestStackOptions): Promise<TestStack> {
  const runId = randomBytes(4).toString('hex');
  const ports = {} as Record<ServiceName | 'gateway', number>;
  for (const name of [...SERVICE_NAMES, 'gateway'] as const) ports[name] = await freePort();
  const replicaPortsOf: Partial<Record<ServiceName, number[]>> = {};
  for (const [name, count] of Object.entries(options.replicas ?? {}) as [ServiceName, number][]) {
    const more = [];
    for (let i = 1; i < count; i++) more.push(await freePort());
    replicaPortsOf[name] = [ports[name], ...more];
  }
  const plan: StackPlan = {
    runId,
    infra: infraFromEnv(),
    ports,
    pki: (await ensurePki(options.pkiDir ? { dir: options.pkiDir } : {})).dir,
    namespace: `test-${runId}`,
    stripe: { port: await freePort(), webhookSecret: `whsec_${randomBytes(16).toString('hex')}` },
    replicaPorts: replicaPortsOf,
    // Test stacks run side by side: each gateway's ops listener gets a port of its own.
    opsPort: await freePort(),
  };
  // Every process connects to Redis as its own user, limited as in production (docs/security.md#redis-acls).
  plan.redisUrls = await createRedisUsers(plan.infra.redis, plan.namespace);
  const processes: TestStack['processes'] = {};
  const replicas: TestStack['replicas'] = {};
  const agents = new Map<Deployable, ReturnType<typeof identityAgent>>();
  const agentOf = (name: Deployable) => agents.get(name) ?? agents.set(name, identityAgent(join(plan.pki, name))).get(name)!;
  const checkFile =
    options.checkResponses === false || options.gateway === false ? undefined : join(tmpdir(), `eventify-responses-${runId}.jsonl`);
  const takeResponseViolations = (): ResponseViolation[] => {
    if (!checkFile || !existsSync(checkFile)) return [];
    const lines = readFileSync(checkFile, 'utf8').split('\n').filter(Boolean);
    writeFileSync(checkFile, '');
    return lines.map((line) => JSON.parse(line) as ResponseViolation);
  };
  const stack: TestStack = {
    gatewayUrl: `http://127.0.0.1:${ports.gateway}`,
    opsUrl: `http://127.0.0.1:${plan.opsPort}`,
    api: httpClient(`http://127.0.0.1:${ports.gateway}`),
    plan,
    processes,
    replicas,
    async stopService(name) {
      await Promise.all((replicas[name] ?? []).map((p) => p.stop()));
    },
    startService: (name) => start(name),
    startReplica: (name, replica) => startOne(name, replica),
    direct: (service, { as = 'gateway' } = {}) => httpClient(`https://127.0.0.1:${ports[service]}`, { dispatcher: agentOf(as) }),
    takeResponseViolations,
    async stop() {
      await Promise.all([...new Set([...Object.values(processes), ...Object.values(replicas).flat()])].map((p) => p.stop()));
      await Promise.all([...agents.values()].map((agent) => agent.close()));
      await dropRunData(plan, options.services);
      const violations = takeResponseViolations();
      if (checkFile) rmSync(checkFile, { force: true });
      if (violations.length) throw new Error(describeViolations(violations));
    },
  };
  const startOne = (name: ServiceName, replica: number) =>
    startProcess({
      name: replica === 0 ? name : `${name}#${replica + 1}`,
      entry: `services/${name}/src/main.ts`,
      port: replicaPorts(plan, name)[replica]!,
      // Streams stay whole for the test's length: tests count what was published by reading them (trimming has
      // its own test, packages/kit/test/event-bus.test.ts).
      env: { ...serviceEnv(name, plan, replica), BUS_TRIM_INTERVAL_MS: '3600000', ...options.env?.[name] },
      echo: options.echo ?? false,
      ...(options.readyTimeoutMs ? { readyTimeoutMs: options.readyTimeoutMs } : {}),
    }).then((p) => {
      (replicas[name] ??= [])[replica] = p;
      if (replica === 0) processes[name] = p;
    });
  const start = (name: ServiceName) =>
    Promise.all(replicaPorts(plan, name).map((_, replica) => startOne(name, replica))).then(() => undefined);
  try {
    await provisionServiceDatabases(plan, options.services);
    if (options.services.includes('payment')) {
      // Like Stripe, the stand-in calls the public webhook endpoint through the gateway.
      processes.stripe = await startStripeStandin(plan, `http://127.0.0.1:${ports.gateway}/payments/webhooks/stripe`);
    }
    // Auth first: the others fetch its signing keys.
    if (options.services.includes('auth')) await start('auth');
    await Promise.all(options.services.filter((s) => s !== 'auth').map((name) => startOne(name, 0)));
    // Further replicas after the first of each is up: a few at a time, so two cores are not asked to boot every process at once.
    const more = options.services
      .flatMap((name) =>
        replicaPorts(plan, name)
          .slice(1)
          .map((_, i) => [name, i + 1] as const),
      )
      .filter(([name]) => name !== 'auth');
    for (let i = 0; i < more.length; i += 4) await Promise.all(more.slice(i, i + 4).map(([name, replica]) => startOne(name, replica)));
    if (options.gateway !== false) {
      processes.gateway = await startProcess({
        name: 'gateway',
        entry: 'gateway/src/main.ts',
        port: ports.gateway,
        // Test suites sign up many users from one address: limits are raised unless a test sets its own.
        env: {
          ...gatewayEnv(plan, options.services),
          ...RELAXED_RATE_LIMITS,
          ...(checkFile ? { RESPONSE_CHECK_FILE: checkFile } : {}),
          ...options.env?.gateway,
        },
        readyPath: options.gatewayReadyPath ?? '/readyz',
        echo: options.echo ?? false,
      });
    }
  } catch (error) {
    await stack.stop().catch(() => undefined);
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
