import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import nodemailer from 'nodemailer';
import type { Expo as ExpoClient } from 'expo-server-sdk';
import { startMailStandin, type MailStandin } from '../src/standin.js';

// The stand-in speaks the real protocols: nodemailer delivers to it over SMTP, and the official Expo SDK,
// pointed at it with EXPO_BASE_URL, sends pushes to it and reads its tickets.
let standin: MailStandin;
let Expo: typeof ExpoClient;

before(async () => {
  standin = await startMailStandin();
  // The SDK reads EXPO_BASE_URL once, when it is first imported.
  process.env.EXPO_BASE_URL = standin.httpUrl;
  ({ Expo } = await import('expo-server-sdk'));
});
after(async () => {
  await standin?.close();
});

it('keeps e-mail sent over SMTP and lists it by recipient', async () => {
  const transport = nodemailer.createTransport(standin.smtpUrl);
  await transport.sendMail({
    from: 'Eventify <no-reply@eventify.test>',
    to: 'ada@example.com',
    subject: 'Hello',
    text: 'Plain words, ünïcode too.',
  });
  await transport.sendMail({ from: 'no-reply@eventify.test', to: 'bob@example.com', subject: 'Other', text: 'x' });
  const listed = await (await fetch(`${standin.httpUrl}/messages?to=ADA@example.com`)).json();
  assert.equal(listed.items.length, 1);
  assert.equal(listed.items[0].subject, 'Hello');
  assert.equal(listed.items[0].text.trim(), 'Plain words, ünïcode too.');
  assert.deepEqual(listed.items[0].envelope, { from: 'no-reply@eventify.test', to: ['ada@example.com'] });
  assert.equal((await (await fetch(`${standin.httpUrl}/messages`)).json()).items.length, 2);
  transport.close();
});

it('refuses mail temporarily when asked, then accepts again', async () => {
  const transport = nodemailer.createTransport(standin.smtpUrl);
  standin.failNext({ smtp: 1 });
  await assert.rejects(
    transport.sendMail({ from: 'a@eventify.test', to: 'c@example.com', subject: 's', text: 't' }),
    (error: { responseCode?: number }) => error.responseCode === 451,
  );
  await transport.sendMail({ from: 'a@eventify.test', to: 'c@example.com', subject: 's', text: 't' });
  assert.equal(standin.messages.filter((m) => m.envelope.to.includes('c@example.com')).length, 1);
  transport.close();
});

it('answers Expo push sends with tickets, gzipped or not, and says DeviceNotRegistered for dead tokens', async () => {
  const expo = new Expo({ retryMinTimeout: 10 });
  const good = 'ExponentPushToken[abcdefghij0123]';
  const dead = 'ExponentPushToken[DeviceNotRegistered-1]';
  const tickets = await expo.sendPushNotificationsAsync([
    { to: good, title: 'Booking confirmed', body: 'See you there', data: { bookingId: 'b1' } },
    { to: dead, title: 'Booking confirmed', body: 'See you there' },
  ]);
  assert.equal(tickets[0]!.status, 'ok');
  assert.equal(tickets[1]!.status, 'error');
  assert.equal(tickets[1]!.status === 'error' ? tickets[1]!.details?.error : undefined, 'DeviceNotRegistered');
  // Over 1 KiB the SDK compresses the request body.
  const [big] = await expo.sendPushNotificationsAsync([{ to: good, title: 'Long', body: 'x'.repeat(3000) }]);
  assert.equal(big!.status, 'ok');
  const listed = await (await fetch(`${standin.httpUrl}/pushes?to=${encodeURIComponent(good)}`)).json();
  assert.deepEqual(
    listed.items.map((p: { title: string }) => p.title),
    ['Booking confirmed', 'Long'],
  );
  assert.deepEqual(listed.items[0].data, { bookingId: 'b1' });
  const receipts = await expo.getPushNotificationReceiptsAsync([tickets[0]!.status === 'ok' ? tickets[0]!.id : '']);
  assert.equal(Object.values(receipts)[0]?.status, 'ok');
});

it('a push request that fails is an error the sender sees', async () => {
  const expo = new Expo({ retryMinTimeout: 10 });
  standin.failNext({ push: 1 });
  await assert.rejects(expo.sendPushNotificationsAsync([{ to: 'ExponentPushToken[abcdefghij0123]', body: 'x' }]), /503/);
});
