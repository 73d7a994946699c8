import { appendFileSync } from 'node:fs';
import { MongoClient, type Db } from 'mongodb';
import pg from 'pg';
import { Redis } from 'ioredis';
import Stripe from 'stripe';
import type { ServiceName } from '@eventify/contracts';
import { startMailStandin, type MailStandin } from '@eventify/mail-standin';
import {
  TEST_ADMIN_ENV,
  infraFromEnv,
  loginAdmin,
  postgresUrlFor,
  registerUser,
  startTestStack,
  type TestStack,
  type TestUser,
} from '@eventify/testing';
import { privateFerretDb, privateRedis, type PrivateServer } from './private-infra.js';

export const ALL_SERVICES: ServiceName[] = ['auth', 'user', 'event', 'approval', 'booking', 'payment', 'qr', 'notification'];

/**
 * Timings of the fault stack: short, so crashes are noticed and work is taken over within seconds.
 * Every one keeps the production relations: a reservation's timeout (3 s) is under the gateway's (4 s),
 * the reconciler's grace (8 s) over any reservation, a paused service (5 s) outlasts the gateway's timeout.
 */
const FAST = {
  BUS_CLAIM_IDLE_MS: '1000',
  OUTBOX_INTERVAL_MS: '250',
};

export interface FaultStack {
  stack: TestStack;
  redis: PrivateServer;
  mongo: PrivateServer;
  mail: MailStandin;
  admin: TestUser;
  organizer: TestUser;
  /** A service's own MongoDB database (on the private FerretDB). */
  db(service: ServiceName): Db;
  /** The payment service's PostgreSQL database. */
  paymentDb: pg.Pool;
  stripe: Stripe;
  /** kill -9 a service and start it again once `whileDown` has run. */
  crash(service: ServiceName, whileDown?: () => Promise<unknown>): Promise<void>;
  kill9(service: ServiceName): Promise<void>;
  signal(service: ServiceName, signal: 'SIGSTOP' | 'SIGCONT'): void;
  stop(): Promise<void>;
}

export async function startFaultStack(): Promise<FaultStack> {
  const runId = Math.random().toString(16).slice(2, 10);
  const shared = infraFromEnv();
  const redis = await privateRedis();
  const mongo = await privateFerretDb(postgresUrlFor(shared.postgres, 'postgres'), runId);
  // startTestStack reads where the infrastructure is from the environment: the private servers.
  process.env.REDIS_URL = redis.url;
  process.env.MONGO_URL = mongo.url;
  const mail = await startMailStandin();
  const stack = await startTestStack({
    // Faults provoke answers on purpose (resets, outages); the API-document check belongs to the test suites.
    checkResponses: false,
    services: ALL_SERVICES,
    echo: process.env.ECHO === '1',
    env: {
      auth: { ...TEST_ADMIN_ENV, ...FAST },
      user: FAST,
      event: { ...FAST, SEAT_RECONCILE_INTERVAL_MS: '1000', SEAT_RECONCILE_GRACE_MS: '8000' },
      approval: FAST,
      booking: { ...FAST, SWEEP_INTERVAL_MS: '500', RESERVATION_TIMEOUT_MS: '3000', RESERVING_STUCK_MS: '6000' },
      payment: FAST,
      qr: FAST,
      notification: {
        ...FAST,
        SMTP_URL: mail.smtpUrl,
        EXPO_BASE_URL: mail.httpUrl,
        DELIVERY_POLL_MS: '200',
        DELIVERY_RETRY_BASE_MS: '300',
      },
      gateway: { UPSTREAM_TIMEOUT_MS: '4000' },
    },
  });
  const mongoClient = await MongoClient.connect(mongo.url, { serverSelectionTimeoutMS: 20_000 });
  const paymentDb = new pg.Pool({ connectionString: postgresUrlFor(shared.postgres, `payment_db_${stack.plan.runId}`), max: 2 });
  paymentDb.on('error', () => undefined);
  const [admin, organizer] = await Promise.all([loginAdmin(stack.api), registerUser(stack.api, 'organizer')]);
  const processOf = (service: ServiceName) => stack.processes[service]!.child;
  const kill9 = async (service: ServiceName) => {
    const child = processOf(service);
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGKILL');
    await exited;
  };
  return {
    stack,
    redis,
    mongo,
    mail,
    admin,
    organizer,
    db: (service) => mongoClient.db(`${service}_db_${stack.plan.runId}`),
    paymentDb,
    stripe: new Stripe('sk_test_eventify_faults', { host: '127.0.0.1', port: stack.plan.stripe.port, protocol: 'http' }),
    kill9,
    async crash(service, whileDown) {
      await kill9(service);
      await whileDown?.();
      await stack.startService(service);
    },
    signal: (service, signal) => void processOf(service).kill(signal),
    async stop() {
      for (const name of ALL_SERVICES) processOf(name).kill('SIGCONT');
      await stack.stop();
      await mongoClient.close();
      await paymentDb.end();
      await mail.close();
      await Promise.all([redis.close(), mongo.close()]);
    },
  };
}

/** One row of the closing table: which fault was injected, what was checked afterwards. */
export function recordFault(fault: string, outcome: string): void {
  if (process.env.FAULT_REPORT) appendFileSync(process.env.FAULT_REPORT, JSON.stringify({ fault, outcome }) + '\n');
}

export function recordFuzzed(requests: number): void {
  if (process.env.FAULT_REPORT) appendFileSync(process.env.FAULT_REPORT, JSON.stringify({ fuzzed: requests }) + '\n');
}

/** Integration events of one type on the fault stack's bus. */
export async function busEvents(f: FaultStack, type: string): Promise<{ id: string; data: Record<string, unknown> }[]> {
  const redis = new Redis(f.redis.url, { maxRetriesPerRequest: 1 });
  try {
    const entries = await redis.xrange(`${f.stack.plan.namespace}:stream:${type}`, '-', '+');
    return entries.map(([, fields]) => JSON.parse(fields[1]!));
  } finally {
    redis.disconnect();
  }
}
