import assert from 'node:assert/strict';
import { createPublicKey, verify } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { Redis } from 'ioredis';
import {
  TEST_ADMIN_ENV,
  devDefaults,
  eventInput,
  loginAdmin,
  poll,
  publishEvent,
  registerUser,
  startTestStack,
  type TestStack,
  type TestUser,
} from '@eventify/testing';
import { legacyCode } from '../src/domain/ticket-code.js';

// The door with ET2 codes, door kits and offline check-ins, through the gateway with the real services.
let stack: TestStack;
let admin: TestUser;
let organizer: TestUser;
let staff: TestUser;
let attendee: TestUser;
let stranger: TestUser;
let event: { id: string; tiers: { id: string }[] };
let otherEvent: { id: string; tiers: { id: string }[] };

before(async () => {
  stack = await startTestStack({ services: ['auth', 'event', 'approval', 'booking', 'qr'], env: { auth: TEST_ADMIN_ENV } });
  [organizer, staff, attendee, stranger] = await Promise.all([
    registerUser(stack.api, 'organizer'),
    registerUser(stack.api),
    registerUser(stack.api),
    registerUser(stack.api),
  ]);
  admin = await loginAdmin(stack.api);
  const tiers = [{ name: 'Floor', price: 0, currency: 'EUR', capacity: 200, maxPerOrder: 10 }];
  event = await publishEvent(stack.api, organizer, admin, eventInput({ tiers }));
  otherEvent = await publishEvent(stack.api, organizer, admin, eventInput({ tiers }));
  assert.equal((await stack.api.post(`/events/${event.id}/staff`, { email: staff.email }, { token: organizer.token })).status, 200);
});
after(async () => {
  await stack?.stop();
});

interface Ticket {
  id: string;
  bookingId: string;
  qr: string;
}
interface Kit {
  eventId: string;
  keys: { kid: string; publicKey: string }[];
  cancelled: string[];
  checkedIn: { ticketId: string; at: string; gate: string }[];
  generatedAt: string;
}

async function ticketsFor(eventId: string, quantity: number, tierId = (eventId === event.id ? event : otherEvent).tiers[0]!.id) {
  const booking = await stack.api.post('/bookings', { eventId, items: [{ tierId, quantity }] }, { token: attendee.token });
  assert.equal(booking.status, 201, booking.text);
  return poll(async () => {
    const list = await stack.api.get(`/tickets?eventId=${eventId}&limit=100`, { token: attendee.token });
    const mine = (list.body.items as Ticket[]).filter((t) => t.bookingId === booking.body.id);
    return mine.length === quantity ? mine : undefined;
  }, 'tickets issued');
}

const kitOf = (user: TestUser | undefined, eventId = event.id) =>
  stack.api.get<Kit>(`/entry/events/${eventId}/door-kit`, user ? { token: user.token } : {});
const scan = (scanner: TestUser, body: Record<string, unknown>) => stack.api.post('/entry/scan', body, { token: scanner.token });
const upload = (scanner: TestUser, checkIns: unknown[], eventId = event.id) =>
  stack.api.post(`/entry/events/${eventId}/check-ins`, { checkIns }, { token: scanner.token });
const stats = async () => (await stack.api.get(`/entry/events/${event.id}/stats`, { token: organizer.token })).body;

/** What a scanner does offline with its kit: Ed25519 over the text before the last dot, with the key the code names. */
function verifiesOffline(kit: Kit, code: string): boolean {
  const [version, , , kid] = code.split('.');
  const key = kit.keys.find((k) => k.kid === kid);
  if (version !== 'ET2' || !key) return false;
  const cut = code.lastIndexOf('.');
  const publicKey = createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: key.publicKey }, format: 'jwk' });
  return verify(null, Buffer.from(code.slice(0, cut)), publicKey, Buffer.from(code.slice(cut + 1), 'base64url'));
}

/** The same code with one character of its signature changed. */
const forge = (code: string) => code.slice(0, -10) + (code.at(-10) === 'A' ? 'B' : 'A') + code.slice(-9);

describe('the door kit', () => {
  it("is served to the event's staff, its organizer and admins only; others get 403 or 404 as problem+json", async () => {
    for (const user of [staff, organizer, admin]) assert.equal((await kitOf(user)).status, 200, user.email);
    for (const user of [stranger, attendee]) {
      const refused = await kitOf(user);
      assert.equal(refused.status, 403);
      assert.match(refused.headers.get('content-type') ?? '', /application\/problem\+json/);
      assert.match(refused.body.detail, /door staff and the organizer/);
    }
    assert.equal((await kitOf(staff, otherEvent.id)).status, 403, 'staff of another event');
    assert.equal((await kitOf(undefined)).status, 401);
    const unknown = await kitOf(admin, 'no-such-event');
    assert.equal(unknown.status, 404);
    assert.equal(unknown.body.title, 'Not found');
  });

  it('carries the public keys, cancelled tickets and check-ins so far, and nothing that could make a ticket', async () => {
    const [admitted, cancelledOne] = [...(await ticketsFor(event.id, 1)), ...(await ticketsFor(event.id, 1))];
    assert.equal((await scan(staff, { qr: admitted!.qr, gate: 'north', eventId: event.id })).body.result, 'admitted');
    const booking = cancelledOne!.bookingId;
    assert.equal((await stack.api.post(`/bookings/${booking}/cancel`, undefined, { token: attendee.token })).status, 200);
    const kit = await poll(async () => {
      const k = (await kitOf(staff)).body;
      return k.cancelled.includes(cancelledOne!.id) ? k : undefined;
    }, 'cancelled ticket in the kit');
    assert.equal(kit.eventId, event.id);
    assert.ok(Date.parse(kit.generatedAt) <= Date.now());
    const first = kit.checkedIn.find((c) => c.ticketId === admitted!.id);
    assert.equal(first?.gate, 'north');
    for (const key of kit.keys) {
      assert.deepEqual(Object.keys(key).sort(), ['kid', 'publicKey']);
      assert.equal(Buffer.from(key.publicKey, 'base64url').length, 32);
    }
    assert.doesNotMatch(JSON.stringify(kit), /privateKey|"d"|PRIVATE/);
    assert.ok(verifiesOffline(kit, admitted!.qr), 'a scanner checks a genuine code with the kit alone');
  });
});

describe('ET2 codes and key rotation', () => {
  it('refuses a code with a changed byte or an unknown key id, online and with the kit', async () => {
    const [ticket] = await ticketsFor(event.id, 1);
    const kit = (await kitOf(staff)).body;
    const [version, ticketId, eventId, , signature] = ticket!.qr.split('.');
    const unknownKid = [version, ticketId, eventId, 'zzzzzzzz', signature].join('.');
    for (const bad of [
      forge(ticket!.qr),
      unknownKid,
      ticket!.qr.replace(
        ticketId!,
        ticketId!.replace(/.$/, (c) => (c === 'A' ? 'B' : 'A')),
      ),
    ]) {
      assert.equal(verifiesOffline(kit, bad), false, bad);
      assert.equal((await scan(staff, { qr: bad, eventId: event.id })).body.result, 'invalid', bad);
    }
    assert.equal((await scan(staff, { qr: ticket!.qr, eventId: event.id })).body.result, 'admitted');
  });

  it('after a rotation, tickets signed by the retired key still admit, new tickets name the new key, and the kit has both', async () => {
    const [old] = await ticketsFor(event.id, 1);
    const oldKid = old!.qr.split('.')[3]!;
    assert.equal((await stack.api.post('/entry/keys/rotate', undefined, { token: organizer.token })).status, 403, 'admins only');
    const rotated = await stack.api.post('/entry/keys/rotate', undefined, { token: admin.token });
    assert.equal(rotated.status, 200, rotated.text);
    assert.ok(rotated.body.retiredKids.includes(oldKid));
    const [fresh] = await ticketsFor(event.id, 1);
    assert.equal(fresh!.qr.split('.')[3], rotated.body.activeKid);
    const kit = (await kitOf(staff)).body;
    assert.ok(kit.keys.some((k) => k.kid === oldKid) && kit.keys.some((k) => k.kid === rotated.body.activeKid));
    assert.ok(verifiesOffline(kit, old!.qr) && verifiesOffline(kit, fresh!.qr));
    assert.equal(
      (await scan(staff, { qr: old!.qr, eventId: event.id })).body.result,
      'admitted',
      'retired key, issued before the rotation',
    );
    assert.equal((await scan(staff, { qr: fresh!.qr, eventId: event.id })).body.result, 'admitted');
  });

  it('tickets issued with ET1 codes before the change still scan online', async () => {
    const [ticket] = await ticketsFor(event.id, 1);
    const secret = devDefaults('qr').QR_SIGNING_SECRET!;
    const et1 = legacyCode(secret, { ticketId: ticket!.id, eventId: event.id });
    assert.equal(verifiesOffline((await kitOf(staff)).body, et1), false, 'no door can check an ET1 code offline');
    assert.equal((await scan(staff, { qr: forge(et1), eventId: event.id })).body.result, 'invalid');
    const first = await scan(staff, { qr: et1, gate: 'east', eventId: event.id });
    assert.equal(first.body.result, 'admitted');
    assert.equal(first.body.ticket.id, ticket!.id);
    const again = await scan(staff, { qr: et1, eventId: event.id });
    assert.equal(again.body.result, 'already_used');
    assert.equal(again.body.gate, 'east');
  });
});

describe('offline check-ins', () => {
  it('records the first admission with its time and gate; a retry is a duplicate; another gate is a conflict; the first counts', async () => {
    const [ticket] = await ticketsFor(event.id, 1);
    const [cancelled] = await ticketsFor(event.id, 1);
    const [foreign] = await ticketsFor(otherEvent.id, 1);
    await stack.api.post(`/bookings/${cancelled!.bookingId}/cancel`, undefined, { token: attendee.token });
    await poll(
      async () => (await stack.api.get(`/tickets/${cancelled!.id}`, { token: attendee.token })).body.status === 'cancelled',
      'voided',
    );
    const before = await stats();
    const atNorth = new Date(Date.now() - 10 * 60_000).toISOString();
    const fromA = [
      { qr: ticket!.qr, gate: 'north', scannedAt: atNorth, scannerId: 'scanner-a' },
      { qr: forge(ticket!.qr), gate: 'north', scannedAt: atNorth, scannerId: 'scanner-a' },
      { qr: cancelled!.qr, gate: 'north', scannedAt: atNorth, scannerId: 'scanner-a' },
      { qr: foreign!.qr, gate: 'north', scannedAt: atNorth, scannerId: 'scanner-a' },
    ];
    const first = await upload(staff, fromA);
    assert.equal(first.status, 200, first.text);
    assert.deepEqual(
      first.body.results.map((r: { outcome: string; ticketId: string | null }) => [r.outcome, r.ticketId]),
      [
        ['recorded', ticket!.id],
        ['invalid', null],
        ['invalid', cancelled!.id],
        ['invalid', null],
      ],
    );
    const retried = await upload(staff, fromA);
    assert.deepEqual(retried.body.results[0], { ticketId: ticket!.id, outcome: 'duplicate', firstAt: atNorth, firstGate: 'north' });

    const atSouth = new Date(Date.now() - 5 * 60_000).toISOString();
    const fromB = [{ qr: ticket!.qr, gate: 'south', scannedAt: atSouth, scannerId: 'scanner-b' }];
    for (let attempt = 0; attempt < 2; attempt++) {
      const second = await upload(organizer, fromB);
      assert.deepEqual(second.body.results, [{ ticketId: ticket!.id, outcome: 'conflict', firstAt: atNorth, firstGate: 'north' }]);
    }
    const online = await scan(staff, { qr: ticket!.qr, gate: 'west', eventId: event.id });
    assert.equal(online.body.result, 'already_used');
    assert.equal(online.body.gate, 'north');
    assert.equal(online.body.checkedInAt, atNorth);

    const after = await stats();
    assert.equal(after.checkedIn, before.checkedIn + 1, 'counted once');
    const north = (s: typeof after) => s.byGate.find((g: { gate: string }) => g.gate === 'north')?.checkedIn ?? 0;
    assert.equal(north(after), north(before) + 1);
    assert.equal(
      after.byGate.some((g: { gate: string }) => g.gate === 'south'),
      before.byGate.some((g: { gate: string }) => g.gate === 'south'),
    );
    assert.deepEqual(
      after.conflicts.filter((c: { ticketId: string }) => c.ticketId === ticket!.id),
      [{ ticketId: ticket!.id, gate: 'south', at: atSouth, firstGate: 'north', firstAt: atNorth }],
    );
    const kit = (await kitOf(staff)).body;
    assert.deepEqual(
      kit.checkedIn.find((c) => c.ticketId === ticket!.id),
      { ticketId: ticket!.id, at: atNorth, gate: 'north' },
    );
    await busCheckIns(ticket!.id, 1);
  });

  it("an online admission the scanner uploads again is its duplicate, another scanner's a conflict; a future time is recorded as now", async () => {
    const [online, future] = await ticketsFor(event.id, 2);
    const admitted = await scan(staff, { qr: online!.qr, gate: 'gate-1', eventId: event.id, scannerId: 'scanner-c' });
    assert.equal(admitted.body.result, 'admitted');
    const later = new Date().toISOString();
    const same = await upload(staff, [{ qr: online!.qr, gate: 'gate-1', scannedAt: later, scannerId: 'scanner-c' }]);
    assert.equal(same.body.results[0].outcome, 'duplicate');
    const other = await upload(staff, [{ qr: online!.qr, gate: 'gate-2', scannedAt: later, scannerId: 'scanner-d' }]);
    assert.equal(other.body.results[0].outcome, 'conflict');
    assert.equal(other.body.results[0].firstGate, 'gate-1');

    const sent = Date.now();
    const tomorrow = new Date(sent + 86_400_000).toISOString();
    assert.equal(
      (await upload(staff, [{ qr: future!.qr, gate: 'gate-1', scannedAt: tomorrow, scannerId: 'scanner-c' }])).body.results[0].outcome,
      'recorded',
    );
    const recorded = (await kitOf(staff)).body.checkedIn.find((c) => c.ticketId === future!.id)!;
    assert.ok(Date.parse(recorded.at) <= Date.now() && Date.parse(recorded.at) >= sent - 1_000, recorded.at);
  });

  it('admits a ticket exactly once however many gates upload it and scan it at the same moment', async () => {
    const [ticket] = await ticketsFor(event.id, 1);
    const at = new Date().toISOString();
    const answers = await Promise.all([
      ...Array.from({ length: 8 }, (_, i) =>
        upload(staff, [{ qr: ticket!.qr, gate: `gate-${i}`, scannedAt: at, scannerId: `scanner-${i}` }]).then(
          (r) => r.body.results[0].outcome,
        ),
      ),
      ...Array.from({ length: 8 }, (_, i) =>
        scan(staff, { qr: ticket!.qr, gate: `online-${i}`, eventId: event.id }).then((r) => r.body.result),
      ),
    ]);
    assert.equal(answers.filter((a) => a === 'recorded' || a === 'admitted').length, 1, answers.join(' '));
    assert.equal(answers.filter((a) => a === 'conflict' || a === 'already_used').length, 15);
    await busCheckIns(ticket!.id, 1);
  });

  it('only the door uploads; bad uploads are refused with 400 naming the field', async () => {
    const [ticket] = await ticketsFor(event.id, 1);
    const item = { qr: ticket!.qr, gate: 'north', scannedAt: new Date().toISOString(), scannerId: 'scanner-x' };
    assert.equal((await upload(stranger, [item])).status, 403);
    assert.equal((await upload(staff, [item], otherEvent.id)).status, 403);
    assert.equal((await stack.api.post(`/entry/events/${event.id}/check-ins`, { checkIns: [item] })).status, 401);
    const cases: [unknown, string][] = [
      [[{ ...item, gate: ' ' }], 'body.checkIns.0.gate'],
      [[{ ...item, scannedAt: 'yesterday' }], 'body.checkIns.0.scannedAt'],
      [[{ ...item, scannerId: undefined }], 'body.checkIns.0.scannerId'],
      [Array.from({ length: 1001 }, () => item), 'body.checkIns'],
    ];
    for (const [checkIns, field] of cases) {
      const refused = await upload(staff, checkIns as unknown[]);
      assert.equal(refused.status, 400, field);
      assert.equal(refused.body.errors[0].field, field);
    }
    assert.equal((await upload(staff, [])).body.results.length, 0);
  });
});

/** TicketCheckedIn reached the bus (the check-in's outbox) exactly `count` times for this ticket. */
async function busCheckIns(ticketId: string, count: number) {
  const redis = new Redis(stack.plan.infra.redis);
  try {
    await poll(async () => {
      const events = (await redis.xrange(`${stack.plan.namespace}:stream:TicketCheckedIn`, '-', '+')).map(([, f]) => JSON.parse(f[1]!));
      return events.filter((e) => e.data.ticketId === ticketId).length === count;
    }, `TicketCheckedIn for ${ticketId}`);
    await new Promise((r) => setTimeout(r, 300));
    const events = (await redis.xrange(`${stack.plan.namespace}:stream:TicketCheckedIn`, '-', '+')).map(([, f]) => JSON.parse(f[1]!));
    assert.equal(events.filter((e) => e.data.ticketId === ticketId).length, count);
  } finally {
    redis.disconnect();
  }
}
