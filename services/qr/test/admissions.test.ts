import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Redis } from 'ioredis';
import { MongoClient, type Db } from 'mongodb';
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

// The door's fast path (docs/performance.md#door): admissions decided in Redis, written to MongoDB in batches,
// with two qr replicas, a qr killed with admissions in flight, and a Redis that lost the door's keys.
let stack: TestStack;
let organizer: TestUser;
let attendee: TestUser;
let event: { id: string; tiers: { id: string }[] };
let mongo: MongoClient;
let db: Db;
let redis: Redis;

before(async () => {
  stack = await startTestStack({
    services: ['auth', 'event', 'approval', 'booking', 'qr'],
    replicas: { qr: 2 },
    // Small batches, so a burst leaves admissions pending; orphans taken over after a second.
    env: { auth: TEST_ADMIN_ENV, qr: { CHECKIN_BATCH_MAX: '4', CHECKIN_ORPHAN_AFTER_MS: '1000' } },
  });
  [organizer, attendee] = await Promise.all([registerUser(stack.api, 'organizer'), registerUser(stack.api)]);
  const admin = await loginAdmin(stack.api);
  event = await publishEvent(
    stack.api,
    organizer,
    admin,
    eventInput({ tiers: [{ name: 'Floor', price: 0, currency: 'EUR', capacity: 500, maxPerOrder: 10 }] }),
  );
  mongo = await MongoClient.connect(stack.plan.infra.mongo);
  db = mongo.db(`qr_db_${stack.plan.runId}`);
  redis = new Redis(stack.plan.infra.redis);
});
after(async () => {
  redis?.disconnect();
  await mongo?.close();
  await stack?.stop();
});

interface Ticket {
  id: string;
  bookingId: string;
  qr: string;
}

async function ticketsFor(quantity: number): Promise<Ticket[]> {
  const all: Ticket[] = [];
  for (let left = quantity; left > 0; left -= 10) {
    const booking = await stack.api.post(
      '/bookings',
      { eventId: event.id, items: [{ tierId: event.tiers[0]!.id, quantity: Math.min(10, left) }] },
      { token: attendee.token },
    );
    assert.equal(booking.status, 201, booking.text);
    all.push(
      ...(await poll(async () => {
        const list = await stack.api.get(`/tickets?eventId=${event.id}&limit=100`, { token: attendee.token });
        const mine = (list.body.items as Ticket[]).filter((t) => t.bookingId === booking.body.id);
        return mine.length === Math.min(10, left) ? mine : undefined;
      }, 'tickets issued')),
    );
  }
  return all;
}

const scan = (qr: string, gate: string) => stack.api.post('/entry/scan', { qr, gate, eventId: event.id }, { token: organizer.token });
const records = async (ids: string[]) =>
  new Map(
    (
      await db
        .collection<{ _id: string; gate: string; at: Date }>('check_ins')
        .find({ _id: { $in: ids } })
        .toArray()
    ).map((c) => [c._id, c]),
  );
const pendingKey = () => `${stack.plan.namespace}:qr:door:pending`;

async function deleteKeys(pattern: string): Promise<number> {
  let cursor = '0';
  let deleted = 0;
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 500);
    cursor = next;
    if (keys.length) deleted += await redis.del(...keys);
  } while (cursor !== '0');
  return deleted;
}

/** Distinct TicketCheckedIn events of a ticket on the bus (two replicas' relays may publish one twice, with the same id). */
async function checkedInEvents(ticketId: string) {
  const events = (await redis.xrange(`${stack.plan.namespace}:stream:TicketCheckedIn`, '-', '+')).map(([, f]) => JSON.parse(f[1]!));
  return new Set(events.filter((e) => e.data.ticketId === ticketId).map((e) => e.id)).size;
}

describe('admission decided in Redis, written in batches', () => {
  it('admits each ticket exactly once when many gates scan many tickets at once, across two qr replicas', async () => {
    const tickets = await ticketsFor(10);
    const answers = await Promise.all(
      tickets.flatMap((t) =>
        Array.from({ length: 8 }, (_, i) => scan(t.qr, `gate-${i}`).then((r) => ({ ticket: t.id, status: r.status, body: r.body }))),
      ),
    );
    const stored = await records(tickets.map((t) => t.id));
    for (const ticket of tickets) {
      const mine = answers.filter((a) => a.ticket === ticket.id);
      assert.ok(
        mine.every((a) => a.status === 200),
        JSON.stringify(mine.filter((a) => a.status !== 200)),
      );
      const admitted = mine.filter((a) => a.body.result === 'admitted');
      assert.equal(admitted.length, 1, mine.map((a) => a.body.result).join(' '));
      assert.equal(mine.filter((a) => a.body.result === 'already_used').length, 7);
      // Everyone names the one admission, which is the one on record.
      const record = stored.get(ticket.id);
      assert.equal(record?.gate, admitted[0]!.body.gate);
      for (const answer of mine) assert.deepEqual([answer.body.gate, answer.body.checkedInAt], [record!.gate, record!.at.toISOString()]);
    }
    for (const ticket of tickets) await poll(async () => (await checkedInEvents(ticket.id)) === 1, `TicketCheckedIn for ${ticket.id}`);
    const stats = (await stack.api.get(`/entry/events/${event.id}/stats`, { token: organizer.token })).body;
    assert.ok(stats.checkedIn >= 10);
  });

  it('a qr process killed with admissions in flight loses none: the other replica writes them, a rescan says already_used', async () => {
    const tickets = await ticketsFor(40);
    // Straight to the first replica, so its own admissions are the ones left pending when it dies.
    const direct = stack.direct('qr');
    const scans = tickets.map((t) =>
      direct
        .post('/entry/scan', { qr: t.qr, gate: 'north', eventId: event.id }, { token: organizer.token })
        .then((r) => ({ ticket: t.id, result: r.status === 200 ? (r.body.result as string) : `http ${r.status}` }))
        .catch(() => ({ ticket: t.id, result: 'no answer' })),
    );
    // Killed while an admission is decided in Redis and not yet written. A batch takes milliseconds, so the process is
    // frozen first (SIGSTOP: it writes nothing more) and what is pending then is what it leaves behind; if it finished
    // that batch before the signal landed, it runs on until the next one is pending.
    const child = stack.replicas.qr![0]!.child;
    let pendingAtKill = 0;
    for (const deadline = Date.now() + 10_000; pendingAtKill === 0;) {
      assert.ok(Date.now() < deadline, 'an admission pending');
      if ((await redis.xlen(pendingKey())) === 0) continue;
      child.kill('SIGSTOP');
      await new Promise((r) => setTimeout(r, 50));
      pendingAtKill = await redis.xlen(pendingKey());
      if (pendingAtKill === 0) child.kill('SIGCONT');
    }
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGKILL');
    await exited;
    const answers = await Promise.all(scans);
    assert.ok(pendingAtKill > 0, `admissions were pending when qr died (${answers.map((a) => a.result).join(' ')})`);
    const answered = answers.filter((a) => a.result === 'admitted').map((a) => a.ticket);
    const stored = await records(tickets.map((t) => t.id));
    for (const id of answered) assert.ok(stored.has(id), `${id} was answered admitted, so it is on record`);

    // The surviving replica takes the dead one's pending admissions over.
    await poll(async () => (await redis.xlen(pendingKey())) === 0, 'pending admissions written', 15_000);
    await stack.startReplica('qr', 0);
    const after = await records(tickets.map((t) => t.id));
    assert.ok(
      after.size >= answered.length + pendingAtKill,
      `${after.size} on record; ${answered.length} answered, ${pendingAtKill} pending at the kill`,
    );
    // Every ticket Redis let in is on record, and every one on record is refused now; the rest admit once.
    const rescans = await Promise.all(tickets.map(async (t) => ({ ticket: t.id, body: (await scan(t.qr, 'south')).body })));
    for (const { ticket, body } of rescans) {
      const record = after.get(ticket);
      if (record) assert.deepEqual([body.result, body.gate, body.checkedInAt], ['already_used', 'north', record.at.toISOString()], ticket);
      else assert.equal(body.result, 'admitted', `${ticket}: never admitted before, so it admits now`);
    }
    for (const ticket of tickets) await poll(async () => (await checkedInEvents(ticket.id)) === 1, `one TicketCheckedIn for ${ticket.id}`);
  });

  it("a Redis that lost the door's keys admits nobody twice: the door state is rebuilt from MongoDB", async () => {
    const tickets = await ticketsFor(6);
    const [cancelledOne] = await ticketsFor(1);
    const admitted = tickets.slice(0, 4);
    for (const [i, t] of admitted.entries()) assert.equal((await scan(t.qr, `gate-${i}`)).body.result, 'admitted');
    assert.equal((await stack.api.post(`/bookings/${cancelledOne!.bookingId}/cancel`, undefined, { token: attendee.token })).status, 200);
    await poll(
      async () => (await stack.api.get(`/tickets/${cancelledOne!.id}`, { token: attendee.token })).body.status === 'cancelled',
      'ticket voided',
    );
    assert.equal((await scan(cancelledOne!.qr, 'north')).body.result, 'cancelled');

    // As after a Redis restart without persistence: every key of the qr service is gone (fence, check-ins, voided, caches).
    assert.ok((await deleteKeys(`${stack.plan.namespace}:qr:*`)) > 0);
    const answers = await Promise.all(
      [...tickets, cancelledOne!].flatMap((t) =>
        Array.from({ length: 4 }, () => scan(t.qr, 'late').then((r) => ({ ticket: t.id, body: r.body }))),
      ),
    );
    for (const [i, t] of admitted.entries()) {
      for (const { body } of answers.filter((a) => a.ticket === t.id))
        assert.deepEqual([body.result, body.gate], ['already_used', `gate-${i}`]);
    }
    for (const t of tickets.slice(4))
      assert.equal(
        answers.filter((a) => a.ticket === t.id && a.body.result === 'admitted').length,
        1,
        'a ticket never scanned admits once',
      );
    assert.ok(answers.filter((a) => a.ticket === cancelledOne!.id).every((a) => a.body.result === 'cancelled'));

    // Only one ticket's key lost, the fence still up: the unique record still refuses it, and Redis learns it again.
    await redis.del(`${stack.plan.namespace}:qr:door:checkin:${admitted[0]!.id}`);
    const lost = await scan(admitted[0]!.qr, 'again');
    assert.deepEqual([lost.body.result, lost.body.gate], ['already_used', 'gate-0']);
    const again = await Promise.all(Array.from({ length: 4 }, () => scan(admitted[0]!.qr, 'again')));
    assert.deepEqual(
      again.map((r) => [r.body.result, r.body.gate]),
      Array.from({ length: 4 }, () => ['already_used', 'gate-0']),
    );
    assert.equal(JSON.parse((await redis.get(`${stack.plan.namespace}:qr:door:checkin:${admitted[0]!.id}`))!).gate, 'gate-0');
    assert.equal((await records(tickets.map((t) => t.id))).size, 6);
    await new Promise((r) => setTimeout(r, 500));
    for (const t of tickets) assert.equal(await checkedInEvents(t.id), 1, t.id);
  });
});
