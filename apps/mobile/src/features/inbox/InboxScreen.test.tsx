import { screen, waitFor } from 'expo-router/testing-library';
import type { Notification } from '@eventify/contracts';
import { ApiServer, problem } from '../../../test/api-server';
import { booking, event, inbox, notification } from '../../../test/fixtures';
import { signInThroughUi } from '../../../test/render';

const api = new ApiServer();
beforeAll(() => api.start());
afterAll(() => api.stop());
beforeEach(() => api.reset());

/** The server's inbox: what GET /notifications lists (the tab's unread count asks the same endpoint). */
function serveInbox(items: Notification[]) {
  let current = items;
  api.on('GET /notifications', ({ query }) => ({
    body: inbox(query.get('unread') === 'true' ? current.filter((n) => !n.readAt) : current, current.filter((n) => !n.readAt).length),
  }));
  return {
    markAllRead: () => (current = current.map((n) => ({ ...n, readAt: n.readAt ?? '2026-12-02T09:00:00.000Z' }))),
  };
}

const confirmed = notification();
const declined = notification({
  id: 'n-2',
  kind: 'payment_failed',
  title: 'Payment declined',
  body: 'Your card was declined.',
  data: { bookingId: 'booking-2' },
});
const refunded = notification({
  id: 'n-3',
  kind: 'payment_refunded',
  title: 'Refund on its way',
  body: '€25.00 is on its way back to your card.',
  readAt: '2026-12-01T12:00:00.000Z',
  data: { bookingId: 'booking-3' },
});

describe('Inbox', () => {
  it('says it is loading, then that there is nothing new, with no unread count on the tab', async () => {
    api.on('GET /notifications', { delayMs: 400, body: inbox([]) });
    await signInThroughUi(api, '/inbox');
    expect(await screen.findByLabelText('Loading your notifications…')).toBeOnTheScreen();
    expect(await screen.findByText('Nothing new')).toBeOnTheScreen();
    expect(screen.getByRole('button', { name: 'Inbox' })).toBeOnTheScreen();
    expect(screen.queryByRole('button', { name: /^Mark all/ })).toBeNull();
  });

  it('lists unread and read notifications, and the tab says how many are unread', async () => {
    serveInbox([confirmed, declined, refunded]);
    await signInThroughUi(api, '/inbox');
    expect(
      await screen.findByRole('button', { name: 'Unread: Booking confirmed. You are going to Jazz at the Harbour.' }),
    ).toBeOnTheScreen();
    expect(screen.getByRole('button', { name: 'Unread: Payment declined. Your card was declined.' })).toBeOnTheScreen();
    expect(screen.getByRole('button', { name: 'Refund on its way. €25.00 is on its way back to your card.' })).toBeOnTheScreen();
    expect(screen.getByRole('button', { name: 'Mark all 2 read' })).toBeOnTheScreen();
    expect(await screen.findByRole('button', { name: 'Inbox, 2 unread' })).toBeOnTheScreen();
  });

  it('marks an unread notification read when opened, and goes to its booking', async () => {
    serveInbox([confirmed, refunded]);
    api.on('POST /notifications/n-1/read', { body: { ...confirmed, readAt: '2026-12-02T09:00:00.000Z' } });
    api.on('GET /bookings/booking-1', { body: booking({ status: 'confirmed', expiresAt: null, confirmedAt: '2026-12-01T10:01:00.000Z' }) });
    api.on('GET /events/event-1', { body: event() });
    const user = await signInThroughUi(api, '/inbox');
    await user.press(await screen.findByRole('button', { name: /^Unread: Booking confirmed/ }));

    expect(await screen.findByLabelText('Status: Confirmed')).toBeOnTheScreen();
    expect(api.called('POST /notifications/n-1/read')).toHaveLength(1);
  });

  it('does not mark an already read notification again when opened', async () => {
    serveInbox([refunded]);
    api.on('GET /bookings/booking-3', {
      body: booking({
        id: 'booking-3',
        status: 'cancelled',
        expiresAt: null,
        cancellation: null,
        refund: { status: 'requested', amount: 2500, at: null },
      }),
    });
    api.on('GET /events/event-1', { body: event() });
    const user = await signInThroughUi(api, '/inbox');
    await user.press(await screen.findByRole('button', { name: /^Refund on its way/ }));
    expect(await screen.findByLabelText('Status: Cancelled')).toBeOnTheScreen();
    expect(api.requests.filter((r) => r.method === 'POST' && r.path.startsWith('/notifications'))).toHaveLength(0);
  });

  it('marks all read at once, and the unread count goes from the list and the tab', async () => {
    const server = serveInbox([confirmed, declined, refunded]);
    api.on('POST /notifications/read-all', () => {
      server.markAllRead();
      return { body: { marked: 2, unreadCount: 0 } };
    });
    const user = await signInThroughUi(api, '/inbox');
    expect(await screen.findByRole('button', { name: 'Inbox, 2 unread' })).toBeOnTheScreen();
    await user.press(await screen.findByRole('button', { name: 'Mark all 2 read' }));

    expect(await screen.findByRole('button', { name: 'Booking confirmed. You are going to Jazz at the Harbour.' })).toBeOnTheScreen();
    expect(api.called('POST /notifications/read-all')).toHaveLength(1);
    expect(screen.queryByRole('button', { name: /^Unread: / })).toBeNull();
    expect(screen.queryByRole('button', { name: /^Mark all/ })).toBeNull();
    await waitFor(() => expect(screen.getByRole('button', { name: 'Inbox' })).toBeOnTheScreen());
  });

  it('says in words that the notifications did not load', async () => {
    api.on('GET /notifications', problem(500, 'Internal error.'));
    await signInThroughUi(api, '/inbox');
    expect(await screen.findByText('Your notifications did not load')).toBeOnTheScreen();
    expect(screen.getByRole('button', { name: 'Try again' })).toBeOnTheScreen();
  });
});
