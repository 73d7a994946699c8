import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { TEST_ADMIN_ENV, eventInput, loginAdmin, publishEvent, registerUser, startTestStack, type TestStack } from '@eventify/testing';

let stack: TestStack;
let event: { id: string; tiers: { id: string; name: string; available: number }[] };
let organizerToken: string;

/** The event service's internal seat API, as the booking service calls it. */
// A minute per call: the rush below queues 120 takes on one tier, slow on a busy two-core machine.
const internal = (method: string, path: string, body?: unknown) =>
  stack.direct('event', { as: 'booking' }).request(method, path, { body, timeoutMs: 60_000 });

const reserve = (bookingId: string, items: { tierId: string; quantity: number }[]) =>
  internal('POST', `/internal/events/${event.id}/reservations`, { bookingId, items });
const available = async () => (await stack.api.get(`/events/${event.id}`)).body.tiers.map((t: { available: number }) => t.available);

before(async () => {
  stack = await startTestStack({ services: ['auth', 'event', 'approval'], env: { auth: TEST_ADMIN_ENV } });
  const organizer = await registerUser(stack.api, 'organizer');
  organizerToken = organizer.token;
  event = await publishEvent(
    stack.api,
    organizer,
    await loginAdmin(stack.api),
    eventInput({
      tiers: [
        { name: 'Standard', price: 2500, currency: 'EUR', capacity: 50, maxPerOrder: 10 },
        { name: 'VIP', price: 9000, currency: 'EUR', capacity: 2, maxPerOrder: 4 },
      ],
    }),
  );
});
after(() => stack?.stop());

describe('seat reservations', () => {
  it('never gives out more seats than there are, however many ask at once', async () => {
    const standard = event.tiers[0]!.id;
    const results = await Promise.all(Array.from({ length: 120 }, () => reserve(randomUUID(), [{ tierId: standard, quantity: 1 }])));
    const statuses = results.map((r) => r.status);
    assert.equal(statuses.filter((s) => s === 200).length, 50);
    assert.equal(statuses.filter((s) => s === 409).length, 70);
    assert.equal((await available())[0], 0);
    const refused = results.find((r) => r.status === 409)!.body;
    assert.match(refused.detail, /Not enough tickets left for "Standard": it is sold out/);
    // What the booking service's sold-out memo learns from.
    assert.equal(refused.tierId, standard);
    assert.equal(refused.available, 0);
  });

  it("takes nothing once the caller's deadline has passed", async () => {
    const before = await available();
    const late = await internal('POST', `/internal/events/${event.id}/reservations`, {
      bookingId: randomUUID(),
      items: [{ tierId: event.tiers[1]!.id, quantity: 1 }],
      deadline: new Date(Date.now() - 1).toISOString(),
    });
    assert.equal(late.status, 503);
    assert.deepEqual(await available(), before);
  });

  it('takes all tiers of a booking or none', async () => {
    const [, vip] = event.tiers;
    const before = await available();
    const bookingId = randomUUID();
    const result = await reserve(bookingId, [
      { tierId: vip!.id, quantity: 2 },
      { tierId: event.tiers[0]!.id, quantity: 1 }, // sold out above
    ]);
    assert.equal(result.status, 409);
    assert.deepEqual(await available(), before, 'the VIP seats taken first were given back');
  });

  it('is idempotent per booking: a retry takes nothing more, a second release returns nothing', async () => {
    const vip = event.tiers[1]!.id;
    const bookingId = randomUUID();
    const first = await reserve(bookingId, [{ tierId: vip, quantity: 1 }]);
    assert.equal(first.status, 200);
    assert.equal(first.body.amount, 9000);
    assert.equal(first.body.currency, 'EUR');
    const retry = await reserve(bookingId, [{ tierId: vip, quantity: 1 }]);
    assert.equal(retry.status, 200);
    assert.equal((await available())[1], 1);
    const releases = await Promise.all(
      [1, 2].map(() => internal('POST', `/internal/events/${event.id}/reservations/${bookingId}/release`)),
    );
    assert.deepEqual(releases.map((r) => r.body.released).sort(), [false, true]);
    assert.equal((await available())[1], 2);
  });

  it('refuses more than the per-order limit, unknown tiers and outsiders', async () => {
    const vip = event.tiers[1]!.id;
    const tooMany = await reserve(randomUUID(), [{ tierId: vip, quantity: 5 }]);
    assert.equal(tooMany.status, 400);
    assert.equal(tooMany.body.errors[0].field, 'body.items.0.quantity');
    const unknown = await reserve(randomUUID(), [{ tierId: 'nope', quantity: 1 }]);
    assert.equal(unknown.status, 400);
    // Only booking takes seats: payment may read the event, not reserve in it.
    const outsider = await stack.direct('event', { as: 'payment' }).post(`/internal/events/${event.id}/reservations`, {
      bookingId: randomUUID(),
      items: [{ tierId: vip, quantity: 1 }],
    });
    assert.equal(outsider.status, 403);
    assert.match(outsider.headers.get('content-type')!, /^application\/problem\+json/);
    assert.equal(outsider.body.detail, 'The payment service may not call POST /internal/events/:eventId/reservations.');
  });

  it('keeps capacity at or above what is sold, and the price of a sold tier fixed', async () => {
    const current = (await stack.api.get(`/events/${event.id}`, { token: organizerToken })).body;
    const tiers = current.tiers.map((t: { id: string; name: string; price: number; currency: string; capacity: number }) => ({
      id: t.id,
      name: t.name,
      price: t.price,
      currency: t.currency,
      capacity: t.capacity,
    }));
    const shrink = await stack.api.patch(
      `/events/${event.id}`,
      { tiers: [{ ...tiers[0], capacity: 10 }, tiers[1]] },
      { token: organizerToken },
    );
    assert.equal(shrink.status, 409);
    assert.equal(shrink.body.errors[0].field, 'body.tiers.0.capacity');
    const reprice = await stack.api.patch(
      `/events/${event.id}`,
      { tiers: [{ ...tiers[0], price: 100 }, tiers[1]] },
      { token: organizerToken },
    );
    assert.equal(reprice.status, 409);
    const grow = await stack.api.patch(
      `/events/${event.id}`,
      { tiers: [{ ...tiers[0], capacity: 60 }, tiers[1]] },
      { token: organizerToken },
    );
    assert.equal(grow.status, 200, grow.text);
    assert.equal((await available())[0], 10, 'ten more seats on sale');
  });

  it('does not sell seats of an event that is not published', async () => {
    const draft = await stack.api.post('/events', eventInput(), { token: organizerToken });
    const result = await internal('POST', `/internal/events/${draft.body.id}/reservations`, {
      bookingId: randomUUID(),
      items: [{ tierId: draft.body.tiers[0].id, quantity: 1 }],
    });
    assert.equal(result.status, 409);
  });
});
