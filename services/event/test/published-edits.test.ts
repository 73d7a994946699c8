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

// What an edit of a published event means (docs/events.md): applied and announced, holders told of date and
// place (EventUpdated names what changed), tier changes that would hurt buyers refused with 409.
let stack: TestStack;
let redis: Redis;
let organizer: TestUser;
let admin: TestUser;

before(async () => {
  stack = await startTestStack({ services: ['auth', 'event', 'approval'], env: { auth: TEST_ADMIN_ENV } });
  redis = new Redis(stack.plan.infra.redis);
  organizer = await registerUser(stack.api, 'organizer');
  admin = await loginAdmin(stack.api);
});
after(async () => {
  redis?.disconnect();
  await stack?.stop();
});

interface Tier {
  id: string;
  name: string;
  price: number;
  currency: string;
  capacity: number;
}

const tiersOf = (event: { tiers: Tier[] }) =>
  event.tiers.map(({ id, name, price, currency, capacity }) => ({ id, name, price, currency, capacity }));
const edit = (id: string, patch: Record<string, unknown>) => stack.api.patch(`/events/${id}`, patch, { token: organizer.token });

/** Sell seats as the booking service does, through the event service's internal seat API. */
async function sell(eventId: string, tierId: string, quantity: number) {
  const response = await stack
    .direct('event', { as: 'booking' })
    .post(`/internal/events/${eventId}/reservations`, { bookingId: randomUUID(), items: [{ tierId, quantity }] });
  assert.equal(response.status, 200, response.text);
}

async function updatesOf(eventId: string) {
  const entries = await redis.xrange(`${stack.plan.namespace}:stream:EventUpdated`, '-', '+');
  return entries.map(([, fields]) => JSON.parse(fields[1]!)).filter((e) => e.data.eventId === eventId);
}
const nextUpdate = (eventId: string, count: number) =>
  poll(async () => {
    const updates = await updatesOf(eventId);
    return updates.length >= count ? updates[count - 1] : undefined;
  }, `EventUpdated #${count} of ${eventId}`);

describe('editing a published event', () => {
  it('applies a new title, description or category without telling holders; sending the same again announces nothing', async () => {
    const event = await publishEvent(stack.api, organizer, admin, eventInput());
    const edited = await edit(event.id, { title: 'Jazz at the Old Harbour', description: 'Now with a quartet.', category: 'arts' });
    assert.equal(edited.status, 200, edited.text);
    assert.equal((await stack.api.get(`/events/${event.id}`)).body.title, 'Jazz at the Old Harbour');
    const update = await nextUpdate(event.id, 1);
    assert.deepEqual(update.data.changedFields.sort(), ['category', 'description', 'title']);
    assert.deepEqual(update.data.previous, {});
    assert.equal((await edit(event.id, { title: 'Jazz at the Old Harbour', venue: event.venue })).status, 200);
    await new Promise((r) => setTimeout(r, 1_500)); // the relay publishes within a second
    assert.equal((await updatesOf(event.id)).length, 1, 'nothing really changed');
    assert.equal((await stack.api.get(`/events/${event.id}`)).body.description, 'Now with a quartet.', 'a field not sent keeps its value');
  });

  it('applies a new date, time zone or venue and announces what changed, before and after, for the ticket holders', async () => {
    const event = await publishEvent(stack.api, organizer, admin, eventInput());
    const startsAt = new Date(Date.parse(event.startsAt) + 7 * 86_400_000).toISOString();
    const endsAt = new Date(Date.parse(event.endsAt) + 7 * 86_400_000).toISOString();
    const venue = { name: 'Elbe Hall', address: 'Kai 9', city: 'Hamburg', country: 'DE' };
    const moved = await edit(event.id, { startsAt, endsAt, venue });
    assert.equal(moved.status, 200, moved.text);
    assert.deepEqual([moved.body.startsAt, moved.body.venue.name], [startsAt, 'Elbe Hall']);
    const update = await nextUpdate(event.id, 1);
    assert.deepEqual(update.data.changedFields.sort(), ['endsAt', 'startsAt', 'venue']);
    assert.equal(update.data.startsAt, startsAt);
    assert.deepEqual(update.data.venue, venue);
    assert.deepEqual(update.data.previous, {
      startsAt: event.startsAt,
      endsAt: event.endsAt,
      venue: { name: event.venue.name, address: event.venue.address, city: event.venue.city, country: event.venue.country },
    });
    assert.equal((await edit(event.id, { timeZone: 'Europe/London' })).status, 200);
    assert.deepEqual((await nextUpdate(event.id, 2)).data.changedFields, ['timeZone']);
  });

  it('refuses to move a published event into the past', async () => {
    const event = await publishEvent(stack.api, organizer, admin, eventInput());
    const refused = await edit(event.id, { startsAt: new Date(Date.now() - 3_600_000).toISOString() });
    assert.equal(refused.status, 400);
    assert.equal(refused.body.errors[0].field, 'body.startsAt');
  });

  it('refuses with 409 and words tier changes that would hurt buyers, and applies the others', async () => {
    const input = eventInput({
      tiers: [
        { name: 'Standard', price: 2500, currency: 'EUR', capacity: 50 },
        { name: 'Balcony', price: 1500, currency: 'EUR', capacity: 20 },
      ],
    });
    const event = await publishEvent(stack.api, organizer, admin, input);
    const [standard, balcony] = tiersOf(event) as [Tier, Tier];
    await sell(event.id, standard.id, 10);
    const refusals: [Record<string, unknown>[], string, RegExp][] = [
      [
        [{ ...standard, capacity: 9 }, balcony],
        'body.tiers.0.capacity',
        /must be at least 10: that many tickets of "Standard" are sold or held/,
      ],
      [[balcony], 'body.tiers', /tier "Standard" has 10 tickets sold or held and cannot be removed/],
      [[{ ...standard, price: 2000 }, balcony], 'body.tiers.0.price', /its price and currency stay 2500 EUR/],
      [[{ ...standard, currency: 'USD' }, balcony], 'body.tiers.0.price', /its price and currency stay 2500 EUR/],
    ];
    for (const [tiers, field, words] of refusals) {
      const refused = await edit(event.id, { tiers });
      assert.equal(refused.status, 409, field);
      assert.equal(refused.body.errors[0].field, field);
      assert.match(refused.body.detail, words);
      assert.match(refused.body.detail, /^People already bought tickets/);
    }
    assert.deepEqual(tiersOf((await stack.api.get(`/events/${event.id}`)).body), [standard, balcony], 'nothing changed');
    // What hurts nobody: more seats, a tier without sales repriced or removed, a new tier.
    const applied = await edit(event.id, {
      tiers: [
        { ...standard, capacity: 80, name: 'Standing' },
        { name: 'Late entry', price: 900, currency: 'EUR', capacity: 30 },
      ],
    });
    assert.equal(applied.status, 200, applied.text);
    const now = (await stack.api.get(`/events/${event.id}`)).body.tiers;
    assert.deepEqual(
      now.map((t: { name: string; capacity: number; available: number }) => [t.name, t.capacity, t.available]),
      [
        ['Standing', 80, 70],
        ['Late entry', 30, 30],
      ],
    );
    assert.deepEqual((await nextUpdate(event.id, 1)).data.changedFields, ['tiers']);
  });
});
