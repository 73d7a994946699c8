import { userEvent } from '@testing-library/react-native';
import { screen, waitFor, within } from 'expo-router/testing-library';
import { ApiServer, problem, type RecordedRequest } from '../../../test/api-server';
import { ACCOUNT, booking, event, session } from '../../../test/fixtures';
import { renderApp, signInThroughUi } from '../../../test/render';

const api = new ApiServer();
beforeAll(() => api.start());
afterAll(() => api.stop());
beforeEach(() => api.reset());

const keyOf = (request: RecordedRequest) => request.headers['idempotency-key'];

/** Signed in, on the event page, with two Standard tickets chosen. */
async function chooseTwoStandardSignedIn() {
  api.on('GET /events/event-1', { body: event() });
  const user = await signInThroughUi(api, '/events/event-1');
  const more = await screen.findByRole('button', { name: 'One more Standard ticket' });
  await user.press(more);
  await user.press(more);
  expect(await screen.findByText('2 tickets · €50.00')).toBeOnTheScreen();
  return user;
}

describe('Event page', () => {
  it('says it is loading, then shows each tier with its price and seats left, and a sold-out tier as sold out', async () => {
    api.on('GET /events/event-1', { delayMs: 300, body: event() });
    renderApp('/events/event-1');
    expect(await screen.findByLabelText('Loading the event…')).toBeOnTheScreen();
    expect(await screen.findByRole('heading', { name: 'Jazz at the Harbour' })).toBeOnTheScreen();
    expect(screen.getByText('Harbour Hall')).toBeOnTheScreen();

    const standard = screen.getByTestId('tier-Standard');
    expect(standard).toHaveTextContent(/€25\.00/);
    expect(standard).toHaveTextContent(/40 of 100 left · up to 10 per order/);
    expect(within(standard).getByRole('button', { name: 'One more Standard ticket' })).toBeEnabled();

    const vip = screen.getByTestId('tier-VIP');
    expect(vip).toHaveTextContent(/€79\.00/);
    expect(vip).toHaveTextContent(/Sold out/);
    expect(vip).not.toHaveTextContent(/left/);
    expect(within(vip).queryByRole('button', { name: 'One more VIP ticket' })).toBeNull();
    expect(screen.getByText('Choose your tickets')).toBeOnTheScreen();
  });

  it('says "Event not found" for an event that does not exist', async () => {
    api.on('GET /events/missing', problem(404, 'There is no event with this id.', { code: 'not-found' }));
    renderApp('/events/missing');
    expect(await screen.findByText('Event not found')).toBeOnTheScreen();
    expect(screen.getByText('There is no event with this id.')).toBeOnTheScreen();
    expect(screen.queryByRole('button', { name: 'Sign in to book' })).toBeNull();
  });

  it('says the event did not load when the server fails, and loads it on "Try again"', async () => {
    api.on('GET /events/event-1', problem(500, 'Internal error.'));
    renderApp('/events/event-1');
    expect(await screen.findByText('The event did not load')).toBeOnTheScreen();
    expect(screen.getByText('Eventify is having trouble right now. Try again in a moment.')).toBeOnTheScreen();
    api.on('GET /events/event-1', { body: event() });
    await userEvent.setup().press(screen.getByRole('button', { name: 'Try again' }));
    expect(await screen.findByRole('heading', { name: 'Jazz at the Harbour' })).toBeOnTheScreen();
  });

  it('shows the total of the chosen tickets and never more than the seats left allow', async () => {
    api.on('GET /events/event-1', { body: event({ tiers: [{ ...event().tiers[0]!, available: 2 }] }) });
    renderApp('/events/event-1');
    const user = userEvent.setup();
    const more = await screen.findByRole('button', { name: 'One more Standard ticket' });
    await user.press(more);
    expect(await screen.findByText('1 ticket · €25.00')).toBeOnTheScreen();
    await user.press(more);
    expect(await screen.findByText('2 tickets · €50.00')).toBeOnTheScreen();
    expect(screen.getByLabelText('2 Standard tickets')).toBeOnTheScreen();
    expect(more).toBeDisabled();
    await user.press(screen.getByRole('button', { name: 'One fewer Standard ticket' }));
    expect(await screen.findByText('1 ticket · €25.00')).toBeOnTheScreen();
  });

  it('asks a signed-out person to sign in to book, and brings them back to the event afterwards', async () => {
    api.on('GET /events/event-1', { body: event() });
    renderApp('/events/event-1');
    const user = userEvent.setup();
    await user.press(await screen.findByRole('button', { name: 'Sign in to book' }));
    expect(await screen.findByRole('heading', { name: 'Sign in' })).toBeOnTheScreen();
    expect(api.called('POST /bookings')).toHaveLength(0);

    api.on('POST /auth/login', { body: session() });
    await user.type(screen.getByLabelText('E-mail'), ACCOUNT.email);
    await user.type(screen.getByLabelText('Password'), 'a sturdy passphrase');
    await user.press(screen.getByRole('button', { name: 'Sign in' }));
    expect(await screen.findByRole('button', { name: 'Book' })).toBeDisabled();
  });

  it('books the chosen tickets with an Idempotency-Key and opens the booking', async () => {
    api.on('POST /bookings', { status: 201, body: booking() });
    api.on('GET /bookings/booking-1', { body: booking() });
    const user = await chooseTwoStandardSignedIn();
    await user.press(screen.getByRole('button', { name: 'Book and pay' }));

    expect(await screen.findByLabelText('Status: Awaiting payment')).toBeOnTheScreen();
    const [sent] = api.called('POST /bookings');
    expect(sent!.body).toEqual({ eventId: 'event-1', items: [{ tierId: 'tier-std', quantity: 2 }] });
    expect(keyOf(sent!)).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(sent!.headers.authorization).toBe('Bearer access-1');
    expect(screen.getByRole('button', { name: 'Pay €50.00' })).toBeOnTheScreen();
  });

  it('retries a failed booking with the same Idempotency-Key, and uses a new key once the choice changes', async () => {
    api.on('POST /bookings', problem(500, 'Internal error.'));
    const user = await chooseTwoStandardSignedIn();
    await user.press(screen.getByRole('button', { name: 'Book and pay' }));
    expect(await screen.findByText('Eventify is having trouble right now. Try again in a moment.')).toBeOnTheScreen();

    await user.press(screen.getByRole('button', { name: 'Book and pay' }));
    await waitFor(() => expect(api.called('POST /bookings')).toHaveLength(2));
    const [first, retry] = api.called('POST /bookings');
    expect(keyOf(first!)).toBeTruthy();
    expect(keyOf(retry!)).toBe(keyOf(first!));

    await user.press(screen.getByRole('button', { name: 'One fewer Standard ticket' }));
    expect(await screen.findByText('1 ticket · €25.00')).toBeOnTheScreen();
    // A new choice clears the old attempt's error.
    expect(screen.queryByTestId('booking-error')).toBeNull();
    api.on('POST /bookings', {
      status: 201,
      body: booking({ items: [{ tierId: 'tier-std', tierName: 'Standard', quantity: 1, unitPrice: 2500, currency: 'EUR' }], amount: 2500 }),
    });
    api.on('GET /bookings/booking-1', { body: booking() });
    await user.press(screen.getByRole('button', { name: 'Book and pay' }));
    await waitFor(() => expect(api.called('POST /bookings')).toHaveLength(3));
    const changed = api.called('POST /bookings')[2]!;
    expect(changed.body).toEqual({ eventId: 'event-1', items: [{ tierId: 'tier-std', quantity: 1 }] });
    expect(keyOf(changed)).toBeTruthy();
    expect(keyOf(changed)).not.toBe(keyOf(first!));
    expect(await screen.findByLabelText('Status: Awaiting payment')).toBeOnTheScreen();
  });

  it('says "Sold out" when the seats went while choosing, and shows what is left now', async () => {
    api.on('POST /bookings', problem(409, 'Only 1 Standard ticket is left.', { code: 'sold-out' }));
    const user = await chooseTwoStandardSignedIn();
    const loadsBefore = api.called('GET /events/event-1').length;
    api.on('GET /events/event-1', { body: event({ tiers: [{ ...event().tiers[0]!, available: 1, sold: 99 }, event().tiers[1]!] }) });
    await user.press(screen.getByRole('button', { name: 'Book and pay' }));

    expect(await screen.findByText('Sold out: Only 1 Standard ticket is left.')).toBeOnTheScreen();
    expect(await screen.findByText(/1 of 100 left/)).toBeOnTheScreen();
    expect(api.called('GET /events/event-1').length).toBeGreaterThan(loadsBefore);
    // The choice shrinks to what is left, so the next press can succeed.
    expect(screen.getByText('1 ticket · €25.00')).toBeOnTheScreen();
    expect(screen.getByRole('button', { name: 'One more Standard ticket' })).toBeDisabled();
  });
});
