import { screen, testRouter, waitFor } from 'expo-router/testing-library';
import { ApiServer, problem } from '../../../test/api-server';
import { account, page, review } from '../../../test/fixtures';
import { signInThroughUi } from '../../../test/render';

const api = new ApiServer();
beforeAll(() => api.start());
afterAll(() => api.stop());
beforeEach(() => api.reset());

const admin = account('admin');

const cinema = () =>
  review({
    id: 'review-2',
    eventId: 'event-2',
    submittedAt: '2026-11-26T15:30:00.000Z',
    event: { ...review().event, title: 'Open Air Cinema', venue: { name: 'Stadtpark', address: 'Park 1', city: 'Berlin', country: 'DE' } },
  });

describe('Review queue', () => {
  it('says it is loading, then lists the submissions waiting, oldest first, with when and where and when submitted', async () => {
    api.on('GET /approvals', { delayMs: 300, body: page([review(), cinema()]) });
    await signInThroughUi(api, '/admin/reviews', admin);
    expect(await screen.findByLabelText('Loading the review queue…')).toBeOnTheScreen();

    const jazz = await screen.findByRole('link', { name: 'Review Jazz at the Harbour, submitted Nov 25, 10:00 AM' });
    expect(jazz).toHaveTextContent(/Sat, May 1, 2027.*07:30 PM GMT\+2 · Hamburg/);
    expect(jazz).toHaveTextContent(/Submitted Nov 25, 10:00 AM/);
    const rows = screen.getAllByTestId('review-row');
    expect(rows.map((row) => row.props.accessibilityLabel ?? row.props['aria-label'])).toEqual([
      'Review Jazz at the Harbour, submitted Nov 25, 10:00 AM',
      'Review Open Air Cinema, submitted Nov 26, 04:30 PM',
    ]);
    expect(rows[1]).toHaveTextContent(/· Berlin/);
    // Only what waits for a decision.
    expect(api.called('GET /approvals')[0]!.query.get('status')).toBe('pending');
  });

  it('says there is nothing to review', async () => {
    api.on('GET /approvals', { body: page([]) });
    await signInThroughUi(api, '/admin/reviews', admin);
    expect(await screen.findByText('Nothing to review')).toBeOnTheScreen();
    expect(screen.getByText('Submitted events appear here.')).toBeOnTheScreen();
  });

  it('says in words that the queue did not load, and loads it on "Try again"', async () => {
    api.on('GET /approvals', problem(403, 'Only admins review events.', { code: 'forbidden' }));
    const user = await signInThroughUi(api, '/admin/reviews', admin);
    expect(await screen.findByText('The review queue did not load')).toBeOnTheScreen();
    expect(screen.getByText('Only admins review events.')).toBeOnTheScreen();

    api.on('GET /approvals', { body: page([review()]) });
    await user.press(screen.getByRole('button', { name: 'Try again' }));
    expect(await screen.findByRole('link', { name: /^Review Jazz at the Harbour/ })).toBeOnTheScreen();
  });

  it('opens a submission, and takes a decided one off the queue on the way back', async () => {
    let decided = false;
    api.on('GET /approvals', () => ({ body: page(decided ? [cinema()] : [review(), cinema()]) }));
    api.on('GET /approvals/review-1', { body: review() });
    api.on('POST /approvals/review-1/approve', () => {
      decided = true;
      return { body: review({ status: 'approved', decidedAt: '2026-11-27T09:00:00.000Z', reviewerId: 'user-1' }) };
    });
    const user = await signInThroughUi(api, '/admin/reviews', admin);
    await user.press(await screen.findByRole('link', { name: /^Review Jazz at the Harbour/ }));
    await user.press(await screen.findByRole('button', { name: 'Approve and publish' }));
    expect(await screen.findByText('Approved: the event is on sale.')).toBeOnTheScreen();

    // The header's back button is native: the system's back, as a person's swipe or tap does.
    testRouter.back('/admin/reviews');
    await waitFor(() => expect(screen.queryByRole('link', { name: /^Review Jazz at the Harbour/ })).not.toBeOnTheScreen());
    expect(screen.getByRole('link', { name: /^Review Open Air Cinema/ })).toBeOnTheScreen();
  });
});
