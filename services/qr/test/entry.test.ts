import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { Redis } from 'ioredis';
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

let stack: TestStack;
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
  const admin = await loginAdmin(stack.api);
  const tiers = [
    { name: 'Floor', price: 0, currency: 'EUR', capacity: 50, maxPerOrder: 10 },
    { name: 'Balcony', price: 0, currency: 'EUR', capacity: 50, maxPerOrder: 10 },
  ];
  event = await publishEvent(stack.api, organizer, admin, eventInput({ tiers }));
  otherEvent = await publishEvent(stack.api, organizer, admin, eventInput({ tiers }));
  const named = await stack.api.post(`/events/${event.id}/staff`, { email: staff.email }, { token: organizer.token });
  assert.equal(named.status, 200, named.text);
});
after(async () => {
  await stack?.stop();
});

async function ticketsFor(buyer: TestUser, eventId: string, items: { tierId: string; quantity: number }[]) {
  const booking = await stack.api.post('/bookings', { eventId, items }, { token: buyer.token });
  assert.equal(booking.status, 201, booking.text);
  const expected = items.reduce((sum, i) => sum + i.quantity, 0);
  const tickets = await poll(async () => {
    const list = await stack.api.get(`/tickets?eventId=${eventId}&limit=100`, { token: buyer.token });
    const mine = list.body.items.filter((t: { bookingId: string }) => t.bookingId === booking.body.id);
    return mine.length === expected ? mine : undefined;
  }, 'tickets issued');
  return { booking: booking.body, tickets };
}

async function busEvents(type: string) {
  const redis = new Redis(stack.plan.infra.redis);
  try {
    return (await redis.xrange(`${stack.plan.namespace}:stream:${type}`, '-', '+')).map(([, f]) => JSON.parse(f[1]!));
  } finally {
    redis.disconnect();
  }
}

async function toBus(type: string, data: unknown) {
  const redis = new Redis(stack.plan.infra.redis);
  const event = { id: randomUUID(), type, occurredAt: new Date().toISOString(), source: 'test', data };
  await redis.xadd(`${stack.plan.namespace}:stream:${type}`, '*', 'event', JSON.stringify(event));
  redis.disconnect();
}

/** The qr service's consumer group has read and acknowledged everything on the stream. */
async function waitUntilHandled(type: string) {
  const redis = new Redis(stack.plan.infra.redis);
  try {
    await poll(async () => {
      const groups = (await redis.xinfo('GROUPS', `${stack.plan.namespace}:stream:${type}`)) as unknown[][];
      const qr = groups
        .map((g) => Object.fromEntries(Array.from({ length: g.length / 2 }, (_, i) => [g[2 * i], g[2 * i + 1]])))
        .find((g) => g.name === 'qr');
      return qr && Number(qr.pending) === 0 && Number(qr.lag) === 0;
    }, `qr handled ${type}`);
  } finally {
    redis.disconnect();
  }
}

const scan = (scanner: TestUser, body: Record<string, unknown>) => stack.api.post('/entry/scan', body, { token: scanner.token });

describe('tickets', () => {
  it('a confirmed booking gets one ticket per seat, each with its own signed QR, for its owner only', async () => {
    const { tickets, booking } = await ticketsFor(attendee, event.id, [
      { tierId: event.tiers[0]!.id, quantity: 2 },
      { tierId: event.tiers[1]!.id, quantity: 1 },
    ]);
    assert.equal(new Set(tickets.map((t: { qr: string }) => t.qr)).size, 3);
    assert.deepEqual(tickets.map((t: { seat: number }) => t.seat).sort(), [1, 2, 3]);
    const one = await stack.api.get(`/tickets/${tickets[0].id}`, { token: attendee.token });
    assert.equal(one.status, 200);
    assert.match(one.body.qr, /^ET2\./);
    assert.equal((await stack.api.get(`/tickets/${tickets[0].id}`, { token: stranger.token })).status, 404);
    assert.equal((await stack.api.get(`/tickets/${tickets[0].id}`)).status, 401);
    const svg = await stack.api.get(`/tickets/${tickets[0].id}/qr.svg`, { token: attendee.token });
    assert.equal(svg.status, 200);
    assert.match(svg.headers.get('content-type') ?? '', /image\/svg\+xml/);
    assert.match(svg.text, /^<svg/);
    const issued = await poll(async () => {
      const found = (await busEvents('TicketsIssued')).filter((e) => e.data.bookingId === booking.id);
      return found.length ? found : undefined;
    }, 'TicketsIssued (published by the outbox relay)');
    assert.equal(issued.length, 1);
  });

  it("follows the booking's final state whatever order its events arrive in, and redeliveries change nothing", async () => {
    const bookingId = randomUUID();
    const confirmed = {
      bookingId,
      userId: attendee.id,
      eventId: event.id,
      items: [{ tierId: event.tiers[0]!.id, tierName: 'Floor', quantity: 2, unitPrice: 0, currency: 'EUR' }],
      amount: 0,
      currency: 'EUR',
      confirmedAt: new Date().toISOString(),
    };
    const cancelled = { bookingId, userId: attendee.id, eventId: event.id, reason: 'user', refund: false, amount: 0, currency: 'EUR' };
    const ticketsOfBooking = async () =>
      (await stack.api.get(`/tickets?eventId=${event.id}&limit=100`, { token: attendee.token })).body.items.filter(
        (t: { bookingId: string }) => t.bookingId === bookingId,
      );
    // The cancellation overtakes the confirmation (they travel on different streams).
    await toBus('BookingCancelled', cancelled);
    await waitUntilHandled('BookingCancelled');
    await toBus('BookingConfirmed', confirmed);
    await waitUntilHandled('BookingConfirmed');
    assert.deepEqual(await ticketsOfBooking(), [], 'no ticket for a booking already cancelled');
    // Redelivered, with ids never seen (so the bus cannot skip them): still nothing.
    await toBus('BookingConfirmed', confirmed);
    await toBus('BookingCancelled', cancelled);
    await waitUntilHandled('BookingConfirmed');
    await waitUntilHandled('BookingCancelled');
    assert.deepEqual(await ticketsOfBooking(), []);
    assert.equal((await busEvents('TicketsIssued')).filter((e) => e.data.bookingId === bookingId).length, 0);
  });

  it('a redelivered BookingConfirmed issues nothing twice', async () => {
    const { booking, tickets } = await ticketsFor(attendee, event.id, [{ tierId: event.tiers[0]!.id, quantity: 1 }]);
    const redis = new Redis(stack.plan.infra.redis);
    try {
      const [[, fields]] = (await redis.xrange(`${stack.plan.namespace}:stream:BookingConfirmed`, '-', '+')).filter(([, f]) =>
        f[1]!.includes(booking.id),
      ) as [string, string[]][];
      const original = JSON.parse(fields![1]!);
      await redis.xadd(`${stack.plan.namespace}:stream:BookingConfirmed`, '*', 'event', JSON.stringify({ ...original, id: randomUUID() }));
      await new Promise((r) => setTimeout(r, 1_000));
      const list = await stack.api.get(`/tickets?eventId=${event.id}&limit=100`, { token: attendee.token });
      assert.equal(list.body.items.filter((t: { bookingId: string }) => t.bookingId === booking.id).length, tickets.length);
    } finally {
      redis.disconnect();
    }
  });
});

describe('the door', () => {
  it('admits the first scan and refuses every later one, at any gate, saying when it was used', async () => {
    const { tickets } = await ticketsFor(attendee, event.id, [{ tierId: event.tiers[0]!.id, quantity: 1 }]);
    const first = await scan(staff, { qr: tickets[0].qr, gate: 'north', eventId: event.id });
    assert.equal(first.status, 200, first.text);
    assert.equal(first.body.result, 'admitted');
    assert.equal(first.body.ticket.id, tickets[0].id);
    const again = await scan(organizer, { qr: tickets[0].qr, gate: 'south' });
    assert.equal(again.body.result, 'already_used');
    assert.equal(again.body.gate, 'north');
    assert.equal(again.body.checkedInAt, first.body.checkedInAt);
  });

  it('lets exactly one of many simultaneous scans of one ticket in', async () => {
    const { tickets } = await ticketsFor(attendee, event.id, [{ tierId: event.tiers[1]!.id, quantity: 1 }]);
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => scan(staff, { qr: tickets[0].qr, gate: `gate-${i % 4}` })));
    const outcomes = results.map((r) => r.body.result);
    assert.equal(outcomes.filter((r) => r === 'admitted').length, 1);
    assert.equal(outcomes.filter((r) => r === 'already_used').length, 19);
  });

  it('refuses forged and foreign codes, and tickets of a cancelled booking', async () => {
    const { tickets, booking } = await ticketsFor(attendee, event.id, [{ tierId: event.tiers[0]!.id, quantity: 1 }]);
    const code: string = tickets[0].qr;
    const forged = code.slice(0, -4) + (code.endsWith('AAAA') ? 'BBBB' : 'AAAA');
    assert.equal((await scan(staff, { qr: forged })).body.result, 'invalid');
    assert.equal((await scan(staff, { qr: 'https://example.com/not-a-ticket' })).body.result, 'invalid');
    const other = await ticketsFor(attendee, otherEvent.id, [{ tierId: otherEvent.tiers[0]!.id, quantity: 1 }]);
    assert.equal((await scan(staff, { qr: other.tickets[0].qr, eventId: event.id })).body.result, 'wrong_event');
    assert.equal((await scan(staff, { qr: other.tickets[0].qr })).body.result, 'wrong_event'); // not staff of that event
    assert.equal((await stack.api.post(`/bookings/${booking.id}/cancel`, undefined, { token: attendee.token })).status, 200);
    await poll(
      async () => (await stack.api.get(`/tickets/${tickets[0].id}`, { token: attendee.token })).body.status === 'cancelled',
      'ticket voided',
    );
    assert.equal((await scan(staff, { qr: code })).body.result, 'cancelled');
  });

  it('only door staff and the organizer scan or see figures; bad input is a 400', async () => {
    const { tickets } = await ticketsFor(attendee, event.id, [{ tierId: event.tiers[0]!.id, quantity: 1 }]);
    assert.equal((await scan(stranger, { qr: tickets[0].qr, eventId: event.id })).status, 403);
    assert.equal((await scan(stranger, { qr: tickets[0].qr })).body.result, 'wrong_event');
    assert.equal((await stack.api.get(`/tickets/${tickets[0].id}`, { token: attendee.token })).body.checkedInAt, null);
    assert.equal((await stack.api.get(`/entry/events/${event.id}/stats`, { token: stranger.token })).status, 403);
    const empty = await scan(staff, { qr: '' });
    assert.equal(empty.status, 400);
    assert.equal(empty.body.errors[0].field, 'body.qr');
  });

  it('counts checked in against sold, by gate and by tier', async () => {
    const stats = await stack.api.get(`/entry/events/${event.id}/stats`, { token: staff.token });
    assert.equal(stats.status, 200, stats.text);
    const before = stats.body;
    const { tickets } = await ticketsFor(attendee, event.id, [{ tierId: event.tiers[1]!.id, quantity: 2 }]);
    await scan(staff, { qr: tickets[0].qr, gate: 'east' });
    const after = (await stack.api.get(`/entry/events/${event.id}/stats`, { token: organizer.token })).body;
    assert.equal(after.sold, before.sold + 2);
    assert.equal(after.checkedIn, before.checkedIn + 1);
    assert.equal(after.byGate.find((g: { gate: string }) => g.gate === 'east').checkedIn, 1);
    const balcony = (s: typeof after) => s.byTier.find((t: { tierId: string }) => t.tierId === event.tiers[1]!.id);
    assert.equal(balcony(after).sold, (balcony(before)?.sold ?? 0) + 2);
  });
});
