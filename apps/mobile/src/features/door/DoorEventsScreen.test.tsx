import { screen } from 'expo-router/testing-library';
import { ApiServer, problem } from '../../../test/api-server';
import { doorKit } from '../../../test/door-kit';
import { account, ownedEvent, page } from '../../../test/fixtures';
import { signInThroughUi } from '../../../test/render';

const api = new ApiServer();
beforeAll(() => api.start());
afterAll(() => api.stop());
beforeEach(() => api.reset());

const staff = account('staff');

describe('Events to scan for', () => {
  it('says it is loading, then lists the events with their date on the venue clock and venue, and opens the scanner of one', async () => {
    api.on('GET /events/staffed', {
      delayMs: 300,
      body: page([
        ownedEvent({ status: 'published' }),
        ownedEvent({
          id: 'event-2',
          title: 'Open Air Cinema',
          status: 'published',
          venue: { name: 'Stadtpark', address: 'Park 1', city: 'Hamburg', country: 'DE' },
        }),
      ]),
    });
    api.on('GET /entry/events/event-2/door-kit', { body: doorKit({ eventId: 'event-2' }) });
    const user = await signInThroughUi(api, '/door', staff);
    expect(await screen.findByLabelText('Loading your events…')).toBeOnTheScreen();

    const jazz = await screen.findByRole('link', { name: 'Scan tickets for Jazz at the Harbour' });
    expect(jazz).toHaveTextContent(/Sat, May 1, 2027.*07:30 PM GMT\+2 · Harbour Hall/);
    await user.press(screen.getByRole('link', { name: 'Scan tickets for Open Air Cinema' }));

    expect(await screen.findByLabelText('Ticket code')).toBeOnTheScreen();
    expect(await screen.findByText(/^Door kit from /)).toBeOnTheScreen();
    expect(api.called('GET /entry/events/event-2/door-kit')).toHaveLength(1);
  });

  it('says there is no event to scan for yet, and how one gets there', async () => {
    api.on('GET /events/staffed', { body: page([]) });
    await signInThroughUi(api, '/door', staff);
    expect(await screen.findByText('No events to scan for')).toBeOnTheScreen();
    expect(screen.getByText('An organizer names you door staff of their event by your e-mail address.')).toBeOnTheScreen();
    expect(screen.queryByRole('link', { name: /^Scan tickets for / })).toBeNull();
  });

  it('says in words that the events did not load, and loads them on "Try again"', async () => {
    api.on('GET /events/staffed', problem(500, 'Internal error.'));
    const user = await signInThroughUi(api, '/door', staff);
    expect(await screen.findByText('Your events did not load')).toBeOnTheScreen();
    expect(screen.getByText('Eventify is having trouble right now. Try again in a moment.')).toBeOnTheScreen();

    api.on('GET /events/staffed', { body: page([ownedEvent({ status: 'published' })]) });
    await user.press(screen.getByRole('button', { name: 'Try again' }));
    expect(await screen.findByRole('link', { name: 'Scan tickets for Jazz at the Harbour' })).toBeOnTheScreen();
  });
});
