import { screen, within } from 'expo-router/testing-library';
import type { ReactTestInstance } from 'react-test-renderer';
import { ApiServer, problem } from '../../../test/api-server';
import { event, page, ticket } from '../../../test/fixtures';
import { renderApp, signInThroughUi } from '../../../test/render';

const api = new ApiServer();
beforeAll(() => api.start());
afterAll(() => api.stop());
beforeEach(() => {
  api.reset();
  api.on('GET /events/event-1', { body: event() });
});

/** The group of tickets under an event's heading: the view that holds the heading. */
function groupOf(title: string): ReactTestInstance {
  let element = screen.getByRole('heading', { name: title }).parent;
  while (element && typeof element.type !== 'string') element = element.parent;
  return element!;
}

/** The accessible names of the tickets' links, in the order they are shown. */
const ticketLinks = (scope: ReturnType<typeof within> | typeof screen = screen) =>
  scope
    .queryAllByRole('link', { name: /^Open the QR code of / })
    .map((link) => (link.props.accessibilityLabel ?? link.props['aria-label']) as string);

describe('Tickets', () => {
  it('says it is loading, then shows one QR code per ticket, grouped under their event', async () => {
    api.on('GET /events/event-2', {
      body: event({
        id: 'event-2',
        title: 'Open Air Cinema',
        venue: { name: 'Stadtpark', address: 'Park 1', city: 'Hamburg', country: 'DE' },
      }),
    });
    api.on('GET /tickets', {
      delayMs: 400,
      body: page([ticket(2), ticket(7, { id: 'ticket-c7', eventId: 'event-2', bookingId: 'booking-2' }), ticket(1)]),
    });
    await signInThroughUi(api, '/tickets');
    expect(await screen.findByLabelText('Loading your tickets…')).toBeOnTheScreen();

    expect(await screen.findByRole('heading', { name: 'Jazz at the Harbour' })).toBeOnTheScreen();
    const jazz = groupOf('Jazz at the Harbour');
    expect(jazz).toHaveTextContent(/Harbour Hall, Hamburg/);
    expect(within(jazz).getAllByTestId('ticket-qr')).toHaveLength(2);
    // Seat order, whatever order the server listed them in.
    expect(ticketLinks(within(jazz))).toEqual([
      'Open the QR code of Standard, seat 1 full screen',
      'Open the QR code of Standard, seat 2 full screen',
    ]);

    const cinema = groupOf('Open Air Cinema');
    expect(cinema).toHaveTextContent(/Stadtpark, Hamburg/);
    expect(within(cinema).getAllByTestId('ticket-qr')).toHaveLength(1);
    expect(ticketLinks(within(cinema))).toEqual(['Open the QR code of Standard, seat 7 full screen']);
    expect(screen.getAllByTestId('ticket-qr')).toHaveLength(3);
    expect(screen.queryByTestId('offline-tickets')).toBeNull();
  });

  it('says a cancelled ticket no longer admits anyone, with no QR code for it', async () => {
    api.on('GET /tickets', { body: page([ticket(1), ticket(2, { status: 'cancelled', qr: null })]) });
    await signInThroughUi(api, '/tickets');
    expect(await screen.findByText('This ticket was cancelled and no longer gets anyone in.')).toBeOnTheScreen();
    expect(screen.getAllByTestId('ticket-qr')).toHaveLength(1);
    expect(ticketLinks()).toEqual(['Open the QR code of Standard, seat 1 full screen']);
    expect(screen.getByText('Cancelled')).toBeOnTheScreen();
  });

  it('says there are no tickets yet', async () => {
    api.on('GET /tickets', { body: page([]) });
    await signInThroughUi(api, '/tickets');
    expect(await screen.findByText('No tickets yet')).toBeOnTheScreen();
    expect(screen.queryByTestId('ticket-qr')).toBeNull();
  });

  it('says in words that the tickets did not load when this device has none saved', async () => {
    api.on('GET /tickets', problem(500, 'Internal error.'));
    await signInThroughUi(api, '/tickets');
    expect(await screen.findByText('Your tickets did not load')).toBeOnTheScreen();
    expect(screen.getByText('Eventify is having trouble right now. Try again in a moment.')).toBeOnTheScreen();
    expect(screen.getByRole('button', { name: 'Try again' })).toBeOnTheScreen();
  });

  it('opens the tickets saved on this device, QR codes and all, when the app starts without a network', async () => {
    api.on('GET /tickets', { body: page([ticket(1), ticket(2)]) });
    await signInThroughUi(api, '/tickets');
    expect(await screen.findAllByTestId('ticket-qr')).toHaveLength(2);
    screen.unmount();

    // At the door, no signal: the app is started again and nothing reaches Eventify.
    api.goOffline();
    renderApp('/tickets');
    expect(await screen.findByText(/^Showing the tickets saved on this device, as of /)).toBeOnTheScreen();
    expect(screen.getByText("Can't reach Eventify right now. Showing what this device has.")).toBeOnTheScreen();
    expect(screen.getByRole('heading', { name: 'Jazz at the Harbour' })).toBeOnTheScreen();
    expect(screen.getAllByTestId('ticket-qr')).toHaveLength(2);
    expect(ticketLinks()).toEqual(['Open the QR code of Standard, seat 1 full screen', 'Open the QR code of Standard, seat 2 full screen']);
    expect(screen.queryByText('Sign in to see your tickets')).toBeNull();
  });

  it('says the tickets of a just-confirmed booking are being issued, until they appear', async () => {
    let issued = false;
    api.on('GET /tickets', () => ({ body: page(issued ? [ticket(1), ticket(2)] : []) }));
    await signInThroughUi(api, '/tickets?bookingId=booking-1');
    expect(await screen.findByText('Your tickets are being issued. They appear here in a moment.')).toBeOnTheScreen();
    expect(screen.queryByText('No tickets yet')).toBeNull();

    issued = true;
    expect(await screen.findAllByTestId('ticket-qr')).toHaveLength(2);
    expect(screen.queryByText('Your tickets are being issued. They appear here in a moment.')).toBeNull();
    expect(api.called('GET /tickets').length).toBeGreaterThan(1);
  });
});
