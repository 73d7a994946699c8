import assert from 'node:assert/strict';
import { it } from 'node:test';
import type { NotificationRecord } from '../src/data/notifications-repository.js';
import { composeEmail, resetLink } from '../src/domain/email.js';
import { DEFAULT_CHANNELS, NOTIFICATION_KINDS, effectiveChannels } from '../src/domain/kinds.js';
import { MESSAGES, money } from '../src/domain/messages.js';

// The pure parts: texts, money, channels. Delivery and storage are tested through the running service.

it('writes money as people read it, whatever the currency', () => {
  assert.equal(money(1500, 'EUR'), '€15.00');
  assert.equal(money(1500, 'JPY'), '¥1,500'); // no minor unit
  assert.match(money(1234, 'KWD'), /^KWD\s1\.234$/); // three (Intl puts a no-break space there)
  assert.equal(money(100, 'XYZ1'), '100 XYZ1');
});

it('every kind has defaults; in-app is implicit and a password reset e-mail cannot be turned off', () => {
  assert.deepEqual(Object.keys(DEFAULT_CHANNELS).sort(), [...NOTIFICATION_KINDS].sort());
  assert.deepEqual(effectiveChannels('password_reset', { email: false, push: true }), { email: true, push: true });
  assert.deepEqual(effectiveChannels('booking_confirmed', { push: false }), { email: true, push: false });
  assert.deepEqual(effectiveChannels('tickets_issued', undefined), { email: false, push: true });
});

it('says whether a cancellation is refunded, and how many tickets are ready', () => {
  const base = { bookingId: 'b1', userId: 'u1', eventId: 'e1', amount: 3000, currency: 'EUR' };
  assert.match(
    MESSAGES.BookingCancelled({ ...base, reason: 'event_cancelled', refund: true }, 'Gig').body,
    /The organizer cancelled the event: .*“Gig”.* A refund of €30\.00 is on its way/,
  );
  assert.doesNotMatch(MESSAGES.BookingCancelled({ ...base, reason: 'user', refund: false }, null).body, /refund/);
  const tickets = MESSAGES.TicketsIssued({ bookingId: 'b1', userId: 'u1', eventId: 'e1', ticketIds: ['t1', 't2', 't3'] }, null);
  assert.equal(tickets.title, 'Your 3 tickets are ready');
  assert.match(tickets.body, /3 tickets for the event are in the app/);
  assert.equal(
    MESSAGES.EventRejected(
      {
        eventId: 'e1',
        organizerId: 'o1',
        reviewId: 'r1',
        submissionId: 's1',
        reviewerId: 'a1',
        reason: 'Needs a venue address',
        decidedAt: '',
      },
      'Gig',
    ).data.reason,
    'Needs a venue address',
  );
});

it('puts the reset token in the e-mail only, as a link and as a code', () => {
  const intent = MESSAGES.PasswordResetRequested(
    { userId: 'u1', email: 'a@example.com', name: 'Ada', sealedResetToken: 'v1.sealed', expiresAt: '2030-01-01T10:00:00.000Z' },
    'evt-1',
    'tok-123',
  );
  assert.ok(!JSON.stringify({ ...intent, resetToken: undefined }).includes('tok-123'), 'only the resetToken field holds it');
  const record = { ...intent, _id: 'n1', kind: intent.kind } as unknown as NotificationRecord;
  const email = composeEmail(record, 'Ada', intent.resetToken, 'https://eventify.app/reset?from=mail');
  assert.match(email.text, /https:\/\/eventify\.app\/reset\?from=mail&token=tok-123/);
  assert.match(email.text, /enter this code in the app: tok-123\n/);
  assert.match(email.text, /until 2030-01-01 10:00 UTC/);
  assert.equal(resetLink('eventify://reset-password', 'a+b/c'), 'eventify://reset-password?token=a%2Bb%2Fc');
});

it("tells ticket holders what moved: the new start in the event's time zone, the new place, what it was before", () => {
  const base = {
    eventId: 'e1',
    organizerId: 'o1',
    title: 'Gig',
    startsAt: '2031-06-07T18:30:00.000Z',
    endsAt: '2031-06-07T22:00:00.000Z',
    timeZone: 'Europe/London',
  };
  const zone = MESSAGES.EventUpdated({ ...base, changedFields: ['timeZone'], previous: { timeZone: 'Europe/Berlin' } }, 'u1', 'bus-1');
  assert.equal(zone.body, 'It now starts Saturday, 7 June 2031 at 19:30 (Europe/London). Your tickets stay valid.');
  assert.deepEqual([zone.kind, zone.sourceId, zone.userId, zone.data.changedFields], ['event_changed', 'bus-1', 'u1', 'timeZone']);
  const hall = { name: 'Elbe Hall', address: 'Kai 9', city: 'Hamburg', country: 'DE' };
  const place = MESSAGES.EventUpdated(
    { ...base, changedFields: ['venue', 'title'], venue: hall, previous: { venue: { ...hall, name: 'Old Hall' } } },
    'u1',
    'bus-2',
  );
  assert.equal(
    place.body,
    'It now takes place at Elbe Hall, Kai 9, Hamburg, instead of Old Hall, Kai 9, Hamburg. Your tickets stay valid.',
  );
  assert.equal(place.data.changedFields, 'venue');
});
