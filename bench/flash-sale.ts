/**
 * Flash sale through the gateway: N buyers ask at once for M seats of one tier.
 * Prints tickets sold per second, requests per second, p50/p99 latency and the oversold count, and beside
 * it the same machine's rate for a bare conditional update ($inc guarded by `available >= 1`) on the same
 * MongoDB-protocol database, with the ratio between the two.
 *
 *   npm run bench:flash-sale -- --buyers 1000 --seats 100
 *   npm run bench:flash-sale -- --buyers 2000 --seats 1000 --replicas 1,2   # one stack per count, every service that many times
 */
import { parseArgs } from 'node:util';
import { MongoClient } from 'mongodb';
import { TEST_ADMIN_ENV, eventInput, loginAdmin, publishEvent, registerUser, startTestStack, type TestStack } from '@eventify/testing';

const { values } = parseArgs({
  options: {
    buyers: { type: 'string', default: '1000' },
    seats: { type: 'string', default: '100' },
    accounts: { type: 'string', default: '50' },
    /** Replicas of every service, one run per value: "1,2" compares one process each with two. */
    replicas: { type: 'string', default: '1' },
  },
});
const N = Number(values.buyers);
const M = Number(values.seats);
const ACCOUNTS = Math.min(Number(values.accounts), N);
const REPLICA_COUNTS = values.replicas.split(',').map(Number);
if (REPLICA_COUNTS.some((n) => !Number.isInteger(n) || n < 1)) throw new Error(`--replicas: whole numbers from 1, comma separated, not "${values.replicas}"`);

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;

async function flashSale(stack: TestStack) {
  const organizer = await registerUser(stack.api, 'organizer');
  const admin = await loginAdmin(stack.api);
  const buyers = await Promise.all(Array.from({ length: ACCOUNTS }, () => registerUser(stack.api)));
  const event = await publishEvent(stack.api, organizer, admin, eventInput({ tiers: [{ name: 'Flash', price: 0, currency: 'EUR', capacity: M, maxPerOrder: 1 }] }));
  const tierId = event.tiers[0]!.id as string;

  const latencies: number[] = [];
  const statuses = new Map<number, number>();
  const started = performance.now();
  await Promise.all(
    Array.from({ length: N }, async (_, i) => {
      const t0 = performance.now();
      const response = await stack.api.post('/bookings', { eventId: event.id, items: [{ tierId, quantity: 1 }] }, { token: buyers[i % ACCOUNTS]!.token, timeoutMs: 300_000 });
      latencies.push(performance.now() - t0);
      statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  const sold = statuses.get(201) ?? 0;
  const available = (await stack.api.get(`/events/${event.id}`)).body.tiers[0].available as number;
  latencies.sort((a, b) => a - b);
  return {
    seconds,
    sold,
    statuses: Object.fromEntries(statuses),
    ticketsPerSecond: sold / seconds,
    requestsPerSecond: N / seconds,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    oversold: Math.max(0, sold - M) + Math.max(0, -available),
    seatsLeftAfter: available,
  };
}

/** The same number of seats taken with bare guarded updates on the same server: no HTTP, no lock, no ledger of holders. */
async function bareConditionalUpdate(mongoUrl: string) {
  const client = await MongoClient.connect(mongoUrl, { maxPoolSize: 20 });
  const db = client.db(`bench_bare_${process.pid}`);
  try {
    const seats = db.collection<{ _id: string; available: number }>('seats');
    await seats.insertOne({ _id: 'tier', available: M });
    let won = 0;
    const started = performance.now();
    await Promise.all(
      Array.from({ length: N }, async () => {
        const updated = await seats.findOneAndUpdate({ _id: 'tier', available: { $gte: 1 } }, { $inc: { available: -1 } });
        if (updated) won++;
      }),
    );
    const seconds = (performance.now() - started) / 1000;
    const left = (await seats.findOne({ _id: 'tier' }))!.available;
    return { seconds, updatesPerSecond: N / seconds, won, oversold: Math.max(0, won - M) + Math.max(0, -left), seatsLeftAfter: left };
  } finally {
    await db.dropDatabase().catch(() => undefined);
    await client.close();
  }
}

const SERVICES = ['auth', 'event', 'approval', 'booking'] as const;
for (const replicas of REPLICA_COUNTS) {
  const stack = await startTestStack({
    // Measured: without the test harness's check of every answer.
    checkResponses: false,
    services: [...SERVICES],
    replicas: Object.fromEntries(SERVICES.map((name) => [name, replicas])),
    env: { auth: TEST_ADMIN_ENV, gateway: { UPSTREAM_TIMEOUT_MS: '300000' } },
  });
  try {
    console.log(`\nflash sale: ${N} buyers (${ACCOUNTS} accounts), ${M} seats, all at once, through the gateway; ${replicas} replica(s) of each service`);
    report(await flashSale(stack), await bareConditionalUpdate(stack.plan.infra.mongo));
  } finally {
    await stack.stop();
  }
}

function report(sale: Awaited<ReturnType<typeof flashSale>>, bare: Awaited<ReturnType<typeof bareConditionalUpdate>>) {
  const rows = [
    ['', 'Eventify (gateway → booking → event)', 'bare conditional update'],
    ['requests/s', sale.requestsPerSecond.toFixed(1), bare.updatesPerSecond.toFixed(1)],
    ['tickets sold/s', sale.ticketsPerSecond.toFixed(1), (Math.min(bare.won, M) / bare.seconds).toFixed(1)],
    ['p50 latency ms', sale.p50.toFixed(0), '-'],
    ['p99 latency ms', sale.p99.toFixed(0), '-'],
    ['sold / won', String(sale.sold), String(bare.won)],
    ['oversold', String(sale.oversold), String(bare.oversold)],
    ['seats left after', String(sale.seatsLeftAfter), String(bare.seatsLeftAfter)],
    ['wall time s', sale.seconds.toFixed(2), bare.seconds.toFixed(2)],
  ];
  for (const row of rows) console.log(`${row[0]!.padEnd(18)} ${row[1]!.padStart(38)} ${row[2]!.padStart(26)}`);
  console.log(`ratio requests/s, Eventify ÷ bare update: ${(sale.requestsPerSecond / bare.updatesPerSecond).toFixed(3)}`);
  console.log(`answers: ${JSON.stringify(sale.statuses)}`);
  if (bare.oversold > 0) console.log('note: the bare update oversold — this MongoDB-protocol server does not make guarded updates atomic (see packages/kit/src/mutex.ts).');
  if (sale.oversold > 0) process.exitCode = 1;
}
