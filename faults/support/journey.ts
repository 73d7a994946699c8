import assert from 'node:assert/strict';
import { after, before } from 'node:test';
import { eventInput, poll, publishEvent, registerUser, type TestUser } from '@eventify/testing';
import { startFaultStack, type FaultStack } from './fault-stack.js';

export interface Purchase {
  buyer: TestUser;
  bookingId: string;
  quantity: number;
  paymentId?: string;
  paymentIntentId?: string;
}

/** The stack of one fault file, with a paid event on sale: started before its tests (then `ready`), stopped after them. */
export function faultStackWithEvent(ready: (context: { f: FaultStack; eventId: string; tierId: string }) => void, capacity = 20): void {
  const context = {} as { f: FaultStack; eventId: string; tierId: string };
  before(async () => {
    context.f = await startFaultStack();
    Object.assign(context, await paidEvent(context.f, capacity));
    ready(context);
  });
  after(async () => {
    await context.f?.stop();
  });
}

export async function paidEvent(f: FaultStack, capacity: number) {
  const event = await publishEvent(
    f.stack.api,
    f.organizer,
    f.admin,
    eventInput({ tiers: [{ name: 'Standard', price: 2500, currency: 'EUR', capacity }] }),
  );
  return { eventId: event.id as string, tierId: event.tiers[0]!.id as string };
}

/** Retry through a fault: only 503/504 (the documented "try again") count as retryable; anything else fails the test. */
export async function retrying<T extends { status: number }>(
  what: string,
  call: () => Promise<T>,
  okStatuses = [200, 201],
  timeoutMs = 30_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const response = await call().catch((error: Error) => ({ status: 0, error }) as unknown as T);
    if (okStatuses.includes(response.status)) return response;
    assert.ok(
      [0, 502, 503, 504].includes(response.status),
      `${what}: unexpected ${response.status} ${JSON.stringify((response as { body?: unknown }).body)}`,
    );
    if (Date.now() > deadline) throw new Error(`${what}: still ${response.status} after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

export async function book(f: FaultStack, eventId: string, tierId: string, quantity: number, buyer?: TestUser): Promise<Purchase> {
  const who = buyer ?? (await registerUser(f.stack.api));
  const key = `fault-${Math.random().toString(36).slice(2)}`;
  const response = await retrying('book', () =>
    f.stack.api.post('/bookings', { eventId, items: [{ tierId, quantity }] }, { token: who.token, headers: { 'idempotency-key': key } }),
  );
  return { buyer: who, bookingId: response.body.id, quantity };
}

export async function createIntent(f: FaultStack, purchase: Purchase): Promise<Purchase> {
  const response = await retrying('payment intent', () =>
    f.stack.api.post('/payments/intents', { bookingId: purchase.bookingId }, { token: purchase.buyer.token }),
  );
  return { ...purchase, paymentId: response.body.paymentId, paymentIntentId: response.body.paymentIntentId };
}

/** What the app's payment sheet does: confirm at Stripe (the stand-in), which then sends its webhook. */
export async function payAtStripe(f: FaultStack, purchase: Purchase): Promise<void> {
  await f.stripe.paymentIntents.confirm(purchase.paymentIntentId!, { payment_method: 'pm_card_visa' });
}

export async function bookingOf(f: FaultStack, purchase: Purchase) {
  return (await f.stack.api.get(`/bookings/${purchase.bookingId}`, { token: purchase.buyer.token })).body;
}

export async function waitForStatus(f: FaultStack, purchase: Purchase, status: string, timeoutMs = 45_000) {
  return poll(
    async () => {
      const booking = await bookingOf(f, purchase).catch(() => undefined);
      return booking?.status === status ? booking : undefined;
    },
    `booking ${purchase.bookingId} ${status}`,
    timeoutMs,
  );
}

/**
 * The end state every journey must reach after any fault, with exact counts:
 * - every paid booking is confirmed and has exactly one valid ticket per seat, and exactly one
 *   in-app "booking confirmed" and one "tickets issued" notification;
 * - every cancelled one is refunded in full (payment and booking agree), its tickets voided;
 * - seats held == seats of the bookings holding them, in every ledger of the event.
 */
export async function assertSettled(
  f: FaultStack,
  eventId: string,
  expected: { paid: Purchase[]; cancelled: Purchase[] },
  timeoutMs = 60_000,
) {
  for (const purchase of expected.paid) {
    await waitForStatus(f, purchase, 'confirmed', timeoutMs);
    const tickets = await poll(
      async () => {
        const rows = await f.db('qr').collection('tickets').find({ bookingId: purchase.bookingId }).toArray();
        return rows.length >= purchase.quantity && rows.every((t) => t.status === 'valid') ? rows : undefined;
      },
      `tickets of ${purchase.bookingId}`,
      timeoutMs,
    );
    assert.equal(tickets.length, purchase.quantity, 'one ticket per seat, no duplicates');
    await assertNotifications(f, purchase, ['booking_confirmed', 'tickets_issued'], timeoutMs);
  }
  for (const purchase of expected.cancelled) {
    const booking = await poll(
      async () => {
        const current = await bookingOf(f, purchase);
        return current.status === 'cancelled' && current.refund?.status === 'refunded' ? current : undefined;
      },
      `refund of ${purchase.bookingId}`,
      timeoutMs,
    );
    assert.equal(booking.refund.amount, booking.amount, 'refunded in full');
    const payment = await f.paymentDb.query('select status, amount_refunded, amount from payments where booking_id = $1', [
      purchase.bookingId,
    ]);
    assert.equal(payment.rows[0]?.status, 'refunded');
    const refunds = await f.paymentDb.query(
      `select count(*)::int as n from refunds r join payments p on p.id = r.payment_id where p.booking_id = $1 and r.status = 'succeeded'`,
      [purchase.bookingId],
    );
    assert.equal(refunds.rows[0].n, 1, 'refunded once');
    await poll(
      async () => {
        const rows = await f.db('qr').collection('tickets').find({ bookingId: purchase.bookingId }).toArray();
        return rows.every((t) => t.status === 'cancelled');
      },
      `voided tickets of ${purchase.bookingId}`,
      timeoutMs,
    );
  }
  await assertSeatsBalance(f, eventId, timeoutMs);
}

async function assertNotifications(f: FaultStack, purchase: Purchase, kinds: string[], timeoutMs: number) {
  for (const kind of kinds) {
    const rows = await poll(
      async () => {
        const found = await f
          .db('notification')
          .collection('notifications')
          .find({ userId: purchase.buyer.id, kind, sourceId: purchase.bookingId })
          .toArray();
        return found.length ? found : undefined;
      },
      `${kind} notification`,
      timeoutMs,
    );
    assert.equal(rows.length, 1, `exactly one ${kind} notification`);
  }
}

/** Seats held in the ledgers == seats of bookings awaiting payment or confirmed (eventually: the reconciler's net). */
export async function assertSeatsBalance(f: FaultStack, eventId: string, timeoutMs = 60_000) {
  let last = '';
  await poll(
    async () => {
      const ledgers = await f.db('event').collection('seat_ledgers').find({ eventId }).toArray();
      const bookings = await f
        .db('booking')
        .collection('bookings')
        .find({ eventId, status: { $in: ['pending_payment', 'confirmed', 'reserving'] } })
        .toArray();
      const booked = bookings.reduce(
        (sum, b) => sum + (b.status === 'reserving' ? 0 : (b.items as { quantity: number }[]).reduce((s, i) => s + i.quantity, 0)),
        0,
      );
      const holders = (await f.db('event').collection('seat_holds').find({ eventId }).toArray()) as unknown as { b: string; q: number }[];
      const held = holders.reduce((sum, h) => sum + h.q, 0);
      const counted = ledgers.reduce((sum, l) => sum + (l.capacity - l.available), 0);
      const keys = new Set(bookings.filter((b) => b.status !== 'reserving').map((b) => b.reservationKey));
      const strangers = holders.filter((h) => !keys.has(h.b));
      last = `held ${held}, counted ${counted}, booked ${booked}, holders without a booking ${strangers.length}, still reserving ${bookings.filter((b) => b.status === 'reserving').length}`;
      return held === counted && held === booked && strangers.length === 0 && bookings.every((b) => b.status !== 'reserving');
    },
    `seats held == seats booked (${last})`,
    timeoutMs,
  ).catch((error: Error) => {
    throw new Error(`${error.message}; last seen: ${last}`);
  });
}
