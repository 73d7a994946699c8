import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { Redis } from 'ioredis';
import { ReviewSchema } from '@eventify/contracts';
import {
  TEST_ADMIN_ENV,
  eventInput,
  loginAdmin,
  poll,
  registerUser,
  startTestStack,
  type TestStack,
  type TestUser,
} from '@eventify/testing';

let stack: TestStack;
let redis: Redis;
let admin: TestUser;
let organizer: TestUser;
let otherOrganizer: TestUser;
let attendee: TestUser;

before(async () => {
  stack = await startTestStack({ services: ['auth', 'event', 'approval'], env: { auth: TEST_ADMIN_ENV } });
  redis = new Redis(stack.plan.infra.redis);
  admin = await loginAdmin(stack.api);
  [organizer, otherOrganizer, attendee] = await Promise.all([
    registerUser(stack.api, 'organizer'),
    registerUser(stack.api, 'organizer'),
    registerUser(stack.api, 'attendee'),
  ]);
});
after(async () => {
  redis?.disconnect();
  await stack?.stop();
});

const pendingReviewOf = (eventId: string) =>
  poll(async () => {
    const page = await stack.api.get(`/approvals?eventId=${eventId}&status=pending`, { token: admin.token });
    return page.body.items?.[0];
  }, `pending review of ${eventId}`);

/** Publish an integration event on the bus again, as a redelivery would. */
async function replay(type: string, envelope: Record<string, unknown>) {
  await redis.xadd(`${stack.plan.namespace}:stream:${type}`, '*', 'event', JSON.stringify(envelope));
}

describe('organizer to public: the review cycle', () => {
  it('draft → submit → reject with reason → edit → resubmit → approve → public', async () => {
    const created = await stack.api.post('/events', eventInput({ title: 'Harbour Jazz Night' }), { token: organizer.token });
    assert.equal(created.status, 201, created.text);
    const id = created.body.id;
    assert.equal(created.body.status, 'draft');
    assert.equal((await stack.api.get(`/events/${id}`)).status, 404, 'a draft is not public');

    assert.equal((await stack.api.post(`/events/${id}/submit`, undefined, { token: organizer.token })).status, 200);
    const firstReview = await pendingReviewOf(id);
    assert.equal(firstReview.event.title, 'Harbour Jazz Night');
    // The admin's queue: each item as ReviewSchema says, with the event as attendees will see it.
    const queue = await stack.api.get('/approvals?status=pending&limit=100', { token: admin.token });
    const queued = ReviewSchema.array()
      .parse(queue.body.items)
      .find((r) => r.id === firstReview.id)!;
    assert.deepEqual(
      [queued.status, queued.eventId, queued.organizerId, queued.reason, queued.decidedAt],
      ['pending', id, organizer.id, null, null],
    );
    assert.deepEqual(Object.keys(queued.event).sort(), [
      'category',
      'coverImageUrl',
      'description',
      'endsAt',
      'startsAt',
      'tiers',
      'timeZone',
      'title',
      'venue',
    ]);
    const rejected = await stack.api.post(
      `/approvals/${firstReview.id}/reject`,
      { reason: 'Please add the line-up.' },
      { token: admin.token },
    );
    assert.equal(rejected.status, 200);

    const afterReject = await poll(async () => {
      const e = await stack.api.get(`/events/${id}`, { token: organizer.token });
      return e.body.status === 'rejected' ? e.body : undefined;
    }, 'rejected');
    assert.equal(afterReject.rejection.reason, 'Please add the line-up.');
    const mine = (await stack.api.get('/events/mine?limit=100', { token: organizer.token })).body.items.find(
      (e: { id: string }) => e.id === id,
    );
    assert.equal(mine.status, 'rejected');
    assert.deepEqual(
      { reason: mine.rejection.reason, reviewerId: mine.rejection.reviewerId },
      { reason: 'Please add the line-up.', reviewerId: admin.id },
    );
    assert.equal(
      (await stack.api.get('/events?q=harbour')).body.items.some((e: { id: string }) => e.id === id),
      false,
    );

    const edited = await stack.api.patch(`/events/${id}`, { description: 'Line-up: the Harbour Quartet.' }, { token: organizer.token });
    assert.equal(edited.status, 200, edited.text);
    assert.equal((await stack.api.post(`/events/${id}/submit`, undefined, { token: organizer.token })).status, 200);
    const secondReview = await pendingReviewOf(id);
    assert.notEqual(secondReview.id, firstReview.id);
    assert.equal(secondReview.event.description, 'Line-up: the Harbour Quartet.');
    assert.equal((await stack.api.post(`/approvals/${secondReview.id}/approve`, undefined, { token: admin.token })).status, 200);

    const published = await poll(async () => {
      const e = await stack.api.get(`/events/${id}`);
      return e.status === 200 && e.body.status === 'published' ? e.body : undefined;
    }, 'published');
    assert.equal(published.tiers[0].available, 100);
    const found = await stack.api.get('/events?q=quartet');
    assert.ok(found.body.items.some((e: { id: string }) => e.id === id));

    const trail = await stack.api.get(`/approvals?eventId=${id}`, { token: organizer.token });
    assert.deepEqual(
      trail.body.items.map((r: { status: string }) => r.status),
      ['rejected', 'approved'],
    );
    assert.equal(trail.body.items[0].reason, 'Please add the line-up.');
    assert.equal(trail.body.items[1].reviewerId, admin.id);
  });
});

describe('who may do what', () => {
  it('an attendee cannot create events', async () => {
    const response = await stack.api.post('/events', eventInput(), { token: attendee.token });
    assert.equal(response.status, 403);
  });

  it("an organizer cannot see, edit or submit another organizer's draft", async () => {
    const created = await stack.api.post('/events', eventInput(), { token: organizer.token });
    const id = created.body.id;
    assert.equal((await stack.api.get(`/events/${id}`, { token: otherOrganizer.token })).status, 404);
    assert.equal((await stack.api.patch(`/events/${id}`, { title: 'Mine now' }, { token: otherOrganizer.token })).status, 404);
    assert.equal((await stack.api.post(`/events/${id}/submit`, undefined, { token: otherOrganizer.token })).status, 404);
    assert.equal(
      (await stack.api.post(`/events/${id}/staff`, { email: otherOrganizer.email }, { token: otherOrganizer.token })).status,
      404,
    );
  });

  it('an organizer cannot approve anything, nor read the reviews of others', async () => {
    const created = await stack.api.post('/events', eventInput(), { token: organizer.token });
    await stack.api.post(`/events/${created.body.id}/submit`, undefined, { token: organizer.token });
    const review = await pendingReviewOf(created.body.id);
    assert.equal((await stack.api.post(`/approvals/${review.id}/approve`, undefined, { token: organizer.token })).status, 403);
    assert.equal((await stack.api.get('/approvals?status=pending', { token: organizer.token })).status, 403);
    assert.equal((await stack.api.get(`/approvals/${review.id}`, { token: otherOrganizer.token })).status, 404);
    assert.equal((await stack.api.get(`/approvals/${review.id}`, { token: organizer.token })).status, 200);
    const foreignTrail = await stack.api.get(`/approvals?eventId=${created.body.id}`, { token: otherOrganizer.token });
    assert.deepEqual(foreignTrail.body.items, []);
  });

  it('a reject needs a reason', async () => {
    const created = await stack.api.post('/events', eventInput(), { token: organizer.token });
    await stack.api.post(`/events/${created.body.id}/submit`, undefined, { token: organizer.token });
    const review = await pendingReviewOf(created.body.id);
    const response = await stack.api.post(`/approvals/${review.id}/reject`, { reason: ' ' }, { token: admin.token });
    assert.equal(response.status, 400);
    assert.equal(response.body.errors[0].field, 'body.reason');
  });

  it('an event under review cannot be edited', async () => {
    const created = await stack.api.post('/events', eventInput(), { token: organizer.token });
    await stack.api.post(`/events/${created.body.id}/submit`, undefined, { token: organizer.token });
    const response = await stack.api.patch(`/events/${created.body.id}`, { title: 'Sneaky change' }, { token: organizer.token });
    assert.equal(response.status, 409);
  });
});

describe('decisions', () => {
  it('two admins deciding at once: exactly one wins, the other gets 409', async () => {
    const created = await stack.api.post('/events', eventInput(), { token: organizer.token });
    await stack.api.post(`/events/${created.body.id}/submit`, undefined, { token: organizer.token });
    const review = await pendingReviewOf(created.body.id);
    const results = await Promise.all([
      stack.api.post(`/approvals/${review.id}/approve`, undefined, { token: admin.token }),
      stack.api.post(`/approvals/${review.id}/reject`, { reason: 'Not suitable.' }, { token: admin.token }),
      stack.api.post(`/approvals/${review.id}/approve`, undefined, { token: admin.token }),
    ]);
    assert.deepEqual(results.map((r) => r.status).sort(), [200, 409, 409]);
  });

  it('redelivered bus events change nothing twice', async () => {
    const created = await stack.api.post('/events', eventInput({ title: 'Replay Festival' }), { token: organizer.token });
    const id = created.body.id;
    const submitted = await stack.api.post(`/events/${id}/submit`, undefined, { token: organizer.token });
    const review = await pendingReviewOf(id);
    // The same submission delivered again, with the same id and with a new id: still one review.
    const submittedEvent = {
      type: 'EventSubmitted',
      occurredAt: new Date().toISOString(),
      source: 'event',
      data: {
        eventId: id,
        organizerId: organizer.id,
        submissionId: submitted.body.submissionId,
        submittedAt: new Date().toISOString(),
        snapshot: {},
      },
    };
    await replay('EventSubmitted', { id: randomUUID(), ...submittedEvent });
    await stack.api.post(`/approvals/${review.id}/approve`, undefined, { token: admin.token });
    await poll(async () => (await stack.api.get(`/events/${id}`)).body.status === 'published', 'published');
    // An approval replayed after the organizer cancelled must not bring the event back.
    await stack.api.post(`/events/${id}/cancel`, { reason: 'Venue closed' }, { token: organizer.token });
    await replay('EventApproved', {
      id: randomUUID(),
      type: 'EventApproved',
      occurredAt: new Date().toISOString(),
      source: 'approval',
      data: {
        eventId: id,
        organizerId: organizer.id,
        reviewId: review.id,
        submissionId: submitted.body.submissionId,
        reviewerId: admin.id,
        decidedAt: new Date().toISOString(),
      },
    });
    await new Promise((r) => setTimeout(r, 500));
    const reviews = await stack.api.get(`/approvals?eventId=${id}`, { token: admin.token });
    assert.equal(reviews.body.items.length, 1);
    assert.equal((await stack.api.get(`/events/${id}`)).body.status, 'cancelled');
  });
});

describe('validation', () => {
  it('names every invalid field', async () => {
    const start = new Date(Date.now() + 10 * 86_400_000);
    const response = await stack.api.post(
      '/events',
      eventInput({
        startsAt: start.toISOString(),
        endsAt: new Date(start.getTime() - 3_600_000).toISOString(),
        tiers: [{ name: 'Bad', price: -5, currency: 'XYZ', capacity: 0 }],
      }),
      { token: organizer.token },
    );
    assert.equal(response.status, 400);
    const fields = response.body.errors.map((e: { field: string }) => e.field);
    for (const field of ['body.tiers.0.price', 'body.tiers.0.currency', 'body.tiers.0.capacity'])
      assert.ok(fields.includes(field), `${field} in ${fields}`);
    const endOnly = await stack.api.post(
      '/events',
      eventInput({ startsAt: start.toISOString(), endsAt: new Date(start.getTime() - 3_600_000).toISOString() }),
      { token: organizer.token },
    );
    assert.equal(endOnly.status, 400);
    assert.equal(endOnly.body.errors[0].field, 'body.endsAt');
    const badZone = await stack.api.post('/events', eventInput({ timeZone: 'Mars/Olympus' }), { token: organizer.token });
    assert.equal(badZone.body.errors[0].field, 'body.timeZone');
  });
});
