import { screen } from 'expo-router/testing-library';
import { ApiServer, problem } from '../../../test/api-server';
import { account, review } from '../../../test/fixtures';
import { signInThroughUi } from '../../../test/render';

const api = new ApiServer();
beforeAll(() => api.start());
afterAll(() => api.stop());
beforeEach(() => api.reset());

const admin = account('admin');
const REASON_FIELD = 'Why it goes back to the organizer';

/** The admin on a submission, its preview shown. */
async function openReview(answer = review()) {
  api.on('GET /approvals/review-1', { body: answer });
  const user = await signInThroughUi(api, '/admin/reviews/review-1', admin);
  expect(await screen.findByText(/^Preview as attendees will see it\./)).toBeOnTheScreen();
  return user;
}

describe('Review', () => {
  it('says it is loading, then previews the event as submitted, as attendees will see it', async () => {
    const submitted = review();
    submitted.event = {
      ...submitted.event,
      tiers: [...(submitted.event.tiers as object[]), { name: 'Students', price: 0, currency: 'EUR', capacity: 20 }],
    };
    api.on('GET /approvals/review-1', { delayMs: 300, body: submitted });
    await signInThroughUi(api, '/admin/reviews/review-1', admin);
    expect(await screen.findByLabelText('Loading the submission…')).toBeOnTheScreen();

    expect(await screen.findByText('Preview as attendees will see it. Submitted Nov 25, 10:00 AM.')).toBeOnTheScreen();
    expect(screen.getByRole('heading', { name: 'Jazz at the Harbour' })).toBeOnTheScreen();
    expect(screen.getByText('MUSIC')).toBeOnTheScreen();
    expect(screen.getByText(/^Sat, May 1, 2027.*07:30 PM GMT\+2$/)).toBeOnTheScreen();
    expect(screen.getByText('Harbour Hall')).toBeOnTheScreen();
    expect(screen.getByText('Kai 1, Hamburg, DE')).toBeOnTheScreen();
    expect(screen.getByText('An evening of live jazz by the water.')).toBeOnTheScreen();
    expect(screen.getByText('Standard: €25.00 · 100 tickets')).toBeOnTheScreen();
    expect(screen.getByText('VIP: €79.00 · 10 tickets')).toBeOnTheScreen();
    expect(screen.getByText('Students: Free · 20 tickets')).toBeOnTheScreen();
    expect(screen.getByRole('button', { name: 'Approve and publish' })).toBeEnabled();
    // The submission as it was sent, not the event as it may be now.
    expect(api.called('GET /events/event-1')).toHaveLength(0);
  });

  it('previews what a submission has, even one missing fields', async () => {
    await openReview(review({ event: { title: 'Half-filled', tiers: [{ name: 'Standard' }] } }));
    expect(screen.getByRole('heading', { name: 'Half-filled' })).toBeOnTheScreen();
    expect(screen.getByText('OTHER')).toBeOnTheScreen();
    expect(screen.getByText('Standard: Free · 0 tickets')).toBeOnTheScreen();
    expect(screen.getByRole('button', { name: 'Approve and publish' })).toBeOnTheScreen();
  });

  it('says in words that the submission did not load', async () => {
    api.on('GET /approvals/review-1', problem(404, 'There is no submission with this id.', { code: 'not-found' }));
    await signInThroughUi(api, '/admin/reviews/review-1', admin);
    expect(await screen.findByText('The submission did not load')).toBeOnTheScreen();
    expect(screen.getByText('There is no submission with this id.')).toBeOnTheScreen();
    expect(screen.queryByRole('button', { name: 'Approve and publish' })).toBeNull();
  });

  it('approves and publishes the event', async () => {
    api.on('POST /approvals/review-1/approve', {
      body: review({ status: 'approved', decidedAt: '2026-11-27T09:00:00.000Z', reviewerId: 'user-1' }),
    });
    const user = await openReview();
    await user.press(screen.getByRole('button', { name: 'Approve and publish' }));

    expect(await screen.findByText('Approved: the event is on sale.')).toBeOnTheScreen();
    expect(api.called('POST /approvals/review-1/approve')).toHaveLength(1);
    expect(api.called('POST /approvals/review-1/approve')[0]!.headers.authorization).toBe('Bearer access-1');
    expect(screen.queryByRole('button', { name: 'Approve and publish' })).toBeNull();
    expect(screen.queryByRole('button', { name: 'Send back with a reason…' })).toBeNull();
  });

  it('says why when the approval is refused, and still offers the decision', async () => {
    api.on('POST /approvals/review-1/approve', problem(409, 'Another admin decided this submission already.', { code: 'conflict' }));
    const user = await openReview();
    await user.press(screen.getByRole('button', { name: 'Approve and publish' }));
    expect(await screen.findByText('Another admin decided this submission already.')).toBeOnTheScreen();
    expect(screen.getByRole('button', { name: 'Approve and publish' })).toBeEnabled();
    expect(screen.queryByText('Approved: the event is on sale.')).toBeNull();
  });

  it('sends the event back only with a reason, which the organizer reads', async () => {
    api.on('POST /approvals/review-1/reject', ({ body }) => ({
      body: review({ status: 'rejected', reason: (body as { reason: string }).reason, decidedAt: '2026-11-27T09:00:00.000Z' }),
    }));
    const user = await openReview();
    await user.press(screen.getByRole('button', { name: 'Send back with a reason…' }));
    expect(screen.getByText('The organizer reads this and can edit and resubmit.')).toBeOnTheScreen();
    expect(screen.getByRole('button', { name: 'Send back' })).toBeDisabled();

    // Changed their mind: back to the decision.
    await user.press(screen.getByRole('button', { name: 'Back' }));
    expect(screen.queryByLabelText(REASON_FIELD)).toBeNull();
    await user.press(screen.getByRole('button', { name: 'Send back with a reason…' }));

    await user.type(screen.getByLabelText(REASON_FIELD), '  The venue address is missing a street number  ');
    await user.press(screen.getByRole('button', { name: 'Send back' }));

    expect(await screen.findByText('Sent back: The venue address is missing a street number')).toBeOnTheScreen();
    expect(api.called('POST /approvals/review-1/reject').map((r) => r.body)).toEqual([
      { reason: 'The venue address is missing a street number' },
    ]);
    expect(screen.queryByLabelText(REASON_FIELD)).toBeNull();
    expect(api.called('POST /approvals/review-1/approve')).toHaveLength(0);
  });

  it("shows the server's word on the reason beside the field", async () => {
    api.on(
      'POST /approvals/review-1/reject',
      problem(400, 'The request is not valid.', {
        code: 'validation',
        errors: [{ field: 'body.reason', message: 'must be at least 10 characters' }],
      }),
    );
    const user = await openReview();
    await user.press(screen.getByRole('button', { name: 'Send back with a reason…' }));
    await user.type(screen.getByLabelText(REASON_FIELD), 'No.');
    await user.press(screen.getByRole('button', { name: 'Send back' }));

    expect(await screen.findByText('must be at least 10 characters')).toBeOnTheScreen();
    expect(screen.getByLabelText(REASON_FIELD)).toHaveProp('aria-invalid', true);
    expect(screen.queryByText('The request is not valid.')).toBeNull();
  });

  it('shows the decision on a submission already decided, and offers none', async () => {
    await openReview(
      review({
        status: 'rejected',
        reason: 'Dates overlap with the venue closing',
        decidedAt: '2026-11-26T09:00:00.000Z',
        reviewerId: 'admin-2',
      }),
    );
    expect(screen.getByText('Sent back: Dates overlap with the venue closing')).toBeOnTheScreen();
    expect(screen.queryByRole('button', { name: 'Approve and publish' })).toBeNull();
    expect(screen.queryByRole('button', { name: 'Send back with a reason…' })).toBeNull();
  });
});
