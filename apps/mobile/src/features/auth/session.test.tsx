import { screen, waitFor } from 'expo-router/testing-library';
import { ApiServer, problem, type Reply, type RecordedRequest } from '../../../test/api-server';
import { inbox, preferences, profile, session } from '../../../test/fixtures';
import { renderApp, signInThroughUi } from '../../../test/render';

const api = new ApiServer();
beforeAll(() => api.start());
afterAll(() => api.stop());
beforeEach(() => api.reset());

const expired = problem(401, 'The access token has expired.', { code: 'unauthorized' });

/** Answers only a call that carries `token`; any other token is refused as expired. */
const onlyWith = (token: string, reply: Reply) => (request: RecordedRequest) =>
  request.headers.authorization === `Bearer ${token}` ? reply : expired;

const tokensSentTo = (route: string) => api.called(route).map((r) => r.headers.authorization);

describe('Session', () => {
  it('renews an expired access token once, even when several calls fail with it at the same time, and repeats them', async () => {
    api.on('GET /users/me', onlyWith('access-2', { body: profile() }));
    api.on('GET /notifications/preferences', onlyWith('access-2', { body: preferences() }));
    api.on('GET /notifications', onlyWith('access-2', { body: inbox([]) }));
    // Slow enough that every call's 401 arrives while the renewal is still under way.
    api.on('POST /auth/refresh', { delayMs: 400, body: session({ accessToken: 'access-2', refreshToken: 'refresh-2' }) });
    await signInThroughUi(api, '/profile');

    expect(await screen.findByDisplayValue('Hamburg')).toBeOnTheScreen();
    expect(await screen.findByRole('switch', { name: 'Booking confirmed by e-mail' })).toBeOnTheScreen();
    expect(api.called('POST /auth/refresh')).toHaveLength(1);
    expect(api.called('POST /auth/refresh')[0]!.body).toEqual({ refreshToken: 'refresh-1' });
    for (const route of ['GET /users/me', 'GET /notifications/preferences', 'GET /notifications']) {
      expect(tokensSentTo(route)).toEqual(['Bearer access-1', 'Bearer access-2']);
    }
    expect(screen.queryByText(/Your session has ended/)).toBeNull();
  });

  it('signs the person out and takes them to sign-in, saying why, when the server refuses to renew the session', async () => {
    api.on('GET /users/me', expired);
    api.on('GET /notifications/preferences', expired);
    api.on('GET /notifications', expired);
    api.on('POST /auth/refresh', problem(401, 'This session was revoked.', { code: 'unauthorized' }));
    const user = await signInThroughUi(api, '/profile');

    expect(await screen.findByText('Your session has ended. Sign in again to continue.')).toBeOnTheScreen();
    expect(screen.getByRole('heading', { name: 'Sign in' })).toBeOnTheScreen();
    expect(screen.getByLabelText('E-mail')).toHaveDisplayValue('');
    expect(api.called('POST /auth/refresh')).toHaveLength(1);
    // The person can still go elsewhere from there (to reset the password) without being sent back.
    await user.press(screen.getByRole('link', { name: 'Forgot your password?' }));
    expect(await screen.findByRole('heading', { name: 'Reset your password' })).toBeOnTheScreen();

    // Nothing of the session is left on the device: the app starts signed out, without trying to renew.
    screen.unmount();
    const refreshesBefore = api.called('POST /auth/refresh').length;
    renderApp('/profile');
    expect(await screen.findByText('Sign in to see your profile')).toBeOnTheScreen();
    expect(api.called('POST /auth/refresh')).toHaveLength(refreshesBefore);
  });

  it('reopens the app signed in, renewing the session with the refresh token kept on the device', async () => {
    api.on('GET /users/me', { body: profile() });
    api.on('GET /notifications/preferences', { body: preferences() });
    api.on('GET /notifications', { body: inbox([]) });
    await signInThroughUi(api, '/profile');
    expect(await screen.findByDisplayValue('Hamburg')).toBeOnTheScreen();
    screen.unmount();

    api.on('POST /auth/refresh', { body: session({ accessToken: 'access-2', refreshToken: 'refresh-2' }) });
    renderApp('/profile');
    expect(await screen.findByDisplayValue('Hamburg')).toBeOnTheScreen();
    expect(api.called('POST /auth/refresh').map((r) => r.body)).toEqual([{ refreshToken: 'refresh-1' }]);
    expect(tokensSentTo('GET /users/me').at(-1)).toBe('Bearer access-2');
  });

  it('signs out with the refresh token, and then every tab invites to sign in', async () => {
    api.on('GET /users/me', { body: profile() });
    api.on('GET /notifications/preferences', { body: preferences() });
    api.on('GET /notifications', { body: inbox([]) });
    api.on('POST /auth/logout', { status: 204 });
    const user = await signInThroughUi(api, '/profile');
    await user.press(await screen.findByRole('button', { name: 'Sign out' }));

    expect(await screen.findByText('Sign in to see your profile')).toBeOnTheScreen();
    const [logout] = api.called('POST /auth/logout');
    expect(logout!.body).toEqual({ refreshToken: 'refresh-1' });
    expect(logout!.headers.authorization).toBe('Bearer access-1');
    await user.press(screen.getByRole('button', { name: /^Tickets, tab/ }));
    expect(await screen.findByText('Sign in to see your tickets')).toBeOnTheScreen();
    await user.press(screen.getByRole('button', { name: /^Bookings, tab/ }));
    expect(await screen.findByText('Sign in to see your bookings')).toBeOnTheScreen();
    // A person who signed out on purpose is not told their session "ended".
    await user.press(screen.getAllByRole('button', { name: 'Sign in' })[0]!);
    await waitFor(() => expect(screen.getByRole('heading', { name: 'Sign in' })).toBeOnTheScreen());
    expect(screen.queryByText(/Your session has ended/)).toBeNull();
  });
});
