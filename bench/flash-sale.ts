/**
 * Flash sale through the gateway: N buyers ask at once for M seats of one tier, then late buyers arrive once it is
 * sold out, then a second, smaller sale (10 buyers a seat). Rows for `npm run bench`: tickets sold per second beside
 * the same machine's rate for a bare guarded update (`$inc` if `available >= 1`) on the same MongoDB-protocol server,
 * latency, how fast a late buyer hears "sold out" and whether that wrote anything, the oversold count, memory.
 *
 *   npm run bench -- --only flash-sale
 *   npm run bench:flash-sale -- --buyers 2000 --seats 1000 --replicas 1,2   # one stack per count, every service that many times
 */
import { parseArgs } from 'node:util';
import { MongoClient } from 'mongodb';
import {
  TEST_ADMIN_ENV,
  eventInput,
  loginAdmin,
  publishEvent,
  registerUser,
  startTestStack,
  type TestStack,
  type TestUser,
} from '@eventify/testing';
import { stackMemoryRows } from './support/memory.js';
import { isMain, type BenchRow } from './support/rows.js';
import { printRows } from './support/table.js';

export interface FlashSaleOptions {
  buyers?: number;
  seats?: number;
  /** Buyers that arrive after the sale is sold out, one after another at 20 at a time. */
  late?: number;
  accounts?: number;
  replicas?: number;
}

const SERVICES = ['auth', 'event', 'approval', 'booking'] as const;
const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;

export async function run(options: FlashSaleOptions = {}): Promise<BenchRow[]> {
  const buyers = options.buyers ?? 2000;
  const seats = options.seats ?? 1000;
  const late = options.late ?? 400;
  const replicas = options.replicas ?? 1;
  process.env.EVENTIFY_TEST_COMPILED ??= '1';
  const stack = await startTestStack({
    // Measured: without the test harness's check of every answer.
    checkResponses: false,
    services: [...SERVICES],
    replicas: Object.fromEntries(SERVICES.map((name) => [name, replicas])),
    // The big tier below is filled by writing its ledger directly: no reconciler may give those seats back meanwhile.
    env: {
      auth: TEST_ADMIN_ENV,
      gateway: { UPSTREAM_TIMEOUT_MS: '300000' },
      event: { SEAT_RECONCILE_INTERVAL_MS: '3600000' },
    },
  });
  const mongo = await MongoClient.connect(stack.plan.infra.mongo, { maxPoolSize: 20 });
  try {
    const organizer = await registerUser(stack.api, 'organizer');
    const admin = await loginAdmin(stack.api);
    const accounts = await Promise.all(Array.from({ length: Math.min(options.accounts ?? 50, buyers) }, () => registerUser(stack.api)));
    const bookings = mongo.db(`booking_db_${stack.plan.runId}`).collection('bookings');
    const bare = await bareConditionalUpdate(mongo, buyers, seats);

    const main = await sale(stack, organizer, admin, accounts, buyers, seats);
    const storedBefore = await bookings.countDocuments();
    const lateAnswers = await lateBuyers(stack, accounts, main.event, late);
    const writtenByLate = (await bookings.countDocuments()) - storedBefore;
    const small = await sale(
      stack,
      organizer,
      admin,
      accounts,
      Math.max(10, Math.round(seats / 10)) * 10,
      Math.max(10, Math.round(seats / 10)),
    );
    const smallLosers = small.answers.get(409) ?? 0;
    const smallFailedStored = await bookings.countDocuments({ eventId: small.event.id, status: 'failed' });
    // Growth: a tenth of the buyers for a tenth of the seats, against the main sale; and the same sale from a tier
    // of 1,000 seats against one of 50,000 of which 49,000 are already sold (the ledger holds every holder).
    const tenth = await sale(stack, organizer, admin, accounts, Math.max(2, Math.round(buyers / 10)), Math.max(1, Math.round(seats / 10)));
    const perTier = Math.min(500, seats);
    const thousand = await sale(stack, organizer, admin, accounts, perTier, 1_000);
    const fiftyThousand = await sale(stack, organizer, admin, accounts, perTier, 50_000, (event) => prefill(mongo, stack, event, 49_000));

    const path = `flash sale (${buyers} buyers, ${seats} seats${replicas > 1 ? `, ${replicas} replicas` : ''}, gateway)`;
    const smallPath = `flash sale (${small.buyers} buyers, ${small.seats} seats)`;
    return [
      {
        path,
        figure: 'tickets sold/s',
        value: main.ticketsPerSecond,
        unit: '/s',
        baseline: { label: 'bare guarded update/s', value: bare.updatesPerSecond },
        aim: '≥ 500',
      },
      { path, figure: 'p50', value: main.p50, unit: 'ms' },
      { path, figure: 'p99', value: main.p99, unit: 'ms', aim: '≤ 3000' },
      { path, figure: 'oversold', value: main.oversold, unit: 'seats', aim: '0' },
      { path, figure: 'unexpected answers', value: main.unexpected, unit: 'requests', aim: '0' },
      { path, figure: `"sold out" p99 (${late} late buyers, 20 at a time)`, value: lateAnswers.p99, unit: 'ms', aim: '≤ 50' },
      { path, figure: 'bookings written by late buyers', value: writtenByLate, unit: 'documents', aim: '0' },
      { path: smallPath, figure: 'requests/s', value: small.requestsPerSecond, unit: '/s' },
      { path: smallPath, figure: 'p50', value: small.p50, unit: 'ms' },
      { path: smallPath, figure: 'losers that wrote a booking', value: smallFailedStored, unit: `of ${smallLosers}`, aim: '0' },
      { path: smallPath, figure: 'oversold', value: small.oversold, unit: 'seats', aim: '0' },
      {
        path: 'flash sale growth: buyers and seats ×10',
        figure: `tickets sold/s, ${buyers} buyers for ${seats} seats (baseline: ${tenth.buyers} for ${tenth.seats})`,
        value: main.ticketsPerSecond,
        unit: '/s',
        baseline: { label: `${tenth.buyers} buyers`, value: tenth.ticketsPerSecond },
      },
      {
        path: 'flash sale growth: buyers and seats ×10',
        figure: `p99, ${buyers} buyers (baseline: ${tenth.buyers})`,
        value: main.p99,
        unit: 'ms',
        baseline: { label: `${tenth.buyers} buyers`, value: tenth.p99 },
      },
      {
        path: `flash sale growth: a tier of 50,000 (49,000 sold) against one of 1,000`,
        figure: `tickets sold/s, ${perTier} buyers`,
        value: fiftyThousand.ticketsPerSecond,
        unit: '/s',
        baseline: { label: '1,000-seat tier', value: thousand.ticketsPerSecond },
        aim: 'ratio ≥ 0.8',
      },
      ...stackMemoryRows(stack, 'flash sale'),
    ];
  } finally {
    await mongo.close();
    await stack.stop();
  }
}

/** Publishes a free one-tier event (`before` may prepare it) and sends every buyer's request at once. */
async function sale(
  stack: TestStack,
  organizer: TestUser,
  admin: TestUser,
  accounts: TestUser[],
  buyers: number,
  seats: number,
  before?: (event: { id: string; tierId: string }) => Promise<void>,
) {
  const event = await publishEvent(
    stack.api,
    organizer,
    admin,
    eventInput({ tiers: [{ name: 'Flash', price: 0, currency: 'EUR', capacity: seats, maxPerOrder: 1 }] }),
  );
  const tierId = event.tiers[0]!.id as string;
  await before?.({ id: event.id, tierId });
  const latencies: number[] = [];
  const answers = new Map<number, number>();
  const started = performance.now();
  await Promise.all(
    Array.from({ length: buyers }, async (_, i) => {
      const t0 = performance.now();
      const response = await stack.api.post(
        '/bookings',
        { eventId: event.id, items: [{ tierId, quantity: 1 }] },
        { token: accounts[i % accounts.length]!.token, timeoutMs: 300_000 },
      );
      latencies.push(performance.now() - t0);
      answers.set(response.status, (answers.get(response.status) ?? 0) + 1);
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  const sold = answers.get(201) ?? 0;
  const left = (await stack.api.get(`/events/${event.id}`)).body.tiers[0].available as number;
  latencies.sort((a, b) => a - b);
  return {
    event: { id: event.id as string, tierId },
    buyers,
    seats,
    answers,
    ticketsPerSecond: sold / seconds,
    requestsPerSecond: buyers / seconds,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    oversold: Math.max(0, sold - seats) + Math.max(0, -left),
    unexpected: buyers - sold - (answers.get(409) ?? 0),
  };
}

/** Buyers who come after the sale sold out, 20 at a time: how long until they hear so. */
async function lateBuyers(stack: TestStack, accounts: TestUser[], event: { id: string; tierId: string }, count: number) {
  const latencies: number[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: 20 }, async () => {
      while (next < count) {
        const i = next++;
        const t0 = performance.now();
        const response = await stack.api.post(
          '/bookings',
          { eventId: event.id, items: [{ tierId: event.tierId, quantity: 1 }] },
          { token: accounts[i % accounts.length]!.token },
        );
        latencies.push(performance.now() - t0);
        if (response.status !== 409)
          throw new Error(`a late buyer got ${response.status}, not 409 sold out: ${response.text.slice(0, 200)}`);
      }
    }),
  );
  latencies.sort((a, b) => a - b);
  return { p50: percentile(latencies, 50), p99: percentile(latencies, 99) };
}

/**
 * A tier with `sold` seats already held, as if that many buyers had come before: written straight into the event
 * service's ledger (selling them through the API would take longer than the whole benchmark may).
 */
async function prefill(mongo: MongoClient, stack: TestStack, event: { id: string; tierId: string }, sold: number) {
  const db = mongo.db(`event_db_${stack.plan.runId}`);
  const ledger = `${event.id}:${event.tierId}`;
  const at = new Date();
  const holds = Array.from({ length: sold }, (_, i) => ({
    _id: `${ledger}:prefill-${i}`,
    ledger,
    eventId: event.id,
    tierId: event.tierId,
    b: `prefill-${i}`,
    q: 1,
    at,
  }));
  for (let i = 0; i < holds.length; i += 5_000) await db.collection<{ _id: string }>('seat_holds').insertMany(holds.slice(i, i + 5_000));
  const updated = await db
    .collection<{ _id: string; available: number }>('seat_ledgers')
    .updateOne({ _id: ledger }, { $inc: { available: -sold } });
  if (updated.modifiedCount !== 1) throw new Error("the big tier's ledger was not found to fill");
}

/** The same number of takers with bare guarded updates on the same server: no HTTP, no lock, no holds. */
async function bareConditionalUpdate(client: MongoClient, takers: number, seats: number) {
  const db = client.db(`bench_bare_${process.pid}`);
  try {
    const collection = db.collection<{ _id: string; available: number }>('seats');
    await collection.insertOne({ _id: 'tier', available: seats });
    let won = 0;
    const started = performance.now();
    await Promise.all(
      Array.from({ length: takers }, async () => {
        if (await collection.findOneAndUpdate({ _id: 'tier', available: { $gte: 1 } }, { $inc: { available: -1 } })) won++;
      }),
    );
    // FerretDB 1.x does not make this guarded update atomic: `won` may exceed the seats (see packages/kit/src/mutex.ts).
    return { updatesPerSecond: takers / ((performance.now() - started) / 1000), won };
  } finally {
    await db.dropDatabase().catch(() => undefined);
  }
}

if (isMain(import.meta.url)) {
  const { values } = parseArgs({
    options: {
      buyers: { type: 'string', default: '2000' },
      seats: { type: 'string', default: '1000' },
      late: { type: 'string', default: '400' },
      accounts: { type: 'string', default: '50' },
      replicas: { type: 'string', default: '1' },
    },
  });
  const counts = values.replicas.split(',').map(Number);
  if (counts.some((n) => !Number.isInteger(n) || n < 1))
    throw new Error(`--replicas: whole numbers from 1, comma separated, not "${values.replicas}"`);
  for (const replicas of counts) {
    const rows = await run({
      buyers: Number(values.buyers),
      seats: Number(values.seats),
      late: Number(values.late),
      accounts: Number(values.accounts),
      replicas,
    });
    console.log(printRows(rows));
    if (rows.some((r) => r.figure === 'oversold' && r.value > 0)) process.exitCode = 1;
  }
}
