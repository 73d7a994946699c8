import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { MongoClient } from 'mongodb';
import { StaffListSchema } from '@eventify/contracts';
import {
  TEST_ADMIN_ENV,
  TEST_PASSWORD,
  eventInput,
  loginAdmin,
  mongoUrlFor,
  poll,
  publishEvent,
  registerUser,
  startTestStack,
  type TestStack,
  type TestUser,
} from '@eventify/testing';

// Door staff named by e-mail, and who may then scan: through the gateway, with the qr service deciding access.
let stack: TestStack;
let admin: TestUser;
let organizer: TestUser;
let otherOrganizer: TestUser;
let attendee: TestUser;
let event: { id: string };

before(async () => {
  stack = await startTestStack({ services: ['auth', 'event', 'approval', 'qr'], env: { auth: TEST_ADMIN_ENV } });
  admin = await loginAdmin(stack.api);
  [organizer, otherOrganizer, attendee] = await Promise.all([
    registerUser(stack.api, 'organizer'),
    registerUser(stack.api, 'organizer'),
    registerUser(stack.api),
  ]);
  event = await publishEvent(stack.api, organizer, admin, eventInput());
});
after(async () => {
  await stack?.stop();
});

const staffOf = (eventId: string, user = organizer) => stack.api.get(`/events/${eventId}/staff`, { token: user.token });
const name = (eventId: string, email: string, user = organizer) =>
  stack.api.post(`/events/${eventId}/staff`, { email }, { token: user.token });
const unname = (eventId: string, email: string, user = organizer) =>
  stack.api.delete(`/events/${eventId}/staff/${encodeURIComponent(email)}`, { token: user.token });
const freshAddress = () => `door-${randomBytes(5).toString('hex')}@example.com`;
/** The qr service's answer to "may this person work this event's door?" (the door kit). */
const doorStatus = async (user: TestUser, eventId = event.id) =>
  (await stack.api.get(`/entry/events/${eventId}/door-kit`, { token: user.token })).status;
const untilDoor = (user: TestUser, status: number, eventId = event.id) =>
  poll(async () => (await doorStatus(user, eventId)) === status, `door kit ${status} for ${user.email}`);

async function register(email: string): Promise<TestUser> {
  const response = await stack.api.post('/auth/register', { email, password: TEST_PASSWORD, name: 'Dora' });
  assert.equal(response.status, 201, response.text);
  return { id: response.body.user.id, email, token: response.body.accessToken, refreshToken: response.body.refreshToken };
}

describe('naming door staff by e-mail', () => {
  it('answers the same whether or not an account has the address, and who has one can scan at once', async () => {
    const own = await publishEvent(stack.api, organizer, admin, eventInput());
    const dora = await registerUser(stack.api);
    const nobody = freshAddress();
    const withAccount = await name(own.id, dora.email);
    const withoutAccount = await name(own.id, nobody);
    assert.equal(withAccount.status, 200, withAccount.text);
    assert.equal(withoutAccount.status, 200, withoutAccount.text);
    const listed = StaffListSchema.parse(withoutAccount.body);
    assert.deepEqual(
      listed.staff.map((m) => m.email),
      [dora.email, nobody],
    );
    assert.deepEqual(
      Object.keys(withAccount.body.staff[0]).sort(),
      Object.keys(withoutAccount.body.staff[1]).sort(),
      'nothing tells the two apart',
    );
    assert.deepEqual((await staffOf(own.id)).body, withoutAccount.body);
    await untilDoor(dora, 200, own.id);
    // Naming again changes nothing.
    assert.deepEqual((await name(own.id, dora.email.toUpperCase())).body, withoutAccount.body);
  });

  it('someone named before they have an account can scan once they register, and sees the event in their list', async () => {
    const address = freshAddress();
    assert.equal((await name(event.id, address.replace('door-', 'Door-').replace('example', 'EXAMPLE'))).status, 200);
    const later = await register(address);
    await untilDoor(later, 200);
    const staffed = await poll(async () => {
      const page = (await stack.api.get('/events/staffed', { token: later.token })).body;
      return page.items?.length ? page : undefined;
    }, 'staffed events');
    assert.deepEqual(
      staffed.items.map((e: { id: string }) => e.id),
      [event.id],
    );
    assert.equal(staffed.items[0].status, 'published');
    assert.equal(staffed.nextCursor, null);
    const owned = (await stack.api.get(`/events/${event.id}`, { token: organizer.token })).body;
    assert.ok(owned.staffIds.includes(later.id), 'staffIds follow the e-mail list');
  });

  it('removing someone stops their scanning; removing someone not named changes nothing', async () => {
    const dora = await registerUser(stack.api);
    await name(event.id, dora.email);
    await untilDoor(dora, 200);
    const removed = await unname(event.id, dora.email);
    assert.equal(removed.status, 200, removed.text);
    assert.ok(!removed.body.staff.some((m: { email: string }) => m.email === dora.email));
    await untilDoor(dora, 403);
    assert.deepEqual((await unname(event.id, freshAddress())).body, removed.body);
    assert.ok(!(await stack.api.get(`/events/${event.id}`, { token: organizer.token })).body.staffIds.includes(dora.id));
  });

  it('is for the organizer and admins; bad addresses are refused with 400 naming the field', async () => {
    assert.equal((await name(event.id, freshAddress(), otherOrganizer)).status, 404);
    assert.equal((await staffOf(event.id, otherOrganizer)).status, 404);
    assert.equal((await unname(event.id, freshAddress(), otherOrganizer)).status, 404);
    assert.equal((await name(event.id, freshAddress(), attendee)).status, 403);
    assert.equal((await name(event.id, freshAddress(), admin)).status, 200);
    assert.equal((await stack.api.post(`/events/${event.id}/staff`, { email: freshAddress() })).status, 401);
    const bad = await name(event.id, 'not an address');
    assert.equal(bad.status, 400);
    assert.equal(bad.body.errors[0].field, 'body.email');
    assert.match(bad.headers.get('content-type') ?? '', /application\/problem\+json/);
    const badPath = await unname(event.id, 'nope');
    assert.equal(badPath.status, 400);
    assert.equal(badPath.body.errors[0].field, 'params.email');
    assert.equal((await name('no-such-event', freshAddress())).status, 404);
    const cancelled = (await stack.api.post('/events', eventInput(), { token: organizer.token })).body;
    assert.equal((await stack.api.post(`/events/${cancelled.id}/cancel`, {}, { token: organizer.token })).status, 200);
    const late = await name(cancelled.id, freshAddress());
    assert.equal(late.status, 409);
    assert.match(late.body.detail, /cancelled: nobody scans tickets for it/);
  });

  it('lists the events someone may scan for: staffed or organized, published, in start order, a page at a time', async () => {
    const dora = await registerUser(stack.api);
    const soon = await publishEvent(stack.api, otherOrganizer, admin, eventInput({}, 5));
    const later = await publishEvent(stack.api, otherOrganizer, admin, eventInput({}, 50));
    const draft = (await stack.api.post('/events', eventInput(), { token: otherOrganizer.token })).body;
    for (const e of [later, soon]) await name(e.id, dora.email, otherOrganizer);
    const first = await stack.api.get('/events/staffed?limit=1', { token: dora.token });
    assert.equal(first.status, 200, first.text);
    assert.deepEqual(
      first.body.items.map((e: { id: string }) => e.id),
      [soon.id],
    );
    const second = await stack.api.get(`/events/staffed?limit=1&cursor=${first.body.nextCursor}`, { token: dora.token });
    assert.deepEqual(
      second.body.items.map((e: { id: string }) => e.id),
      [later.id],
    );
    const organized = (await stack.api.get('/events/staffed?limit=100', { token: otherOrganizer.token })).body.items.map(
      (e: { id: string }) => e.id,
    );
    assert.ok(organized.includes(soon.id) && organized.includes(later.id) && !organized.includes(draft.id));
    assert.deepEqual((await stack.api.get('/events/staffed', { token: attendee.token })).body, { items: [], nextCursor: null });
    assert.equal((await stack.api.get('/events/staffed')).status, 401, 'not public at the gateway');
    assert.equal((await stack.api.get('/events/staffed?cursor=broken', { token: dora.token })).status, 400);
  });

  it('an event whose staff were named by id before keeps them, listed by e-mail, until changed', async () => {
    const own = await publishEvent(stack.api, organizer, admin, eventInput());
    const dora = await registerUser(stack.api);
    const mongo = new MongoClient(mongoUrlFor(stack.plan.infra.mongo, `event_db_${stack.plan.runId}`));
    try {
      await mongo
        .db()
        .collection('events')
        .updateOne({ _id: own.id as unknown as never }, { $set: { staffIds: [dora.id] }, $unset: { staff: '', pendingStaffEmails: '' } });
    } finally {
      await mongo.close();
    }
    assert.deepEqual(
      (await staffOf(own.id)).body.staff.map((m: { email: string }) => m.email),
      [dora.email],
    );
    const added = await name(own.id, freshAddress());
    assert.equal(added.body.staff[0].email, dora.email, 'kept when the list changes');
    await unname(own.id, dora.email);
    assert.deepEqual((await stack.api.get(`/events/${own.id}`, { token: organizer.token })).body.staffIds, []);
  });
});
