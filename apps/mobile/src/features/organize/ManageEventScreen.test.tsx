import { screen, waitFor, within } from 'expo-router/testing-library';
import type { OwnedEvent } from '@eventify/contracts';
import { ApiServer, problem, type RecordedRequest } from '../../../test/api-server';
import { account, entryStats, ownedEvent, page, payment, staffList } from '../../../test/fixtures';
import { signInThroughUi } from '../../../test/render';

const api = new ApiServer();
beforeAll(() => api.start());
afterAll(() => api.stop());
beforeEach(() => {
  api.reset();
  api.on('GET /events/event-1/staff', { body: staffList() });
  api.on('GET /entry/events/event-1/stats', { body: entryStats() });
  api.on('GET /payments', { body: page([]) });
});

const organizer = account('organizer');
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const keyOf = (request: RecordedRequest) => request.headers['idempotency-key'];

const published = (overrides: Partial<OwnedEvent> = {}) =>
  ownedEvent({ status: 'published', publishedAt: '2026-11-28T10:00:00.000Z', ...overrides });
const rejected = () =>
  ownedEvent({
    status: 'rejected',
    submissionId: 'submission-1',
    rejection: { reason: 'Add the street number to the address.', reviewerId: 'admin-1', decidedAt: '2026-11-27T10:00:00.000Z' },
  });

/** The organizer on their event's page, its heading shown. */
async function openEvent(owned: OwnedEvent) {
  api.on('GET /events/event-1', { body: owned });
  const user = await signInThroughUi(api, '/organize/event-1', organizer);
  expect(await screen.findByRole('heading', { name: owned.title })).toBeOnTheScreen();
  return user;
}

describe('Managing an event', () => {
  it('says it is loading, then shows the event with its state, date on the venue clock and tickets sold', async () => {
    api.on('GET /events/event-1', { delayMs: 300, body: published() });
    await signInThroughUi(api, '/organize/event-1', organizer);
    expect(await screen.findByLabelText('Loading your event…')).toBeOnTheScreen();

    expect(await screen.findByRole('heading', { name: 'Jazz at the Harbour' })).toBeOnTheScreen();
    expect(screen.getByLabelText('Status: Published')).toBeOnTheScreen();
    expect(screen.getByText(/Sat, May 1, 2027.*07:30 PM GMT\+2 · Harbour Hall, Hamburg/)).toBeOnTheScreen();
    expect(screen.getByText('On sale: anyone can find and book it.')).toBeOnTheScreen();
    expect(screen.getByText('Standard: 60 of 100 sold')).toBeOnTheScreen();
    expect(screen.getByText('VIP: 10 of 10 sold')).toBeOnTheScreen();
    for (const section of ['Sales and the door', 'Door staff', 'Payments and refunds'])
      expect(screen.getByRole('heading', { name: section })).toBeOnTheScreen();
    // A published event is edited with care, never submitted again.
    expect(screen.getByRole('button', { name: 'Edit' })).toBeOnTheScreen();
    expect(screen.queryByRole('button', { name: 'Submit for review' })).toBeNull();
  });

  it('says each section is loading until its own answer comes', async () => {
    api.on('GET /events/event-1/staff', { delayMs: 400, body: staffList('bo@example.com') });
    api.on('GET /entry/events/event-1/stats', { delayMs: 400, body: entryStats() });
    api.on('GET /payments', { delayMs: 400, body: page([payment()]) });
    await openEvent(published());
    expect(screen.getByLabelText('Loading door staff…')).toBeOnTheScreen();
    expect(screen.getByLabelText('Loading sales and check-ins…')).toBeOnTheScreen();
    expect(screen.getByLabelText('Loading payments…')).toBeOnTheScreen();

    expect(await screen.findByText('bo@example.com')).toBeOnTheScreen();
    expect(await screen.findByText('12 of 70 checked in')).toBeOnTheScreen();
    expect(await screen.findByRole('button', { name: 'Refund the payment of €50.00' })).toBeOnTheScreen();
    expect(screen.queryByLabelText(/^Loading/)).toBeNull();
  });

  it('says in words that the event did not load, and loads it on "Try again"', async () => {
    api.on('GET /events/event-1', problem(500, 'Internal error.'));
    const user = await signInThroughUi(api, '/organize/event-1', organizer);
    expect(await screen.findByText('Your event did not load')).toBeOnTheScreen();
    expect(screen.getByText('Eventify is having trouble right now. Try again in a moment.')).toBeOnTheScreen();

    api.on('GET /events/event-1', { body: ownedEvent() });
    await user.press(screen.getByRole('button', { name: 'Try again' }));
    expect(await screen.findByRole('heading', { name: 'Jazz at the Harbour' })).toBeOnTheScreen();
  });

  it('submits a draft for review, and then says an admin is reviewing it', async () => {
    api.on('POST /events/event-1/submit', { body: ownedEvent({ status: 'pending_review', submissionId: 'submission-1' }) });
    const user = await openEvent(ownedEvent());
    expect(screen.getByLabelText('Status: Draft')).toBeOnTheScreen();
    expect(screen.getByText('A draft only you can see. Submit it for review when it is ready.')).toBeOnTheScreen();
    // Nothing is sold before it is published: no figures, no payments.
    expect(screen.queryByRole('heading', { name: 'Sales and the door' })).toBeNull();
    expect(screen.queryByRole('heading', { name: 'Payments and refunds' })).toBeNull();

    await user.press(screen.getByRole('button', { name: 'Submit for review' }));
    expect(await screen.findByLabelText('Status: In review')).toBeOnTheScreen();
    expect(screen.getByText('An admin is reviewing it. You get a notification when they decide.')).toBeOnTheScreen();
    expect(api.called('POST /events/event-1/submit')).toHaveLength(1);
    expect(screen.queryByRole('button', { name: 'Submit for review' })).toBeNull();
    expect(screen.queryByRole('button', { name: 'Edit' })).toBeNull();
  });

  it("shows the reviewer's reason on an event sent back, and submits it again", async () => {
    api.on('POST /events/event-1/submit', { body: ownedEvent({ status: 'pending_review', submissionId: 'submission-2' }) });
    const user = await openEvent(rejected());
    expect(screen.getByLabelText('Status: Sent back')).toBeOnTheScreen();
    expect(screen.getByText('Sent back: Add the street number to the address. Edit it and submit it again.')).toBeOnTheScreen();
    expect(screen.getByRole('button', { name: 'Edit' })).toBeOnTheScreen();

    await user.press(screen.getByRole('button', { name: 'Submit for review' }));
    expect(await screen.findByLabelText('Status: In review')).toBeOnTheScreen();
    expect(screen.queryByText(/^Sent back: /)).toBeNull();
  });

  it('says why when the server refuses the submission, and keeps the event as it was', async () => {
    api.on('POST /events/event-1/submit', problem(409, 'Add at least one ticket tier before submitting.', { code: 'conflict' }));
    const user = await openEvent(ownedEvent());
    await user.press(screen.getByRole('button', { name: 'Submit for review' }));
    expect(await screen.findByText('Add at least one ticket tier before submitting.')).toBeOnTheScreen();
    expect(screen.getByLabelText('Status: Draft')).toBeOnTheScreen();
    expect(screen.getByRole('button', { name: 'Submit for review' })).toBeEnabled();
  });

  it('cancels a published event only once confirmed, with the reason told to ticket holders', async () => {
    api.on('POST /events/event-1/cancel', { body: published({ status: 'cancelled', cancellationReason: 'The hall flooded.' }) });
    const user = await openEvent(published());
    await user.press(screen.getByRole('button', { name: 'Cancel this event…' }));
    expect(screen.getByText('Cancel this event?')).toBeOnTheScreen();
    expect(screen.getByText(/^Every booking is cancelled and every paid booking refunded in full/)).toBeOnTheScreen();

    await user.press(screen.getByRole('button', { name: 'Keep it on sale' }));
    expect(screen.queryByText('Cancel this event?')).toBeNull();
    expect(api.called('POST /events/event-1/cancel')).toHaveLength(0);

    await user.press(screen.getByRole('button', { name: 'Cancel this event…' }));
    await user.type(screen.getByLabelText('Reason, told to ticket holders (optional)'), ' The hall flooded. ');
    await user.press(screen.getByRole('button', { name: 'Yes, cancel the event' }));

    expect(await screen.findByLabelText('Status: Cancelled')).toBeOnTheScreen();
    // The reason's own full stop, not two.
    expect(screen.getByText('Cancelled: The hall flooded. Every paid booking was refunded.')).toBeOnTheScreen();
    expect(api.called('POST /events/event-1/cancel').map((r) => r.body)).toEqual([{ reason: 'The hall flooded.' }]);
    expect(screen.queryByText('Cancel this event?')).toBeNull();
    // Nothing more to do with it: no edits, no door staff; the figures and refunds stay.
    expect(screen.queryByRole('button', { name: 'Edit' })).toBeNull();
    expect(screen.queryByRole('button', { name: 'Cancel this event…' })).toBeNull();
    expect(screen.queryByRole('heading', { name: 'Door staff' })).toBeNull();
    expect(screen.getByRole('heading', { name: 'Payments and refunds' })).toBeOnTheScreen();
  });

  it('cancels without a reason when none is given, and says why when the server refuses', async () => {
    api.on('POST /events/event-1/cancel', problem(409, 'The event has already started.', { code: 'conflict' }));
    const user = await openEvent(published());
    await user.press(screen.getByRole('button', { name: 'Cancel this event…' }));
    await user.press(screen.getByRole('button', { name: 'Yes, cancel the event' }));

    expect(await screen.findByText('The event has already started.')).toBeOnTheScreen();
    expect(api.called('POST /events/event-1/cancel').map((r) => r.body)).toEqual([{}]);
    expect(screen.getByLabelText('Status: Published')).toBeOnTheScreen();
    expect(screen.getByText('Cancel this event?')).toBeOnTheScreen();
  });
});

describe('Door staff', () => {
  it('says nobody is named yet, adds someone by e-mail and lists them', async () => {
    api.on('POST /events/event-1/staff', { status: 201, body: staffList('bo@example.com') });
    const user = await openEvent(ownedEvent());
    expect(await screen.findByText('Nobody yet: only you can scan.')).toBeOnTheScreen();
    expect(screen.getByRole('button', { name: 'Add' })).toBeDisabled();

    await user.type(screen.getByLabelText('Add door staff by e-mail'), ' bo@example.com ');
    await user.press(screen.getByRole('button', { name: 'Add' }));

    expect(await screen.findByText('bo@example.com')).toBeOnTheScreen();
    expect(api.called('POST /events/event-1/staff').map((r) => r.body)).toEqual([{ email: 'bo@example.com' }]);
    expect(screen.getByLabelText('Add door staff by e-mail')).toHaveDisplayValue('');
    expect(screen.queryByText('Nobody yet: only you can scan.')).toBeNull();
  });

  it('removes someone from the door', async () => {
    api.on('GET /events/event-1/staff', { body: staffList('bo@example.com', 'cy@example.com') });
    api.on('DELETE /events/event-1/staff/*', { body: staffList('cy@example.com') });
    const user = await openEvent(ownedEvent());
    expect(await screen.findAllByTestId('staff-member')).toHaveLength(2);

    await user.press(screen.getByRole('button', { name: 'Remove bo@example.com' }));
    await waitFor(() => expect(screen.getAllByTestId('staff-member')).toHaveLength(1));
    expect(screen.queryByText('bo@example.com')).toBeNull();
    expect(screen.getByRole('button', { name: 'Remove cy@example.com' })).toBeOnTheScreen();
    expect(api.called('DELETE /events/event-1/staff/*').map((r) => r.path)).toEqual(['/events/event-1/staff/bo%40example.com']);
  });

  it("shows the server's word on an address beside the field", async () => {
    api.on(
      'POST /events/event-1/staff',
      problem(400, 'The request is not valid.', {
        code: 'validation',
        errors: [{ field: 'body.email', message: 'must be an e-mail address' }],
      }),
    );
    const user = await openEvent(ownedEvent());
    await user.type(await screen.findByLabelText('Add door staff by e-mail'), 'bo at example');
    await user.press(screen.getByRole('button', { name: 'Add' }));

    expect(await screen.findByText('must be an e-mail address')).toBeOnTheScreen();
    expect(screen.getByLabelText('Add door staff by e-mail')).toHaveProp('aria-invalid', true);
    expect(screen.getByLabelText('Add door staff by e-mail')).toHaveDisplayValue('bo at example');
    expect(screen.queryByText('The request is not valid.')).toBeNull();
  });

  it('says in words that the door staff did not load', async () => {
    api.on('GET /events/event-1/staff', problem(500, 'Internal error.'));
    await openEvent(ownedEvent());
    expect(await screen.findByText('Door staff did not load')).toBeOnTheScreen();
    // The rest of the page still works.
    expect(screen.getByRole('button', { name: 'Submit for review' })).toBeEnabled();
  });
});

describe('Sales and the door', () => {
  it('shows sold and checked in by tier and gate, and keeps them up to date by itself', async () => {
    let checkedIn = 12;
    api.on('GET /entry/events/event-1/stats', () => ({ body: entryStats({ checkedIn }) }));
    await openEvent(published());
    const stats = await screen.findByTestId('entry-stats');
    expect(within(stats).getByText('12 of 70 checked in')).toBeOnTheScreen();
    expect(stats).toHaveTextContent(/Standard\s*10 in · 60 sold/);
    expect(stats).toHaveTextContent(/VIP\s*2 in · 10 sold/);
    expect(stats).toHaveTextContent(/By gate\s*Main entrance\s*9 in\s*Side door\s*3 in/);
    expect(screen.queryByTestId('conflicts')).toBeNull();

    // People keep arriving: the figure follows without a pull to refresh.
    checkedIn = 13;
    expect(await screen.findByText('13 of 70 checked in', undefined, { timeout: 8_000 })).toBeOnTheScreen();
  });

  it('says which tickets were admitted twice while scanners were offline', async () => {
    api.on('GET /entry/events/event-1/stats', {
      body: entryStats({
        conflicts: [
          {
            ticketId: 'ticket-3',
            gate: 'Side door',
            at: '2027-05-01T17:06:00.000Z',
            firstGate: 'Main entrance',
            firstAt: '2027-05-01T17:01:00.000Z',
          },
        ],
      }),
    });
    await openEvent(published());
    expect(await screen.findByTestId('conflicts')).toHaveTextContent(
      '1 ticket was admitted twice while scanners were offline: at Side door May 1, 07:06 PM after Main entrance May 1, 07:01 PM',
    );
  });

  it('says in words that the figures did not load', async () => {
    api.on('GET /entry/events/event-1/stats', problem(403, 'Only the organizer sees these figures.', { code: 'forbidden' }));
    await openEvent(published());
    expect(await screen.findByText('Sales and check-ins did not load')).toBeOnTheScreen();
    expect(screen.getByText('Only the organizer sees these figures.')).toBeOnTheScreen();
  });
});

describe('Payments and refunds', () => {
  it('lists the payments of the event with what was refunded, offering a refund while money is left', async () => {
    const payments = [
      payment({ bookingId: '3f2a9c1e-5b7d-4e8f-9a0b-1c2d3e4f5a6b' }),
      payment({
        id: 'payment-2',
        bookingId: '8d4c2b1a-0f9e-4d7c-8b6a-5f4e3d2c1b0a',
        amount: 7900,
        status: 'refunded',
        amountRefunded: 7900,
      }),
    ];
    api.on('GET /payments', ({ query }) => ({ body: page(query.get('eventId') === 'event-1' ? payments : []) }));
    await openEvent(published());
    const [paid, refunded] = await screen.findAllByTestId('payment');
    expect(paid).toHaveTextContent(/€50\.00\s*succeeded\s*Booking 3f2a9c1e · Dec 1, 11:00 AM/);
    expect(within(paid!).getByRole('button', { name: 'Refund the payment of €50.00' })).toBeOnTheScreen();
    expect(refunded).toHaveTextContent(/€79\.00\s*refunded\s*Booking 8d4c2b1a · Dec 1, 11:00 AM · €79\.00 refunded/);
    // Nothing left to refund.
    expect(within(refunded!).queryByRole('button', { name: /^Refund/ })).toBeNull();
  });

  it('says there are no payments yet', async () => {
    await openEvent(published());
    expect(await screen.findByText('No payments yet')).toBeOnTheScreen();
    expect(screen.getByText('Paid bookings appear here, with a way to refund them.')).toBeOnTheScreen();
  });

  it('says in words that the payments did not load', async () => {
    api.on('GET /payments', problem(500, 'Internal error.'));
    await openEvent(published());
    expect(await screen.findByText('Payments did not load')).toBeOnTheScreen();
  });

  it('refunds a payment in full with an Idempotency-Key, after saying what that does', async () => {
    let refunded = false;
    api.on('GET /payments', () => ({ body: page([refunded ? payment({ status: 'refunded', amountRefunded: 5000 }) : payment()]) }));
    api.on('POST /payments/payment-1/refund', () => {
      refunded = true;
      return { body: payment({ status: 'refunded', amountRefunded: 5000 }) };
    });
    const user = await openEvent(published());
    await user.press(await screen.findByRole('button', { name: 'Refund the payment of €50.00' }));
    expect(
      screen.getByText('A partial refund keeps the booking. Refunding all €50.00 left cancels the booking and its tickets stop working.'),
    ).toBeOnTheScreen();

    await user.press(screen.getByRole('button', { name: 'Keep' }));
    expect(screen.queryByRole('button', { name: 'Refund €50.00' })).toBeNull();
    await user.press(screen.getByRole('button', { name: 'Refund the payment of €50.00' }));
    await user.press(screen.getByRole('button', { name: 'Refund €50.00' }));

    expect(await screen.findByText(/€50\.00 refunded/)).toBeOnTheScreen();
    const [sent] = api.called('POST /payments/payment-1/refund');
    expect(sent!.body).toEqual({});
    expect(keyOf(sent!)).toMatch(UUID);
    expect(screen.queryByRole('button', { name: /^Refund/ })).toBeNull();
  });

  it('refunds part of a payment, refusing an amount over what is left', async () => {
    let refundedSoFar = 2000;
    api.on('GET /payments', () => ({ body: page([payment({ status: 'partially_refunded', amountRefunded: refundedSoFar })]) }));
    api.on('POST /payments/payment-1/refund', ({ body }) => {
      refundedSoFar += (body as { amount: number }).amount;
      return { body: payment({ status: 'partially_refunded', amountRefunded: refundedSoFar }) };
    });
    const user = await openEvent(published());
    expect(await screen.findByText(/€20\.00 refunded/)).toBeOnTheScreen();
    await user.press(screen.getByRole('button', { name: 'Refund the payment of €50.00' }));
    // What is left, not what was paid.
    expect(screen.getByRole('button', { name: 'Refund €30.00' })).toBeEnabled();

    const amount = screen.getByLabelText('Amount to refund (empty: all of it)');
    for (const wrong of ['30.01', '0', 'ten', '12.345']) {
      await user.paste(amount, wrong);
      expect(await screen.findByText('Enter an amount up to €30.00.')).toBeOnTheScreen();
      expect(amount).toHaveProp('aria-invalid', true);
      expect(screen.getByRole('button', { name: /^Refund €/ })).toBeDisabled();
    }
    expect(api.called('POST /payments/payment-1/refund')).toHaveLength(0);

    await user.paste(amount, '12,50');
    expect(screen.queryByText('Enter an amount up to €30.00.')).toBeNull();
    await user.press(screen.getByRole('button', { name: 'Refund €12.50' }));

    expect(await screen.findByText(/€32\.50 refunded/)).toBeOnTheScreen();
    expect(api.called('POST /payments/payment-1/refund').map((r) => r.body)).toEqual([{ amount: 1250 }]);
  });

  it('retries a failed refund with the same Idempotency-Key, so the money goes back once, and uses a new key for the next refund', async () => {
    let fail = true;
    api.on('GET /payments', { body: page([payment()]) });
    api.on('POST /payments/payment-1/refund', () =>
      fail ? problem(502, 'Bad gateway.') : { body: payment({ status: 'partially_refunded', amountRefunded: 1000 }) },
    );
    const user = await openEvent(published());
    await user.press(await screen.findByRole('button', { name: 'Refund the payment of €50.00' }));
    await user.paste(screen.getByLabelText('Amount to refund (empty: all of it)'), '10');
    await user.press(screen.getByRole('button', { name: 'Refund €10.00' }));
    expect(await screen.findByText('Eventify is having trouble right now. Try again in a moment.')).toBeOnTheScreen();

    fail = false;
    await user.press(screen.getByRole('button', { name: 'Refund €10.00' }));
    await waitFor(() => expect(screen.queryByRole('button', { name: 'Refund €10.00' })).not.toBeOnTheScreen());
    const [first, retry] = api.called('POST /payments/payment-1/refund');
    expect(keyOf(first!)).toMatch(UUID);
    expect(keyOf(retry!)).toBe(keyOf(first!));

    await user.press(screen.getByRole('button', { name: 'Refund the payment of €50.00' }));
    await user.paste(screen.getByLabelText('Amount to refund (empty: all of it)'), '5');
    await user.press(screen.getByRole('button', { name: 'Refund €5.00' }));
    await waitFor(() => expect(api.called('POST /payments/payment-1/refund')).toHaveLength(3));
    expect(keyOf(api.called('POST /payments/payment-1/refund')[2]!)).not.toBe(keyOf(first!));
  });
});
