import { screen } from 'expo-router/testing-library';
import { ApiServer, problem } from '../../../test/api-server';
import { booking, event, page, paymentIntent, ticket } from '../../../test/fixtures';
import { signInThroughUi } from '../../../test/render';
import { paymentSheet } from '../../../test/stripe-sheet';

const api = new ApiServer();
beforeAll(() => api.start());
afterAll(() => api.stop());
beforeEach(() => {
  api.reset();
  paymentSheet.reset();
  api.on('GET /events/event-1', { body: event() });
});

const HELD = /Seats held for you: \d+:\d\d/;
const EXPIRED = 'Your hold ran out and the seats went back on sale. Book again to get tickets.';

const confirmedBooking = () =>
  booking({
    status: 'confirmed',
    expiresAt: null,
    confirmedAt: '2026-12-01T10:01:00.000Z',
    cancellation: { refund: 'full', refundAmount: 5000, currency: 'EUR', detail: 'You get €50.00 back to the card you paid with.' },
  });

describe('Booking', () => {
  it('says it is loading, then shows the tickets, the total and how long the seats stay held', async () => {
    api.on('GET /bookings/booking-1', { delayMs: 400, body: booking() });
    await signInThroughUi(api, '/bookings/booking-1');
    expect(await screen.findByLabelText('Loading your booking…')).toBeOnTheScreen();

    expect(await screen.findByRole('heading', { name: 'Jazz at the Harbour' })).toBeOnTheScreen();
    expect(screen.getByLabelText('Status: Awaiting payment')).toBeOnTheScreen();
    expect(screen.getByText('2 × Standard')).toBeOnTheScreen();
    expect(screen.getAllByText('€50.00').length).toBeGreaterThan(0);
    expect(screen.getByText(/Seats held for you: 1[45]:\d\d/)).toBeOnTheScreen();
    expect(screen.getByRole('button', { name: 'Pay €50.00' })).toBeEnabled();
  });

  it('says in words that the booking did not load', async () => {
    api.on('GET /bookings/booking-1', problem(500, 'Internal error.'));
    await signInThroughUi(api, '/bookings/booking-1');
    expect(await screen.findByText('Your booking did not load')).toBeOnTheScreen();
    expect(screen.getByText('Eventify is having trouble right now. Try again in a moment.')).toBeOnTheScreen();
    expect(screen.getByRole('button', { name: 'Try again' })).toBeOnTheScreen();
  });

  it('counts the hold down live and, when it runs out, says the seats went back on sale and stops offering to pay', async () => {
    let expiresAt: string | null = null;
    api.on('GET /bookings/booking-1', () => ({ body: booking({ expiresAt: (expiresAt ??= new Date(Date.now() + 4_000).toISOString()) }) }));
    await signInThroughUi(api, '/bookings/booking-1');
    expect(await screen.findByText(/Seats held for you: 0:0[0-3]/)).toBeOnTheScreen();
    expect(screen.getByRole('button', { name: 'Pay €50.00' })).toBeOnTheScreen();

    expect(await screen.findByText(EXPIRED, undefined, { timeout: 6_000 })).toBeOnTheScreen();
    expect(screen.queryByText(HELD)).toBeNull();
    expect(screen.queryByRole('button', { name: 'Pay €50.00' })).toBeNull();
  });

  it('offers no payment for a hold that had already run out', async () => {
    api.on('GET /bookings/booking-1', { body: booking({ expiresAt: new Date(Date.now() - 60_000).toISOString() }) });
    await signInThroughUi(api, '/bookings/booking-1');
    expect(await screen.findByText(EXPIRED)).toBeOnTheScreen();
    expect(screen.queryByRole('button', { name: 'Pay €50.00' })).toBeNull();
  });

  it('pays with the payment sheet, waits for the confirmation, then says "You\'re going!" and leads to the tickets', async () => {
    let confirmed = false;
    api.on('GET /bookings/booking-1', () => ({ body: confirmed ? confirmedBooking() : booking() }));
    api.on('POST /payments/intents', { status: 201, body: paymentIntent() });
    api.on('GET /tickets', { body: page([ticket(1), ticket(2)]) });
    paymentSheet.next = {};
    const user = await signInThroughUi(api, '/bookings/booking-1');
    await user.press(await screen.findByRole('button', { name: 'Pay €50.00' }));

    expect(await screen.findByText('Payment received. Confirming your booking…')).toBeOnTheScreen();
    expect(api.called('POST /payments/intents').map((r) => r.body)).toEqual([{ bookingId: 'booking-1' }]);
    expect(paymentSheet.initialised).toEqual([
      expect.objectContaining({ paymentIntentClientSecret: 'pi_1_secret_abc', merchantDisplayName: 'Eventify' }),
    ]);
    expect(screen.queryByRole('button', { name: 'Pay €50.00' })).toBeNull();

    // Stripe's webhook reaches Eventify: the booking turns confirmed, and the screen, still asking, sees it.
    confirmed = true;
    expect(await screen.findByText(/^You're going!/, undefined, { timeout: 6_000 })).toBeOnTheScreen();
    expect(screen.getByLabelText('Status: Confirmed')).toBeOnTheScreen();
    expect(screen.queryByText('Payment received. Confirming your booking…')).toBeNull();
    await user.press(screen.getByRole('button', { name: 'See your tickets' }));
    expect(await screen.findAllByTestId('ticket-qr')).toHaveLength(2);
  });

  it("shows the sheet's message when the card is declined, and nothing when the person just closes the sheet", async () => {
    api.on('GET /bookings/booking-1', { body: booking() });
    api.on('POST /payments/intents', { status: 201, body: paymentIntent() });
    paymentSheet.next = { error: { code: 'Failed', message: 'Your card was declined.' } };
    const user = await signInThroughUi(api, '/bookings/booking-1');
    await user.press(await screen.findByRole('button', { name: 'Pay €50.00' }));
    expect(await screen.findByText('Your card was declined.')).toBeOnTheScreen();
    expect(screen.queryByText('Payment received. Confirming your booking…')).toBeNull();

    paymentSheet.next = { error: { code: 'Canceled', message: 'The payment flow has been canceled' } };
    await user.press(screen.getByRole('button', { name: 'Pay €50.00' }));
    expect(await screen.findByRole('button', { name: 'Pay €50.00' })).toBeEnabled();
    expect(paymentSheet.initialised).toHaveLength(2);
    expect(screen.queryByText('Your card was declined.')).toBeNull();
    expect(screen.queryByText('The payment flow has been canceled')).toBeNull();
  });

  it('stops waiting and offers to pay again when the payment fails after the sheet took it', async () => {
    let failed = false;
    api.on('GET /bookings/booking-1', () => ({ body: booking(failed ? { lastPaymentError: 'Your card has insufficient funds.' } : {}) }));
    api.on('POST /payments/intents', { status: 201, body: paymentIntent() });
    const user = await signInThroughUi(api, '/bookings/booking-1');
    await user.press(await screen.findByRole('button', { name: 'Pay €50.00' }));
    expect(await screen.findByText('Payment received. Confirming your booking…')).toBeOnTheScreen();

    // Stripe's failure webhook reaches Eventify: the booking stays held, with the reason.
    failed = true;
    expect(await screen.findByText('Your card has insufficient funds.', undefined, { timeout: 6_000 })).toBeOnTheScreen();
    expect(screen.queryByText('Payment received. Confirming your booking…')).toBeNull();
    expect(screen.getByRole('button', { name: 'Pay €50.00' })).toBeEnabled();
  });

  it('says why the payment could not start when the server refuses it', async () => {
    api.on('GET /bookings/booking-1', { body: booking() });
    api.on('POST /payments/intents', problem(409, 'This booking is no longer awaiting payment.', { code: 'conflict' }));
    const user = await signInThroughUi(api, '/bookings/booking-1');
    await user.press(await screen.findByRole('button', { name: 'Pay €50.00' }));
    expect(await screen.findByText('This booking is no longer awaiting payment.')).toBeOnTheScreen();
    expect(paymentSheet.initialised).toHaveLength(0);
  });

  it('shows the last declined payment the server saw, while the hold lasts', async () => {
    api.on('GET /bookings/booking-1', { body: booking({ lastPaymentError: 'Your card has insufficient funds.' }) });
    await signInThroughUi(api, '/bookings/booking-1');
    expect(await screen.findByText('Your card has insufficient funds.')).toBeOnTheScreen();
    expect(screen.getByRole('button', { name: 'Pay €50.00' })).toBeEnabled();
  });

  it('says what cancelling means before asking to confirm, and cancels only once confirmed', async () => {
    api.on('GET /bookings/booking-1', { body: confirmedBooking() });
    api.on('POST /bookings/booking-1/cancel', {
      body: booking({
        status: 'cancelled',
        expiresAt: null,
        cancelledAt: '2026-12-02T09:00:00.000Z',
        cancelReason: 'requested',
        refund: { status: 'requested', amount: 5000, at: null },
        cancellation: null,
      }),
    });
    const user = await signInThroughUi(api, '/bookings/booking-1');
    await user.press(await screen.findByRole('button', { name: 'Cancel booking' }));
    expect(screen.getByText('Cancel this booking?')).toBeOnTheScreen();
    expect(screen.getByText('You get €50.00 back to the card you paid with.')).toBeOnTheScreen();

    await user.press(screen.getByRole('button', { name: 'Keep booking' }));
    expect(screen.queryByText('Cancel this booking?')).toBeNull();
    expect(api.called('POST /bookings/booking-1/cancel')).toHaveLength(0);

    await user.press(screen.getByRole('button', { name: 'Cancel booking' }));
    await user.press(screen.getByRole('button', { name: 'Yes, cancel this booking' }));
    expect(await screen.findByText('Cancelled. A refund of €50.00 is on its way to your card.')).toBeOnTheScreen();
    expect(api.called('POST /bookings/booking-1/cancel')).toHaveLength(1);
    expect(screen.getByLabelText('Status: Cancelled')).toBeOnTheScreen();
    // Cancelled for good: nothing left to cancel or to see.
    expect(screen.queryByRole('button', { name: 'Cancel booking' })).toBeNull();
    expect(screen.queryByRole('button', { name: 'See your tickets' })).toBeNull();
  });

  it('keeps the booking and says why when the server refuses to cancel it', async () => {
    api.on('GET /bookings/booking-1', { body: confirmedBooking() });
    api.on(
      'POST /bookings/booking-1/cancel',
      problem(409, 'The event has started: this booking can no longer be cancelled.', { code: 'conflict' }),
    );
    const user = await signInThroughUi(api, '/bookings/booking-1');
    await user.press(await screen.findByRole('button', { name: 'Cancel booking' }));
    await user.press(screen.getByRole('button', { name: 'Yes, cancel this booking' }));
    expect(await screen.findByText('The event has started: this booking can no longer be cancelled.')).toBeOnTheScreen();
    expect(screen.getByLabelText('Status: Confirmed')).toBeOnTheScreen();
  });
});
