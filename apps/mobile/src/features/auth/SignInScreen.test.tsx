import { userEvent } from '@testing-library/react-native';
import { screen } from 'expo-router/testing-library';
import { ApiServer, problem } from '../../../test/api-server';
import { ACCOUNT, page, session } from '../../../test/fixtures';
import { renderApp } from '../../../test/render';

const api = new ApiServer();
beforeAll(() => api.start());
afterAll(() => api.stop());
beforeEach(() => api.reset());

async function submitSignIn(email = ACCOUNT.email, password = 'a sturdy passphrase') {
  const user = userEvent.setup();
  await user.type(await screen.findByLabelText('E-mail'), email);
  await user.type(screen.getByLabelText('Password'), password);
  await user.press(screen.getByRole('button', { name: 'Sign in' }));
  return user;
}

describe('Sign in', () => {
  it('signs in with e-mail and password and goes where the person was headed', async () => {
    api.on('POST /auth/login', { body: session() });
    api.on('GET /bookings', { body: page([]) });
    renderApp('/sign-in?next=%2Fbookings');
    expect(screen.getByRole('button', { name: 'Sign in' })).toBeDisabled();
    await submitSignIn();
    expect(await screen.findByText('No bookings yet')).toBeOnTheScreen();
    expect(api.called('POST /auth/login')[0]!.body).toEqual({ email: ACCOUNT.email, password: 'a sturdy passphrase' });
    expect(api.called('GET /bookings')[0]!.headers.authorization).toBe('Bearer access-1');
  });

  it('goes to Discover instead of a "next" that points to another site', async () => {
    api.on('POST /auth/login', { body: session() });
    api.on('GET /events', { body: page([]) });
    renderApp('/sign-in?next=%2F%2Fevil.example%2Fphish');
    await submitSignIn();
    expect(await screen.findByRole('heading', { name: 'Discover events' })).toBeOnTheScreen();
  });

  it('says the e-mail and password do not match an account when the server answers 401', async () => {
    api.on('POST /auth/login', problem(401, 'Invalid credentials.', { code: 'unauthorized' }));
    renderApp('/sign-in');
    await submitSignIn(ACCOUNT.email, 'wrong passphrase');
    expect(await screen.findByText('That e-mail and password do not match an account. Check both and try again.')).toBeOnTheScreen();
    // Still here, nothing renewed: a failed sign-in is not an expired session.
    expect(screen.getByRole('heading', { name: 'Sign in' })).toBeOnTheScreen();
    expect(api.called('POST /auth/refresh')).toHaveLength(0);
  });

  it("shows the server's field errors beside their fields", async () => {
    api.on(
      'POST /auth/login',
      problem(400, 'The request is not valid.', {
        code: 'validation',
        errors: [{ field: 'body.email', message: 'must be an e-mail address' }],
      }),
    );
    renderApp('/sign-in');
    await submitSignIn('ana-at-example', 'a sturdy passphrase');
    expect(await screen.findByText('must be an e-mail address')).toBeOnTheScreen();
    expect(screen.getByLabelText('E-mail')).toHaveProp('aria-invalid', true);
    expect(screen.getByLabelText('E-mail')).toHaveProp('accessibilityHint', 'E-mail: must be an e-mail address');
    expect(screen.getByLabelText('Password')).toHaveProp('aria-invalid', false);
    expect(screen.queryByTestId('sign-in-error')).toBeNull();
  });

  it('says how long to wait after too many attempts (429 with Retry-After)', async () => {
    const tooMany = problem(429, 'Too many sign-in attempts.', { code: 'rate-limited' });
    api.on('POST /auth/login', { ...tooMany, headers: { ...tooMany.headers, 'retry-after': '30' } });
    renderApp('/sign-in');
    await submitSignIn();
    expect(await screen.findByText('Too many attempts. Try again in 30 seconds.')).toBeOnTheScreen();
  });

  it('says so in words when the server cannot be reached', async () => {
    api.goOffline();
    renderApp('/sign-in');
    await submitSignIn();
    expect(await screen.findByText("You're offline. Check your connection and try again.")).toBeOnTheScreen();
  });
});
