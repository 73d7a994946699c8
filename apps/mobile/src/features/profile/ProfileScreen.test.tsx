import { fireEvent, screen, waitFor } from 'expo-router/testing-library';
import type { NotificationPreferences } from '@eventify/contracts';
import { ApiServer, problem } from '../../../test/api-server';
import { inbox, preferences, profile } from '../../../test/fixtures';
import { signInThroughUi } from '../../../test/render';

const api = new ApiServer();
beforeAll(() => api.start());
afterAll(() => api.stop());
beforeEach(() => {
  api.reset();
  api.on('GET /notifications', { body: inbox([]) });
});

const BOOKING_BY_PUSH = 'Booking confirmed by push notification';

describe('Profile', () => {
  it('says it is loading, then shows the name, e-mail and city, with nothing to save yet', async () => {
    api.on('GET /users/me', { delayMs: 400, body: profile() });
    api.on('GET /notifications/preferences', { body: preferences() });
    await signInThroughUi(api, '/profile');
    expect(await screen.findByLabelText('Loading your profile…')).toBeOnTheScreen();

    expect(await screen.findByLabelText('Name')).toHaveDisplayValue('Ana');
    expect(screen.getByLabelText('City')).toHaveDisplayValue('Hamburg');
    expect(screen.getByText('ana@example.com')).toBeOnTheScreen();
    expect(screen.getByRole('button', { name: 'Save profile' })).toBeDisabled();
  });

  it('says in words that the profile did not load', async () => {
    api.on('GET /users/me', problem(500, 'Internal error.'));
    api.on('GET /notifications/preferences', { body: preferences() });
    await signInThroughUi(api, '/profile');
    expect(await screen.findByText('Your profile did not load')).toBeOnTheScreen();
    // The rest of the page still works.
    expect(await screen.findByRole('switch', { name: 'Booking confirmed by e-mail' })).toBeOnTheScreen();
  });

  it('saves a changed city with PATCH /users/me and says it is saved', async () => {
    api.on('GET /users/me', { body: profile() });
    api.on('GET /notifications/preferences', { body: preferences() });
    api.on('PATCH /users/me', ({ body }) => ({ body: profile({ ...(body as object), updatedAt: '2026-12-02T09:00:00.000Z' }) }));
    const user = await signInThroughUi(api, '/profile');
    const city = await screen.findByLabelText('City');
    await user.clear(city);
    await user.type(city, ' Berlin ');
    await user.press(screen.getByRole('button', { name: 'Save profile' }));

    expect(await screen.findByText('Saved.')).toBeOnTheScreen();
    expect(api.called('PATCH /users/me').map((r) => r.body)).toEqual([{ name: 'Ana', city: 'Berlin' }]);
    expect(screen.getByLabelText('City')).toHaveDisplayValue('Berlin');
    expect(screen.getByRole('button', { name: 'Save profile' })).toBeDisabled();
  });

  it("shows the server's field error beside the field, not as a general error", async () => {
    api.on('GET /users/me', { body: profile() });
    api.on('GET /notifications/preferences', { body: preferences() });
    api.on(
      'PATCH /users/me',
      problem(400, 'The request is not valid.', {
        code: 'validation',
        errors: [{ field: 'body.city', message: 'must be at most 80 characters' }],
      }),
    );
    const user = await signInThroughUi(api, '/profile');
    await user.type(await screen.findByLabelText('City'), ' an der Elbe und noch viel weiter');
    await user.press(screen.getByRole('button', { name: 'Save profile' }));

    expect(await screen.findByText('must be at most 80 characters')).toBeOnTheScreen();
    expect(screen.getByLabelText('City')).toHaveProp('aria-invalid', true);
    expect(screen.getByLabelText('Name')).toHaveProp('aria-invalid', false);
    expect(screen.queryByText('The request is not valid.')).toBeNull();
    expect(screen.queryByText('Saved.')).toBeNull();
  });

  it('shows each notification channel as a switch, locked ones on and disabled', async () => {
    api.on('GET /users/me', { body: profile() });
    api.on('GET /notifications/preferences', { delayMs: 400, body: preferences() });
    await signInThroughUi(api, '/profile');
    expect(await screen.findByLabelText('Loading your notification settings…')).toBeOnTheScreen();

    expect(await screen.findByRole('switch', { name: 'Booking confirmed by e-mail' })).toBeChecked();
    expect(screen.getByRole('switch', { name: BOOKING_BY_PUSH })).not.toBeChecked();
    expect(screen.getByRole('switch', { name: BOOKING_BY_PUSH })).toBeEnabled();
    const locked = screen.getByRole('switch', { name: 'Password reset by e-mail (always on)' });
    expect(locked).toBeChecked();
    // iOS's own switch is turned off (VoiceOver says "dimmed"); React Native sets no accessibilityState for it there.
    expect(locked).toHaveProp('disabled', true);
    expect(screen.getByRole('switch', { name: BOOKING_BY_PUSH })).toHaveProp('disabled', false);
  });

  it('sends just the flipped channel with PUT /notifications/preferences', async () => {
    api.on('GET /users/me', { body: profile() });
    api.on('GET /notifications/preferences', { body: preferences() });
    api.on('PUT /notifications/preferences', () => {
      const saved: NotificationPreferences = preferences();
      saved.kinds.booking_confirmed = { ...saved.kinds.booking_confirmed, push: true };
      return { body: saved };
    });
    await signInThroughUi(api, '/profile');
    fireEvent(await screen.findByRole('switch', { name: BOOKING_BY_PUSH }), 'valueChange', true);

    await waitFor(() => expect(screen.getByRole('switch', { name: BOOKING_BY_PUSH })).toBeChecked());
    await waitFor(() => expect(api.called('PUT /notifications/preferences')).toHaveLength(1));
    expect(api.called('PUT /notifications/preferences')[0]!.body).toEqual({ kinds: { booking_confirmed: { push: true } } });
    expect(screen.getByRole('switch', { name: 'Booking confirmed by e-mail' })).toBeChecked();
  });

  it('flips a switch back and says why when the server refuses the change', async () => {
    api.on('GET /users/me', { body: profile() });
    api.on('GET /notifications/preferences', { body: preferences() });
    api.on('PUT /notifications/preferences', {
      ...problem(400, 'Allow notifications for Eventify in your settings first.', { code: 'validation' }),
      delayMs: 800,
    });
    await signInThroughUi(api, '/profile');
    fireEvent(await screen.findByRole('switch', { name: BOOKING_BY_PUSH }), 'valueChange', true);

    // On at once, as if done; then back off, once the server has said no.
    await waitFor(() => expect(screen.getByRole('switch', { name: BOOKING_BY_PUSH })).toBeChecked());
    expect(screen.queryByText('Allow notifications for Eventify in your settings first.')).toBeNull();
    expect(await screen.findByText('Allow notifications for Eventify in your settings first.')).toBeOnTheScreen();
    expect(screen.getByRole('switch', { name: BOOKING_BY_PUSH })).not.toBeChecked();
  });
});
