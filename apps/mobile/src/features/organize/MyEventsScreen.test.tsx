import { screen, within } from 'expo-router/testing-library';
import { ApiServer, problem } from '../../../test/api-server';
import { account, ownedEvent, page, staffList } from '../../../test/fixtures';
import { signInThroughUi } from '../../../test/render';

const api = new ApiServer();
beforeAll(() => api.start());
afterAll(() => api.stop());
beforeEach(() => api.reset());

const organizer = account('organizer');

const MINE = [
  ownedEvent({ id: 'event-1', title: 'Jazz at the Harbour', status: 'published', publishedAt: '2026-11-28T10:00:00.000Z' }),
  ownedEvent({ id: 'event-2', title: 'Poetry Slam', status: 'draft' }),
  ownedEvent({
    id: 'event-3',
    title: 'Night Market',
    status: 'rejected',
    rejection: { reason: 'The venue address is missing a street number', reviewerId: 'admin-1', decidedAt: '2026-11-27T10:00:00.000Z' },
  }),
  ownedEvent({ id: 'event-4', title: 'Tech Talks', status: 'pending_review', submissionId: 'submission-4' }),
  ownedEvent({ id: 'event-5', title: 'Winter Ball', status: 'cancelled', cancellationReason: 'The hall is closed.' }),
];

/** The names of the events shown, in order: "title, status". */
const shown = () => screen.queryAllByTestId('my-event').map((row) => row.props.accessibilityLabel ?? row.props['aria-label']);

describe('Your events', () => {
  it('says it is loading, then lists every event with its state, date on the venue clock and city, and why one was sent back', async () => {
    api.on('GET /events/mine', { delayMs: 300, body: page(MINE) });
    await signInThroughUi(api, '/organize', organizer);
    expect(await screen.findByLabelText('Loading your events…')).toBeOnTheScreen();

    const jazz = await screen.findByRole('link', { name: 'Jazz at the Harbour, Published' });
    expect(jazz).toHaveTextContent(/Sat, May 1, 2027.*07:30 PM GMT\+2 · Hamburg/);
    expect(shown()).toEqual([
      'Jazz at the Harbour, Published',
      'Poetry Slam, Draft',
      'Night Market, Sent back',
      'Tech Talks, In review',
      'Winter Ball, Cancelled',
    ]);
    expect(
      within(screen.getByRole('link', { name: 'Night Market, Sent back' })).getByText(
        'Sent back: The venue address is missing a street number',
      ),
    ).toBeOnTheScreen();
    expect(screen.getAllByText(/^Sent back: /)).toHaveLength(1);
    expect(api.called('GET /events/mine')[0]!.headers.authorization).toBe('Bearer access-1');
  });

  it('shows the events of one state with its chip, counting each, and says when a state has none', async () => {
    api.on('GET /events/mine', { body: page(MINE.filter((e) => e.status !== 'cancelled')) });
    const user = await signInThroughUi(api, '/organize', organizer);
    expect(await screen.findByRole('radio', { name: 'All (4)' })).toBeChecked();

    await user.press(screen.getByRole('radio', { name: 'Sent back (1)' }));
    expect(screen.getByRole('radio', { name: 'Sent back (1)' })).toBeChecked();
    expect(screen.getByRole('radio', { name: 'All (4)' })).not.toBeChecked();
    expect(shown()).toEqual(['Night Market, Sent back']);

    await user.press(screen.getByRole('radio', { name: 'In review (1)' }));
    expect(shown()).toEqual(['Tech Talks, In review']);

    await user.press(screen.getByRole('radio', { name: 'Cancelled (0)' }));
    expect(await screen.findByText('No events cancelled')).toBeOnTheScreen();
    expect(shown()).toEqual([]);

    await user.press(screen.getByRole('radio', { name: 'All (4)' }));
    expect(shown()).toHaveLength(4);
  });

  it('says there are no events yet, and offers to create one', async () => {
    api.on('GET /events/mine', { body: page([]) });
    const user = await signInThroughUi(api, '/organize', organizer);
    expect(await screen.findByText('No events yet')).toBeOnTheScreen();
    expect(screen.getByText('Create one: it starts as a draft only you can see.')).toBeOnTheScreen();

    await user.press(screen.getByRole('button', { name: 'Create an event' }));
    expect(await screen.findByLabelText('Title')).toBeOnTheScreen();
    expect(screen.getByRole('button', { name: 'Save draft' })).toBeOnTheScreen();
  });

  it('says in words that the events did not load, and loads them on "Try again"', async () => {
    api.on('GET /events/mine', problem(500, 'Internal error.'));
    const user = await signInThroughUi(api, '/organize', organizer);
    expect(await screen.findByText('Your events did not load')).toBeOnTheScreen();
    expect(screen.getByText('Eventify is having trouble right now. Try again in a moment.')).toBeOnTheScreen();

    api.on('GET /events/mine', { body: page(MINE) });
    await user.press(screen.getByRole('button', { name: 'Try again' }));
    expect(await screen.findByRole('link', { name: 'Poetry Slam, Draft' })).toBeOnTheScreen();
  });

  it('opens an event to manage it', async () => {
    api.on('GET /events/mine', { body: page(MINE) });
    api.on('GET /events/event-2', { body: MINE[1]! });
    api.on('GET /events/event-2/staff', { body: staffList() });
    const user = await signInThroughUi(api, '/organize', organizer);
    await user.press(await screen.findByRole('link', { name: 'Poetry Slam, Draft' }));
    expect(await screen.findByRole('heading', { name: 'Poetry Slam' })).toBeOnTheScreen();
    expect(screen.getByLabelText('Status: Draft')).toBeOnTheScreen();
  });
});
