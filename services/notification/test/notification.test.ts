import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { Redis } from 'ioredis';
import { MongoClient } from 'mongodb';
import { redisKeys } from '@eventify/contracts';
import { Mutex } from '@eventify/kit';
import { startMailStandin, type MailStandin } from '@eventify/mail-standin';
import {
  TEST_ADMIN_ENV,
  eventInput,
  freePort,
  loginAdmin,
  mongoUrlFor,
  poll,
  publishEvent,
  registerUser,
  startTestStack,
  type TestStack,
  type TestUser,
} from '@eventify/testing';
import { notificationLock } from '../src/domain/deliveries.js';

// Everything through the gateway, with mail and push going to the stand-in (real SMTP, Expo's push API shape).
let stack: TestStack;
let mail: MailStandin;
let redis: Redis;
let organizer: TestUser;
let admin: TestUser;
const WAIT = 30_000; // two cores shared by seven processes: generous, the assertions stay exact

before(async () => {
  mail = await startMailStandin({ smtpPort: await freePort(), httpPort: await freePort() });
  stack = await startTestStack({
    services: ['auth', 'user', 'event', 'approval', 'booking', 'notification'],
    env: {
      auth: TEST_ADMIN_ENV,
      notification: { SMTP_URL: mail.smtpUrl, EXPO_BASE_URL: mail.httpUrl, DELIVERY_POLL_MS: '200', DELIVERY_RETRY_BASE_MS: '300' },
    },
    echo: process.env.ECHO === '1',
  });
  redis = new Redis(stack.plan.infra.redis);
  organizer = await registerUser(stack.api, 'organizer', 'Olga Organizer');
  admin = await loginAdmin(stack.api);
});
after(async () => {
  redis?.disconnect();
  await stack?.stop();
  await mail?.close();
});

interface Notification {
  id: string;
  kind: string;
  title: string;
  body: string;
  data: Record<string, unknown>;
  readAt: string | null;
  deliveries: { channel: string; to: string; status: string; attempts: { ok: boolean; error: string | null }[] }[];
}

const inbox = (user: TestUser, query = '') => stack.api.get(`/notifications${query}`, { token: user.token });
const mailsTo = (email: string) => mail.messages.filter((m) => m.envelope.to.includes(email.toLowerCase()));
const pushesTo = (token: string) => mail.pushes.filter((p) => p.to === token);
const pushToken = (prefix = '') => `ExponentPushToken[${prefix}${randomBytes(8).toString('hex')}]`;

/** The first notification that matches, once every delivery of it has been tried to the end. */
async function settled(user: TestUser, match: (n: Notification) => boolean, what: string): Promise<Notification> {
  return poll(
    async () => {
      const found = ((await inbox(user, '?limit=100')).body.items as Notification[]).find(match);
      return found && found.deliveries.length > 0 && found.deliveries.every((d) => d.status !== 'pending') ? found : undefined;
    },
    what,
    WAIT,
  );
}

async function addDevice(user: TestUser, token: string) {
  assert.equal((await stack.api.post('/users/me/push-tokens', { token }, { token: user.token })).status, 201);
}

async function publishOnBus(type: string, data: Record<string, unknown>, occurredAt = new Date()) {
  const event = { id: randomUUID(), type, occurredAt: occurredAt.toISOString(), source: 'test', data };
  await redis.xadd(`${stack.plan.namespace}:stream:${type}`, '*', 'event', JSON.stringify(event));
  return event;
}

const confirmed = (user: TestUser, bookingId: string) => ({
  bookingId,
  userId: user.id,
  eventId: 'evt-test',
  items: [{ tierId: 't1', tierName: 'Standard', quantity: 2, unitPrice: 1500, currency: 'EUR' }],
  amount: 3000,
  currency: 'EUR',
  confirmedAt: new Date().toISOString(),
});

describe('notifications reach people', () => {
  it('registration brings a welcome: in the inbox and by e-mail', async () => {
    const ada = await registerUser(stack.api, 'attendee', 'Ada');
    const welcome = await settled(ada, (n) => n.kind === 'welcome', 'welcome');
    assert.equal(welcome.title, 'Welcome to Eventify, Ada');
    assert.equal(welcome.readAt, null);
    assert.deepEqual(
      welcome.deliveries.map((d) => [d.channel, d.to, d.status]),
      [['email', ada.email, 'sent']],
    );
    const [email, ...more] = mailsTo(ada.email);
    assert.equal(more.length, 0);
    assert.equal(email!.subject, 'Welcome to Eventify, Ada');
    assert.match(email!.text, /Hello Ada,/);
    assert.equal(email!.envelope.from, 'no-reply@eventify.local');
    assert.equal((await inbox(ada)).body.unreadCount, 1);
  });

  it('forgot password: the e-mail carries a token that resets the password, and the token is kept nowhere else', async () => {
    const bob = await registerUser(stack.api, 'attendee', 'Bob');
    assert.equal((await stack.api.post('/auth/password/forgot', { email: bob.email })).status, 202);
    const email = await poll(async () => mailsTo(bob.email).find((m) => m.subject === 'Password reset requested'), 'reset e-mail', WAIT);
    const token = /enter this code in the app: (\S+)/.exec(email.text)?.[1];
    assert.ok(token, email.text);
    assert.ok(email.text.includes(`eventify://reset-password?token=${encodeURIComponent(token)}`));

    const note = await settled(bob, (n) => n.kind === 'password_reset', 'reset notification');
    assert.ok(!JSON.stringify(note).includes(token), 'the inbox never shows the token');
    const client = new MongoClient(mongoUrlFor(stack.plan.infra.mongo, `notification_db_${stack.plan.runId}`));
    try {
      const stored = await client.db().collection('notifications').find({ userId: bob.id }).toArray();
      assert.ok(stored.length >= 1 && !JSON.stringify(stored).includes(token), 'the database never holds the token');
    } finally {
      await client.close();
    }
    assert.ok(!stack.processes.notification!.output().includes(token), 'the logs never show the token');
    const redis = new Redis(stack.plan.infra.redis);
    try {
      const stream = await redis.xrange(`${stack.plan.namespace}:stream:PasswordResetRequested`, '-', '+');
      assert.ok(stream.length >= 1 && !JSON.stringify(stream).includes(token), 'the event stream carries it sealed only');
    } finally {
      redis.disconnect();
    }

    const newPassword = 'a fresh and sturdy passphrase';
    assert.equal((await stack.api.post('/auth/password/reset', { token, password: newPassword })).status, 204);
    assert.equal((await stack.api.post('/auth/login', { email: bob.email, password: newPassword })).status, 200);
  });

  it('a free booking is confirmed in the inbox, by e-mail and by push to the registered device', async () => {
    const cleo = await registerUser(stack.api, 'attendee', 'Cleo');
    const device = pushToken('cleo');
    await addDevice(cleo, device);
    const event = await publishEvent(stack.api, organizer, admin, eventInput());
    const free = event.tiers.find((t: { price: number }) => t.price === 0);
    const booking = await stack.api.post(
      '/bookings',
      { eventId: event.id, items: [{ tierId: free.id, quantity: 2 }] },
      { token: cleo.token },
    );
    assert.equal(booking.body.status, 'confirmed');

    const note = await settled(cleo, (n) => n.kind === 'booking_confirmed' && n.data.bookingId === booking.body.id, 'booking confirmation');
    assert.equal(note.title, 'Booking confirmed');
    assert.match(note.body, /“Jazz at the Harbour”: 2 tickets \(2 × Free entry\), free\./);
    assert.deepEqual(note.deliveries.map((d) => [d.channel, d.to, d.status]).sort(), [
      ['email', cleo.email, 'sent'],
      ['push', device, 'sent'],
    ]);
    assert.equal(mailsTo(cleo.email).filter((m) => m.subject === 'Booking confirmed').length, 1);
    const [push, ...morePushes] = pushesTo(device);
    assert.equal(morePushes.length, 0);
    assert.equal(push!.title, 'Booking confirmed');
    assert.equal(push!.data!.bookingId, booking.body.id);
    assert.equal(push!.data!.notificationId, note.id);

    // The review reached the organizer too, with the event's title.
    const approved = await settled(organizer, (n) => n.kind === 'event_approved' && n.data.eventId === event.id, 'approval notice');
    assert.match(approved.body, /“Jazz at the Harbour” passed review/);
    assert.deepEqual(
      approved.deliveries.map((d) => [d.channel, d.status]),
      [['email', 'sent']],
    );
  });

  it('a channel turned off in the preferences is not used', async () => {
    const dan = await registerUser(stack.api, 'attendee', 'Dan');
    const device = pushToken('dan');
    await addDevice(dan, device);
    const before = await stack.api.get('/notifications/preferences', { token: dan.token });
    assert.deepEqual(before.body.kinds.booking_confirmed, { inApp: true, email: true, push: true, locked: ['inApp'] });
    assert.deepEqual(before.body.kinds.password_reset, { inApp: true, email: true, push: false, locked: ['inApp', 'email'] });
    const changed = await stack.api.put(
      '/notifications/preferences',
      { kinds: { booking_confirmed: { email: false } } },
      { token: dan.token },
    );
    assert.equal(changed.status, 200);
    assert.deepEqual(changed.body.kinds.booking_confirmed, { inApp: true, email: false, push: true, locked: ['inApp'] });
    assert.deepEqual((await stack.api.get('/notifications/preferences', { token: dan.token })).body.kinds.booking_confirmed.email, false);

    const bookingId = randomUUID();
    await publishOnBus('BookingConfirmed', confirmed(dan, bookingId));
    const note = await settled(dan, (n) => n.data.bookingId === bookingId, 'confirmation without e-mail');
    assert.deepEqual(
      note.deliveries.map((d) => [d.channel, d.status]),
      [['push', 'sent']],
    );
    assert.equal(mailsTo(dan.email).filter((m) => m.subject === 'Booking confirmed').length, 0);
    assert.equal(pushesTo(device).length, 1);
  });

  it('a redelivered event, or the same news under a new event id, notifies once', async () => {
    const eve = await registerUser(stack.api, 'attendee', 'Eve');
    const device = pushToken('eve');
    await addDevice(eve, device);
    const bookingId = randomUUID();
    const first = await publishOnBus('BookingConfirmed', confirmed(eve, bookingId));
    await redis.xadd(`${stack.plan.namespace}:stream:BookingConfirmed`, '*', 'event', JSON.stringify(first)); // the same event again
    await publishOnBus('BookingConfirmed', confirmed(eve, bookingId)); // a new id, the same booking
    // The stream is handled in order: once this one is in, the three above have been handled.
    const marker = randomUUID();
    await publishOnBus('BookingConfirmed', confirmed(eve, marker));
    await settled(eve, (n) => n.data.bookingId === marker, 'the later confirmation');
    await settled(eve, (n) => n.data.bookingId === bookingId, 'the confirmation');

    const items = (await inbox(eve, '?limit=100')).body.items as Notification[];
    assert.equal(items.filter((n) => n.data.bookingId === bookingId).length, 1);
    assert.equal(mailsTo(eve.email).filter((m) => m.subject === 'Booking confirmed').length, 2); // this booking and the marker
    assert.equal(pushesTo(device).filter((p) => p.data!.bookingId === bookingId).length, 1);
  });
});

describe('news from organizers', () => {
  it('a new date or venue reaches every ticket holder once, saying what changed; a new title reaches nobody', async () => {
    const [fay, gus, hal] = await Promise.all(['Fay', 'Gus', 'Hal'].map((n) => registerUser(stack.api, 'attendee', n)));
    const event = await publishEvent(stack.api, organizer, admin, eventInput({ title: 'Harbour Lights' }));
    const free = event.tiers.find((t: { price: number }) => t.price === 0);
    const book = async (user: TestUser) => {
      const booking = await stack.api.post(
        '/bookings',
        { eventId: event.id, items: [{ tierId: free.id, quantity: 1 }] },
        { token: user.token },
      );
      assert.equal(booking.body.status, 'confirmed', booking.text);
      return booking.body;
    };
    await book(fay);
    await book(fay); // two bookings, one person: told once
    const gusBooking = await book(gus);
    const halBooking = await book(hal);
    assert.equal((await stack.api.post(`/bookings/${halBooking.id}/cancel`, undefined, { token: hal.token })).status, 200); // no longer a holder

    assert.equal(
      (await stack.api.patch(`/events/${event.id}`, { title: 'Harbour Lights Festival' }, { token: organizer.token })).status,
      200,
    );
    const startsAt = '2031-06-07T18:30:00.000Z';
    const moved = await stack.api.patch(
      `/events/${event.id}`,
      { startsAt, endsAt: '2031-06-07T22:00:00.000Z', venue: { name: 'Elbe Hall', address: 'Kai 9', city: 'Hamburg', country: 'DE' } },
      { token: organizer.token },
    );
    assert.equal(moved.status, 200, moved.text);
    for (const holder of [fay, gus]) {
      const note = await settled(holder, (n) => n.kind === 'event_changed' && n.data.eventId === event.id, 'event changed');
      assert.equal(note.title, '“Harbour Lights Festival” has changed');
      assert.match(note.body, /It now starts Saturday, 7 June 2031 at 20:30 \(Europe\/Berlin\), instead of /);
      assert.match(note.body, /It now takes place at Elbe Hall, Kai 9, Hamburg, instead of Harbour Hall, Kai 1, Hamburg\./);
      assert.equal(note.data.changedFields, 'startsAt,endsAt,venue');
      assert.deepEqual(
        note.deliveries.map((d) => [d.channel, d.status]),
        [['email', 'sent']],
      );
      const items = (await inbox(holder, '?limit=100')).body.items as Notification[];
      assert.equal(items.filter((n) => n.kind === 'event_changed').length, 1, 'once, and not for the new title');
    }
    assert.equal(((await inbox(hal, '?limit=100')).body.items as Notification[]).filter((n) => n.kind === 'event_changed').length, 0);
    assert.equal(((await inbox(organizer, '?limit=100')).body.items as Notification[]).filter((n) => n.kind === 'event_changed').length, 0);
    // The booking follows the new start (its refund cut-off counts from it).
    await poll(
      async () => (await stack.api.get(`/bookings/${gusBooking.id}`, { token: gus.token })).body.eventStartsAt === startsAt,
      'booking moved',
      WAIT,
    );
  });

  it('a person named door staff is told once they have an account: at once, or when they register', async () => {
    const event = await publishEvent(stack.api, organizer, admin, eventInput({ title: 'Door Night' }));
    const ida = await registerUser(stack.api, 'attendee', 'Ida');
    assert.equal((await stack.api.post(`/events/${event.id}/staff`, { email: ida.email }, { token: organizer.token })).status, 200);
    const told = await settled(ida, (n) => n.kind === 'staff_added', 'staff added');
    assert.equal(told.title, 'You are door staff');
    assert.match(told.body, /scan tickets at the door of “Door Night”/);
    assert.equal(told.data.eventId, event.id);

    const address = `jo-${randomBytes(4).toString('hex')}@example.com`;
    assert.equal((await stack.api.post(`/events/${event.id}/staff`, { email: address }, { token: organizer.token })).status, 200);
    const registered = await stack.api.post('/auth/register', { email: address, password: 'a sturdy test passphrase', name: 'Jo' });
    const jo = { id: registered.body.user.id, email: address, token: registered.body.accessToken, refreshToken: '' };
    const later = await settled(jo, (n) => n.kind === 'staff_added', 'staff added after registering');
    assert.equal(later.data.eventId, event.id);
    assert.equal(mailsTo(address).filter((m) => m.subject === 'You are door staff').length, 1);
  });
});

describe('delivery failures', () => {
  it('a refused e-mail is retried and every attempt is recorded; the inbox does not wait for it', async () => {
    const fay = await registerUser(stack.api, 'attendee', 'Fay');
    await settled(fay, (n) => n.kind === 'welcome', 'welcome'); // nothing else in flight now
    mail.failNext({ smtp: 1 });
    const bookingId = randomUUID();
    await publishOnBus('BookingExpired', { bookingId, userId: fay.id, eventId: 'evt-test' });
    const note = await settled(fay, (n) => n.kind === 'booking_expired', 'expiry notice');
    const email = note.deliveries.find((d) => d.channel === 'email')!;
    assert.equal(email.status, 'sent');
    assert.deepEqual(
      email.attempts.map((a) => a.ok),
      [false, true],
    );
    assert.match(email.attempts[0]!.error!, /451/);
  });

  it('a device Expo calls DeviceNotRegistered is not pushed to again', async () => {
    const gus = await registerUser(stack.api, 'attendee', 'Gus');
    const alive = pushToken('gus');
    const dead = pushToken('DeviceNotRegistered-');
    await addDevice(gus, alive);
    await addDevice(gus, dead);
    const first = randomUUID();
    await publishOnBus('PaymentFailed', {
      paymentId: 'pay1',
      bookingId: first,
      userId: gus.id,
      paymentIntentId: 'pi_1',
      reason: 'Your card was declined.',
    });
    const note = await settled(gus, (n) => n.kind === 'payment_failed', 'payment failure');
    assert.match(note.body, /Your card was declined\./);
    const deadDelivery = note.deliveries.find((d) => d.to === dead)!;
    assert.equal(deadDelivery.status, 'failed');
    assert.equal(deadDelivery.attempts.length, 1, 'not retried');
    assert.match(deadDelivery.attempts[0]!.error!, /DeviceNotRegistered/);
    assert.equal(note.deliveries.find((d) => d.to === alive)!.status, 'sent');
    assert.ok(!stack.processes.notification!.output().includes(dead), 'push tokens stay out of the logs');

    await publishOnBus('PaymentRefunded', {
      paymentId: 'pay1',
      bookingId: first,
      userId: gus.id,
      refundId: 're_1',
      amount: 1250,
      totalRefunded: 1250,
      fullyRefunded: true,
      currency: 'EUR',
      reason: 'requested_by_customer',
    });
    const refund = await settled(gus, (n) => n.kind === 'payment_refunded', 'refund notice');
    assert.match(refund.body, /€12\.50 was refunded/);
    assert.deepEqual(
      refund.deliveries.filter((d) => d.channel === 'push').map((d) => d.to),
      [alive],
    );
  });
});

describe('old news', () => {
  it('goes to the inbox only: nobody wants last week’s e-mails when the service catches up', async () => {
    const lea = await registerUser(stack.api, 'attendee', 'Lea');
    await settled(lea, (n) => n.kind === 'welcome', 'welcome');
    const old = randomUUID();
    await publishOnBus('BookingExpired', { bookingId: old, userId: lea.id, eventId: 'evt-test' }, new Date(Date.now() - 3 * 86_400_000));
    const fresh = randomUUID();
    await publishOnBus('BookingExpired', { bookingId: fresh, userId: lea.id, eventId: 'evt-test' });
    await settled(lea, (n) => n.data.bookingId === fresh, 'the fresh notice');
    const stale = ((await inbox(lea, '?limit=100')).body.items as Notification[]).find((n) => n.data.bookingId === old);
    assert.ok(stale, 'the old news is in the inbox');
    assert.deepEqual(stale.deliveries, []);
    assert.equal(mailsTo(lea.email).filter((m) => m.subject === 'Your seats were released').length, 1);
  });
});

describe('the inbox', () => {
  it('pages newest first, filters unread, and marks read once', async () => {
    const hal = await registerUser(stack.api, 'attendee', 'Hal');
    await poll(async () => (await inbox(hal)).body.items?.length === 1, 'welcome first', WAIT);
    const ids = Array.from({ length: 4 }, () => randomUUID());
    for (const bookingId of ids) {
      await publishOnBus('BookingExpired', { bookingId, userId: hal.id, eventId: 'evt-test' });
      await poll(
        async () => ((await inbox(hal, '?limit=100')).body.items as Notification[]).some((n) => n.data.bookingId === bookingId),
        'expiry',
        WAIT,
      );
    }
    const seen: Notification[] = [];
    let cursor: string | null = null;
    do {
      const page = await inbox(hal, `?limit=2${cursor ? `&cursor=${cursor}` : ''}`);
      assert.equal(page.status, 200);
      assert.ok(page.body.items.length <= 2);
      seen.push(...page.body.items);
      cursor = page.body.nextCursor;
    } while (cursor);
    assert.deepEqual(
      seen.map((n) => n.data.bookingId ?? 'welcome'),
      [...[...ids].reverse(), 'welcome'],
    );
    assert.equal((await inbox(hal)).body.unreadCount, 5);

    const target = seen[0]!;
    const read = await stack.api.post(`/notifications/${target.id}/read`, undefined, { token: hal.token });
    assert.equal(read.status, 200);
    assert.ok(read.body.readAt);
    const again = await stack.api.post(`/notifications/${target.id}/read`, undefined, { token: hal.token });
    assert.equal(again.body.readAt, read.body.readAt);
    const unread = await inbox(hal, '?unread=true&limit=100');
    assert.equal(unread.body.unreadCount, 4);
    assert.ok(unread.body.items.every((n: Notification) => n.id !== target.id && n.readAt === null));

    const all = await stack.api.post('/notifications/read-all', undefined, { token: hal.token });
    assert.deepEqual(all.body, { marked: 4, unreadCount: 0 });
    assert.deepEqual((await stack.api.post('/notifications/read-all', undefined, { token: hal.token })).body, {
      marked: 0,
      unreadCount: 0,
    });
    assert.equal((await inbox(hal, '?unread=true')).body.items.length, 0);
  });

  it('a read mark waits while the delivery worker holds the notification, so neither write undoes the other', async () => {
    const lia = await registerUser(stack.api, 'attendee', 'Lia');
    const welcome = await poll(async () => (await inbox(lia)).body.items?.[0] as Notification | undefined, 'welcome', WAIT);
    // Hold the notification's lock as a delivery in progress does (the service's own lock, in its Redis prefix).
    const worker = new Mutex(redis, redisKeys.own(stack.plan.namespace, 'notification'));
    let answered = 0;
    const marks = await worker.run(notificationLock(welcome.id), async () => {
      const both = [
        stack.api.post(`/notifications/${welcome.id}/read`, undefined, { token: lia.token }),
        stack.api.post('/notifications/read-all', undefined, { token: lia.token }),
      ].map((answer) => answer.finally(() => answered++));
      await new Promise((r) => setTimeout(r, 600));
      assert.equal(answered, 0, 'both waited for the lock');
      assert.equal((await inbox(lia)).body.items[0].readAt, null, 'nothing written while the worker holds it');
      return both;
    });
    const [read, readAll] = await Promise.all(marks);
    assert.equal(read!.status, 200);
    assert.ok(read!.body.readAt);
    assert.equal(readAll!.status, 200);
    assert.equal(readAll!.body.unreadCount, 0);
    const stored = (await inbox(lia)).body;
    assert.equal(stored.items[0].readAt, read!.body.readAt, 'one mark stands, the first');
    assert.equal(stored.unreadCount, 0);
  });

  it("someone else's notification is not found; without a token nothing is", async () => {
    const ivy = await registerUser(stack.api, 'attendee', 'Ivy');
    const jon = await registerUser(stack.api, 'attendee', 'Jon');
    const ivys = await poll(async () => (await inbox(ivy)).body.items?.[0] as Notification | undefined, 'welcome', WAIT);
    assert.equal((await stack.api.post(`/notifications/${ivys.id}/read`, undefined, { token: jon.token })).status, 404);
    assert.equal((await stack.api.post(`/notifications/${randomUUID()}/read`, undefined, { token: ivy.token })).status, 404);
    assert.ok(((await inbox(jon, '?limit=100')).body.items as Notification[]).every((n) => n.id !== ivys.id));
    assert.equal((await stack.api.get(`/notifications`)).status, 401);
    assert.equal((await stack.api.get(`/notifications/preferences`)).status, 401);
    assert.equal((await stack.api.post(`/notifications/${ivys.id}/read`)).status, 401);
    assert.equal((await inbox(ivy)).body.items[0].readAt, null, 'untouched by the others');
  });

  it('refuses bad preferences and bad paging with 400 naming the field', async () => {
    const kim = await registerUser(stack.api, 'attendee', 'Kim');
    const put = (body: unknown) => stack.api.put('/notifications/preferences', body, { token: kim.token });
    const wrongType = await put({ kinds: { booking_confirmed: { email: 'yes' } } });
    assert.equal(wrongType.status, 400);
    assert.equal(wrongType.headers.get('content-type'), 'application/problem+json; charset=utf-8');
    assert.equal(wrongType.body.errors[0].field, 'body.kinds.booking_confirmed.email');
    const locked = await put({ kinds: { password_reset: { email: false } } });
    assert.equal(locked.status, 400);
    assert.deepEqual(
      locked.body.errors.map((e: { field: string }) => e.field),
      ['body.kinds.password_reset.email'],
    );
    const unknownKind = await put({ kinds: { horoscope: { email: true } } });
    assert.equal(unknownKind.status, 400);
    assert.equal(unknownKind.body.errors[0].field, 'body.kinds');
    assert.match(unknownKind.body.errors[0].message, /horoscope/);
    assert.equal((await put({ kinds: { welcome: { inApp: false } } })).status, 400);
    const badCursor = await inbox(kim, '?cursor=not-a-cursor');
    assert.equal(badCursor.status, 400);
    assert.equal(badCursor.body.errors[0].field, 'query.cursor');
    assert.equal((await inbox(kim, '?unread=maybe')).body.errors[0].field, 'querystring.unread'); // the kit's name for query fields
    // Nothing was changed by the refused requests.
    assert.equal((await stack.api.get('/notifications/preferences', { token: kim.token })).body.kinds.booking_confirmed.email, true);
  });

  it('documents its routes in the merged API docs', async () => {
    const docs = await stack.api.get('/docs/openapi.json');
    assert.equal(docs.status, 200);
    for (const path of ['/notifications', '/notifications/{id}/read', '/notifications/read-all'])
      assert.ok(docs.body.paths[path]?.post ?? docs.body.paths[path]?.get, path);
    assert.ok(docs.body.paths['/notifications/preferences'].put.requestBody, 'the preference body is described');
  });
});
