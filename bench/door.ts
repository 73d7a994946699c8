/**
 * The door through the gateway: N distinct tickets scanned once each with C connections (first scans: every one
 * an admission), then all of them again (rescans: every one `already_used`). Beside them, in the same run and on
 * the same servers, the two bare operations a design could be built on: Redis SET NX and a single MongoDB-protocol
 * insert (FerretDB), each N times with C at once. Checks that every ticket was admitted exactly once.
 *
 *   npm run bench:door [-- --tickets 2000 --connections 50]
 *   node --conditions=development --import tsx bench/door.ts
 *
 * Tickets are issued by the qr service's own path (BookingConfirmed on the bus, 100 seats a booking), so no
 * booking or payment is needed; the organizer scans (the door staff's check is the same).
 */
import { randomUUID } from 'node:crypto';
import { parseArgs } from 'node:util';
import { Redis } from 'ioredis';
import { MongoClient } from 'mongodb';
import {
  TEST_ADMIN_ENV,
  eventInput,
  loginAdmin,
  poll,
  publishEvent,
  registerUser,
  startTestStack,
  type TestStack,
  type TestUser,
} from '@eventify/testing';
import { cpuMs, stackMemoryRows, treeCpuMs } from './support/memory.js';
import { isMain, type BenchRow } from './support/rows.js';
import { printRows } from './support/table.js';

export interface DoorBenchOptions {
  tickets?: number;
  connections?: number;
  /** Also scan `tickets` tickets of an event ten times the size (default true). */
  growth?: boolean;
}

interface AutocannonResult {
  latency: { p50: number; p99: number };
  errors: number;
  timeouts: number;
  non2xx: number;
}
interface AutocannonRequest {
  setupRequest?: (request: { body?: string }) => { body?: string };
  onResponse?: (status: number, body: string) => void;
}
const { default: autocannon } = (await import('autocannon')) as unknown as {
  default: (options: {
    url: string;
    method: string;
    headers: Record<string, string>;
    connections: number;
    amount: number;
    requests: AutocannonRequest[];
  }) => Promise<AutocannonResult>;
};

const PER_BOOKING = 100;
const WARM_UP = 50;

export async function run(options: DoorBenchOptions = {}): Promise<BenchRow[]> {
  const tickets = options.tickets ?? 2000;
  const connections = options.connections ?? 50;
  // Services start from their compiled output when it is there (npm run bench:door builds first), as in the tests.
  process.env.EVENTIFY_TEST_COMPILED ??= '1';
  const stack = await startTestStack({
    services: ['auth', 'event', 'approval', 'qr'],
    env: { auth: TEST_ADMIN_ENV },
    checkResponses: false,
  });
  const mongo = await MongoClient.connect(stack.plan.infra.mongo, { maxPoolSize: connections });
  const redis = new Redis(stack.plan.infra.redis);
  try {
    const admin = await loginAdmin(stack.api);
    const organizer = await registerUser(stack.api, 'organizer');
    const eventOf = (capacity: number) =>
      publishEvent(
        stack.api,
        organizer,
        admin,
        eventInput({ tiers: [{ name: 'Floor', price: 0, currency: 'EUR', capacity, maxPerOrder: 10 }] }),
      );
    const event = await eventOf(tickets + WARM_UP);
    const codes = await issue(stack, mongo, redis, organizer, event, tickets + WARM_UP);
    // CPU time the gateway and qr processes spend per scan: where a saturated machine's time goes.
    const cpu = () => ({ gateway: treeCpuMs(stack.processes.gateway!.child.pid!), qr: cpuMs(stack.processes.qr!.child.pid!) });
    const scan = async (list: string[]) => {
      const before = cpu();
      const result = await scanAll(stack, organizer, event.id, list, connections);
      const after = cpu();
      return { ...result, gatewayCpu: (after.gateway - before.gateway) / list.length, qrCpu: (after.qr - before.qr) / list.length };
    };

    await scan(codes.slice(0, WARM_UP)); // connections, JIT, the event's door state and tickets in memory
    const first = await scan(codes.slice(WARM_UP));
    const again = await scan(codes.slice(WARM_UP));
    const recorded = await mongo.db(`qr_db_${stack.plan.runId}`).collection('check_ins').countDocuments({ eventId: event.id });
    // Growth: the same number of first scans at an event ten times the size (its tickets loaded once per replica).
    let large: Awaited<ReturnType<typeof scan>> | undefined;
    if (options.growth ?? true) {
      const big = await eventOf(10 * tickets + WARM_UP);
      const bigCodes = await issue(stack, mongo, redis, organizer, big, 10 * tickets + WARM_UP);
      const scanBig = async (list: string[]) => scanAll(stack, organizer, big.id, list, connections);
      await scanBig(bigCodes.slice(0, WARM_UP));
      large = { ...(await scanBig(bigCodes.slice(WARM_UP, WARM_UP + tickets))), gatewayCpu: 0, qrCpu: 0 };
      if (large.results.admitted !== tickets) {
        console.error(`door bench: unexpected answers at the large event: ${JSON.stringify(large.results)}`);
        process.exitCode = 1;
      }
    }
    const bareRedis = await bareSetNx(redis, stack.plan.namespace, tickets, connections);
    const bareInsert = await bareInserts(mongo, tickets, connections);

    const admittedTwice =
      Math.max(0, (first.results.admitted ?? 0) + (again.results.admitted ?? 0) - tickets) + Math.max(0, recorded - (tickets + WARM_UP));
    if (first.results.admitted !== tickets || again.results.already_used !== tickets || recorded !== tickets + WARM_UP) {
      console.error(
        `door bench: unexpected answers: first ${JSON.stringify(first.results)}, again ${JSON.stringify(again.results)}, records ${recorded} of ${tickets + WARM_UP}`,
      );
      process.exitCode = 1;
    }
    const path = `door (${tickets} tickets, ${connections} connections, gateway)`;
    return [
      {
        path,
        figure: 'first scans/s',
        value: first.perSecond,
        unit: '/s',
        baseline: { label: 'bare FerretDB insertOne/s', value: bareInsert },
        aim: '≥ 1000',
      },
      { path, figure: 'first scan p50', value: first.p50, unit: 'ms' },
      { path, figure: 'first scan p99', value: first.p99, unit: 'ms', aim: '≤ 50' },
      { path, figure: 'rescans/s', value: again.perSecond, unit: '/s', baseline: { label: 'bare Redis SET NX/s', value: bareRedis } },
      { path, figure: 'rescan p99', value: again.p99, unit: 'ms' },
      { path, figure: 'qr CPU per first scan', value: first.qrCpu, unit: 'ms' },
      { path, figure: 'qr CPU per rescan', value: again.qrCpu, unit: 'ms' },
      { path, figure: 'gateway CPU per scan', value: again.gatewayCpu, unit: 'ms' },
      { path, figure: 'second admissions', value: admittedTwice, unit: 'tickets', aim: '0' },
      { path, figure: 'failed requests', value: first.failed + again.failed + (large?.failed ?? 0), unit: 'requests', aim: '0' },
      ...(large
        ? [
            {
              path: `door growth: tickets ×10`,
              figure: `first scans/s, ${tickets} tickets of an event of ${10 * tickets} (baseline: of ${tickets})`,
              value: large.perSecond,
              unit: '/s',
              baseline: { label: `event of ${tickets}`, value: first.perSecond },
            },
            {
              path: `door growth: tickets ×10`,
              figure: 'first scan p99',
              value: large.p99,
              unit: 'ms',
              baseline: { label: `event of ${tickets}`, value: first.p99 },
            },
          ]
        : []),
      ...stackMemoryRows(stack, 'the door benchmark'),
    ];
  } finally {
    redis.disconnect();
    await mongo.close();
    await stack.stop();
  }
}

/** Issue `count` tickets through the qr service's own path and return their codes. */
async function issue(
  stack: TestStack,
  mongo: MongoClient,
  redis: Redis,
  buyer: TestUser,
  event: { id: string; tiers: { id: string }[] },
  count: number,
): Promise<string[]> {
  for (let issued = 0; issued < count; issued += PER_BOOKING) {
    const quantity = Math.min(PER_BOOKING, count - issued);
    const data = {
      bookingId: randomUUID(),
      userId: buyer.id,
      eventId: event.id,
      items: [{ tierId: event.tiers[0]!.id, tierName: 'Floor', quantity, unitPrice: 0, currency: 'EUR' }],
      amount: 0,
      currency: 'EUR',
      confirmedAt: new Date().toISOString(),
    };
    const envelope = { id: randomUUID(), type: 'BookingConfirmed', occurredAt: new Date().toISOString(), source: 'bench', data };
    await redis.xadd(`${stack.plan.namespace}:stream:BookingConfirmed`, '*', 'event', JSON.stringify(envelope));
  }
  const collection = mongo.db(`qr_db_${stack.plan.runId}`).collection<{ code: string }>('tickets');
  await poll(
    async () => (await collection.countDocuments({ eventId: event.id })) === count,
    `${count} tickets issued`,
    120_000 + 20 * count,
  );
  return (await collection.find({ eventId: event.id }, { projection: { code: 1 } }).toArray()).map((t) => t.code);
}

async function scanAll(stack: TestStack, scanner: TestUser, eventId: string, codes: string[], connections: number) {
  const results: Record<string, number> = {};
  let next = 0;
  // Timed here: autocannon's own start and finish move in whole seconds (2,000 scans in 4.1 s read as 5 s).
  const started = performance.now();
  let lastAnswer = started;
  const result = await autocannon({
    url: `${stack.gatewayUrl}/entry/scan`,
    method: 'POST',
    headers: { authorization: `Bearer ${scanner.token}`, 'content-type': 'application/json' },
    connections: Math.min(connections, codes.length),
    amount: codes.length,
    requests: [
      {
        setupRequest: (request) => {
          const i = next++;
          return { ...request, body: JSON.stringify({ qr: codes[i % codes.length], gate: `gate-${i % 4}`, eventId }) };
        },
        onResponse: (status, body) => {
          const key = status === 200 ? (JSON.parse(body) as { result: string }).result : `http ${status}`;
          results[key] = (results[key] ?? 0) + 1;
          lastAnswer = performance.now();
        },
      },
    ],
  });
  const seconds = (lastAnswer - started) / 1000;
  return {
    perSecond: codes.length / seconds,
    p50: result.latency.p50,
    p99: result.latency.p99,
    failed: result.errors + result.timeouts + result.non2xx,
    results,
  };
}

/** `count` SET NX of distinct keys, `concurrency` at a time, on one connection (as a service's). */
async function bareSetNx(admin: Redis, namespace: string, count: number, concurrency: number): Promise<number> {
  const prefix = `${namespace}:bench-door:${randomUUID()}`;
  const started = performance.now();
  await inParallel(count, concurrency, (i) => admin.set(`${prefix}:${i}`, '{"gate":"north"}', 'EX', 600, 'NX'));
  const perSecond = count / ((performance.now() - started) / 1000);
  await inParallel(Math.ceil(count / 500), 1, (i) =>
    admin.del(...Array.from({ length: Math.min(500, count - i * 500) }, (_, j) => `${prefix}:${i * 500 + j}`)),
  );
  return perSecond;
}

/** `count` single-document inserts into a scratch database, `concurrency` at a time. */
async function bareInserts(mongo: MongoClient, count: number, concurrency: number): Promise<number> {
  const db = mongo.db(`bench_door_${process.pid}`);
  try {
    const collection = db.collection<{ _id: string; gate: string; at: Date }>('check_ins');
    const started = performance.now();
    await inParallel(count, concurrency, (i) => collection.insertOne({ _id: `t${i}`, gate: 'north', at: new Date() }));
    return count / ((performance.now() - started) / 1000);
  } finally {
    await db.dropDatabase().catch(() => undefined);
  }
}

async function inParallel(count: number, concurrency: number, work: (i: number) => Promise<unknown>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, count) }, async () => {
      while (next < count) await work(next++);
    }),
  );
}

if (isMain(import.meta.url)) {
  const { values } = parseArgs({
    options: {
      tickets: { type: 'string', default: '2000' },
      connections: { type: 'string', default: '50' },
      growth: { type: 'boolean', default: true },
    },
    allowNegative: true,
  });
  const rows = await run({ tickets: Number(values.tickets), connections: Number(values.connections), growth: values.growth });
  console.log(printRows(rows));
}
