import assert from 'node:assert/strict';
import { it } from 'node:test';
import { poll, registerUser } from '@eventify/testing';
import { busEvents, recordFault, type FaultStack } from './support/fault-stack.js';
import { assertSettled, faultStackWithEvent, book, bookingOf, createIntent, payAtStripe, type Purchase } from './support/journey.js';

// kill -9 of each service at the worst moment of a booking's journey, then a restart: nothing lost, nothing twice.
let f: FaultStack;
let eventId: string;
let tierId: string;
const paid: Purchase[] = [];
const cancelled: Purchase[] = [];
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

faultStackWithEvent((context) => ({ f, eventId, tierId } = context));

it('booking killed mid-reservation (its seats taken, never recorded): the seats come back, the next booking works', async () => {
  const buyer = await registerUser(f.stack.api);
  // Booking keeps a connection to event alive, as it does in production under traffic: a request that needs a
  // fresh one could not even finish its TLS handshake with event paused, so it would never be in flight there.
  // A booking of a tier that does not exist goes to event and back, and takes nothing.
  const warmUp = await f.stack.api.post(
    '/bookings',
    { eventId, items: [{ tierId: 'no-such-tier', quantity: 1 }] },
    { token: (await registerUser(f.stack.api)).token },
  );
  assert.equal(warmUp.status, 400, warmUp.text);
  f.signal('event', 'SIGSTOP'); // the reservation call is in flight while booking dies
  const attempt = f.stack.api
    .post('/bookings', { eventId, items: [{ tierId, quantity: 2 }] }, { token: buyer.token })
    .catch((error: Error) => ({ status: 0, error }));
  await sleep(400);
  await f.kill9('booking');
  f.signal('event', 'SIGCONT'); // ...and the event service finishes taking seats for a booking nobody will record
  const answer = await attempt;
  assert.ok([0, 502, 503].includes(answer.status), `the client sees the failure, got ${answer.status}`);
  // The fault really happened: seats are held for a booking that was never stored (seats are taken first).
  const orphan = await poll(
    async () => {
      const holds = (await f.db('event').collection('seat_holds').find({ eventId, q: 2 }).toArray()) as unknown as { b: string }[];
      for (const hold of holds)
        if (
          !(await f
            .db('booking')
            .collection('bookings')
            .findOne({ _id: hold.b as never }))
        )
          return hold;
      return undefined;
    },
    'seats taken for the dead request',
    10_000,
  );
  assert.equal(await f.db('booking').collection('bookings').countDocuments({ userId: buyer.id }), 0, 'no booking was stored');
  await f.stack.startService('booking');
  const again = await createIntent(f, await book(f, eventId, tierId, 2, buyer));
  await payAtStripe(f, again);
  paid.push(again);
  await assertSettled(f, eventId, { paid: [again], cancelled: [] });
  assert.equal(await f.db('event').collection('seat_holds').countDocuments({ b: orphan.b }), 0, 'the orphaned seats were given back');
  recordFault(
    'kill -9 booking mid-reservation',
    'seats of the never-stored booking released by the reconciler; retry confirmed with tickets; seats held == booked',
  );
});

it("payment killed right after Stripe's webhook arrived: Stripe retries, the booking is confirmed once", async () => {
  const purchase = await createIntent(f, await book(f, eventId, tierId, 1));
  f.signal('payment', 'SIGSTOP');
  await payAtStripe(f, purchase); // the webhook now waits in the paused process
  await sleep(300);
  await f.crash('payment');
  paid.push(purchase);
  await assertSettled(f, eventId, { paid: [purchase], cancelled: [] });
  recordFault('kill -9 payment with a webhook in flight', 'webhook redelivered by Stripe, applied once; booking confirmed with tickets');
});

it('payment killed the moment the success is committed (event in the outbox, maybe not yet published)', async () => {
  const purchase = await createIntent(f, await book(f, eventId, tierId, 1));
  await payAtStripe(f, purchase);
  await poll(
    async () =>
      (await f.paymentDb.query(`select 1 from payments where booking_id = $1 and status = 'succeeded'`, [purchase.bookingId])).rowCount ===
      1,
    'payment committed',
    15_000,
  );
  await f.crash('payment');
  paid.push(purchase);
  await assertSettled(f, eventId, { paid: [purchase], cancelled: [] });
  const succeeded = (await busEvents(f, 'PaymentSucceeded')).filter((e) => e.data.bookingId === purchase.bookingId);
  assert.equal(new Set(succeeded.map((e) => e.id)).size, 1, 'one PaymentSucceeded (a republished copy has the same id)');
  recordFault('kill -9 payment right after the success committed', 'outbox relayed PaymentSucceeded after restart; confirmed once');
});

it('qr killed while issuing: tickets issued exactly once after the restart', async () => {
  f.signal('qr', 'SIGSTOP'); // BookingConfirmed will be delivered to this (paused) consumer and left pending
  const purchase = await createIntent(f, await book(f, eventId, tierId, 3));
  await payAtStripe(f, purchase);
  await poll(
    async () => (await busEvents(f, 'BookingConfirmed')).some((e) => e.data.bookingId === purchase.bookingId),
    'BookingConfirmed',
    20_000,
  );
  await sleep(300);
  await f.crash('qr');
  paid.push(purchase);
  await assertSettled(f, eventId, { paid: [purchase], cancelled: [] });
  const issued = (await busEvents(f, 'TicketsIssued')).filter((e) => e.data.bookingId === purchase.bookingId);
  assert.equal(new Set(issued.map((e) => e.id)).size, 1, 'one TicketsIssued');
  recordFault('kill -9 qr while issuing', 'pending BookingConfirmed claimed by the new process; 3 tickets, one TicketsIssued');
});

it('notification killed while sending: one notification of each kind, e-mails not multiplied', async () => {
  f.signal('notification', 'SIGSTOP');
  const purchase = await createIntent(f, await book(f, eventId, tierId, 1));
  await payAtStripe(f, purchase);
  await poll(
    async () => (await busEvents(f, 'TicketsIssued')).some((e) => e.data.bookingId === purchase.bookingId),
    'TicketsIssued',
    20_000,
  );
  await sleep(300);
  await f.crash('notification');
  paid.push(purchase);
  await assertSettled(f, eventId, { paid: [purchase], cancelled: [] });
  const notifications = await f.db('notification').collection('notifications').find({ userId: purchase.buyer.id }).toArray();
  await poll(async () => f.mail.messages.some((m) => m.envelope.to.includes(purchase.buyer.email.toLowerCase())), 'an e-mail', 20_000);
  const mails = f.mail.messages.filter((m) => m.envelope.to.includes(purchase.buyer.email.toLowerCase()));
  const distinct = new Set(mails.map((m) => m.messageId));
  assert.ok(
    distinct.size <= notifications.length,
    `no more distinct e-mails (${distinct.size}) than notifications (${notifications.length})`,
  );
  recordFault(
    'kill -9 notification while sending',
    `one in-app notification per kind; ${distinct.size} distinct e-mail(s) for ${notifications.length} notifications`,
  );
});

it('booking killed right after a cancel was stored: refund and voided tickets still follow', async () => {
  const purchase = await createIntent(f, await book(f, eventId, tierId, 2));
  await payAtStripe(f, purchase);
  await poll(async () => (await bookingOf(f, purchase)).status === 'confirmed', 'confirmed', 20_000);
  await poll(
    async () => (await f.db('qr').collection('tickets').countDocuments({ bookingId: purchase.bookingId })) === 2,
    'tickets',
    20_000,
  );
  const cancel = await f.stack.api.post(`/bookings/${purchase.bookingId}/cancel`, undefined, { token: purchase.buyer.token });
  assert.equal(cancel.status, 200);
  await f.crash('booking'); // BookingCancelled may still be in the booking's outbox
  cancelled.push(purchase);
  await assertSettled(f, eventId, { paid: [], cancelled: [purchase] });
  recordFault('kill -9 booking right after a cancel', 'BookingCancelled relayed after restart; refunded once, tickets voided');
});

it('afterwards, every journey of this stack is settled: exact counts', async () => {
  await assertSettled(f, eventId, { paid, cancelled });
  const tickets = await f.db('qr').collection('tickets').countDocuments({ eventId, status: 'valid' });
  assert.equal(
    tickets,
    paid.reduce((sum, p) => sum + p.quantity, 0),
    'valid tickets == seats paid for',
  );
});
