import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, it } from 'node:test';
import { TEST_ADMIN_ENV, eventInput, loginAdmin, poll, publishEvent, registerUser, startTestStack, type TestStack } from '@eventify/testing';

// The seat reconciler against a real booking service: holds older than the grace (1.5 s here) that no
// booking has are given back; a booking's own hold is never touched.
let stack: TestStack;
let event: { id: string; tiers: { id: string }[] };

const reserve = (bookingId: string, items: { tierId: string; quantity: number }[]) =>
  stack.direct('event', { as: 'booking' }).post(`/internal/events/${event.id}/reservations`, { bookingId, items }).then((r) => r.status);
const available = async () => (await stack.api.get(`/events/${event.id}`)).body.tiers.map((t: { available: number }) => t.available);

before(async () => {
  stack = await startTestStack({
    services: ['auth', 'event', 'approval', 'booking'],
    env: { auth: TEST_ADMIN_ENV, event: { SEAT_RECONCILE_INTERVAL_MS: '300', SEAT_RECONCILE_GRACE_MS: '1500' } },
});
  const organizer = await registerUser(stack.api, 'organizer');
  event = await publishEvent(stack.api, organizer, await loginAdmin(stack.api), eventInput({ tiers: [{ name: 'VIP', price: 9000, currency: 'EUR', capacity: 2 }] }));
});
after(() => stack?.stop());

it('the reconciler gives back seats that no booking holds, and leaves a real booking\'s alone', async () => {
  const vip = event.tiers[0]!.id;
  const buyer = await registerUser(stack.api);
  const booking = await stack.api.post('/bookings', { eventId: event.id, items: [{ tierId: vip, quantity: 1 }] }, { token: buyer.token });
  assert.equal(booking.status, 201, booking.text);
  // Taken for a booking that was never recorded (its request died after the take).
  assert.equal(await reserve(randomUUID(), [{ tierId: vip, quantity: 1 }]), 200);
  assert.equal((await available())[0], 0);
  await poll(async () => (await available())[0] === 1, 'the orphaned seat released', 10_000);
  await new Promise((r) => setTimeout(r, 2_000)); // more rounds: the real booking keeps its seat
  assert.equal((await available())[0], 1);
  assert.equal((await stack.api.get(`/bookings/${booking.body.id}`, { token: buyer.token })).body.status, 'pending_payment');
  assert.equal((await stack.api.post(`/bookings/${booking.body.id}/cancel`, undefined, { token: buyer.token })).status, 200);
  assert.equal((await available())[0], 2);
});

