import { userEvent } from '@testing-library/react-native';
import { screen } from 'expo-router/testing-library';
import { ApiServer, problem } from '../../../test/api-server';
import { booking, event, page } from '../../../test/fixtures';
import { renderApp, signInThroughUi } from '../../../test/render';

const api = new ApiServer();
beforeAll(() => api.start());
afterAll(() => api.stop());
beforeEach(() => api.reset());

describe('Bookings', () => {
  it('says it is loading, then lists each booking with its event, seats and status, and opens one', async () => {
    api.on('GET /bookings', {
      delayMs: 400,
      body: page([
        booking(),
        booking({
          id: 'booking-2',
          eventId: 'event-2',
          status: 'confirmed',
          items: [{ tierId: 'tier-std', tierName: 'Standard', quantity: 1, unitPrice: 0, currency: 'EUR' }],
          amount: 0,
        }),
      ]),
    });
    api.on('GET /events/event-1', { body: event() });
    api.on('GET /events/event-2', { body: event({ id: 'event-2', title: 'Open Air Cinema' }) });
    api.on('GET /bookings/booking-1', { body: booking() });
    const user = await signInThroughUi(api, '/bookings');
    expect(await screen.findByLabelText('Loading your bookings…')).toBeOnTheScreen();

    const pending = await screen.findByRole('link', { name: 'Jazz at the Harbour: 2 tickets, Awaiting payment' });
    expect(pending).toHaveTextContent(/2 tickets · €50\.00/);
    const free = await screen.findByRole('link', { name: 'Open Air Cinema: 1 tickets, Confirmed' });
    expect(free).toHaveTextContent(/1 ticket · Free/);

    await user.press(pending);
    expect(await screen.findByText(/Seats held for you/)).toBeOnTheScreen();
  });

  it('says there are no bookings yet', async () => {
    api.on('GET /bookings', { body: page([]) });
    await signInThroughUi(api, '/bookings');
    expect(await screen.findByText('No bookings yet')).toBeOnTheScreen();
    expect(screen.getByText('When you book tickets, they show up here.')).toBeOnTheScreen();
  });

  it('says in words that the bookings did not load, and tries again', async () => {
    api.on('GET /bookings', problem(500, 'Internal error.'));
    const user = await signInThroughUi(api, '/bookings');
    expect(await screen.findByText('Your bookings did not load')).toBeOnTheScreen();
    api.on('GET /bookings', { body: page([]) });
    await user.press(screen.getByRole('button', { name: 'Try again' }));
    expect(await screen.findByText('No bookings yet')).toBeOnTheScreen();
  });

  it('invites a signed-out person to sign in', async () => {
    renderApp('/bookings');
    await userEvent.setup().press(await screen.findByRole('button', { name: 'Sign in' }));
    expect(await screen.findByRole('heading', { name: 'Sign in' })).toBeOnTheScreen();
    expect(api.called('GET /bookings')).toHaveLength(0);
  });
});
