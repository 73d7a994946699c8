import { userEvent } from '@testing-library/react-native';
import { screen } from 'expo-router/testing-library';
import { ApiServer, problem } from '../../../test/api-server';
import { renderApp } from '../../../test/render';

const api = new ApiServer();
beforeAll(() => api.start());
afterAll(() => api.stop());
beforeEach(() => api.reset());

describe('Forgot password', () => {
  it('gives the same answer whether or not the address has an account', async () => {
    // The gateway answers 202 for every address; the app must not tell them apart either.
    api.on('POST /auth/password/forgot', {
      status: 202,
      body: { status: 'accepted', detail: 'If an account exists for this address, a reset link is on its way.' },
    });
    renderApp('/forgot-password');
    const user = userEvent.setup();
    const email = await screen.findByLabelText('E-mail');

    await user.type(email, 'ana@example.com');
    await user.press(screen.getByRole('button', { name: 'Send reset link' }));
    expect(
      await screen.findByText('If an account exists for ana@example.com, a reset link is on its way. Check your inbox.'),
    ).toBeOnTheScreen();

    await user.clear(email);
    await user.type(email, 'nobody@example.com');
    await user.press(screen.getByRole('button', { name: 'Send reset link' }));
    expect(
      await screen.findByText('If an account exists for nobody@example.com, a reset link is on its way. Check your inbox.'),
    ).toBeOnTheScreen();
    expect(api.called('POST /auth/password/forgot').map((r) => r.body)).toEqual([
      { email: 'ana@example.com' },
      { email: 'nobody@example.com' },
    ]);
  });

  it('says so when the server fails, without claiming a link was sent', async () => {
    api.on('POST /auth/password/forgot', problem(500, 'Internal error.'));
    renderApp('/forgot-password');
    const user = userEvent.setup();
    await user.type(await screen.findByLabelText('E-mail'), 'ana@example.com');
    await user.press(screen.getByRole('button', { name: 'Send reset link' }));
    expect(await screen.findByText('Eventify is having trouble right now. Try again in a moment.')).toBeOnTheScreen();
    expect(screen.queryByText(/a reset link is on its way/)).toBeNull();
  });
});

describe('Reset password', () => {
  it('takes the code from the link (?token=), asks only for the new password, and posts both', async () => {
    api.on('POST /auth/password/reset', { status: 204 });
    renderApp('/reset-password?token=reset-token-123');
    const user = userEvent.setup();
    await user.type(await screen.findByLabelText('New password'), 'a brand new passphrase');
    expect(screen.queryByLabelText('Reset code')).toBeNull();
    await user.press(screen.getByRole('button', { name: 'Set new password' }));

    expect(
      await screen.findByText('Your password is changed, and every other session signed out. Sign in with the new one.'),
    ).toBeOnTheScreen();
    expect(api.called('POST /auth/password/reset')[0]!.body).toEqual({ token: 'reset-token-123', password: 'a brand new passphrase' });
    expect(screen.getByRole('button', { name: 'Set new password' })).toBeDisabled();
    expect(screen.getByRole('link', { name: 'Sign in with your new password' })).toBeOnTheScreen();
  });

  it('asks for the code when opened without a link, and shows a refused code beside its field', async () => {
    api.on(
      'POST /auth/password/reset',
      problem(400, 'The request is not valid.', {
        code: 'validation',
        errors: [{ field: 'body.token', message: 'This code has expired. Ask for a new one.' }],
      }),
    );
    renderApp('/reset-password');
    const user = userEvent.setup();
    await user.type(await screen.findByLabelText('Reset code'), 'old-code');
    await user.type(screen.getByLabelText('New password'), 'a brand new passphrase');
    await user.press(screen.getByRole('button', { name: 'Set new password' }));
    expect(await screen.findByText('This code has expired. Ask for a new one.')).toBeOnTheScreen();
    expect(screen.getByLabelText('Reset code')).toHaveProp('aria-invalid', true);
    expect(api.called('POST /auth/password/reset')[0]!.body).toEqual({ token: 'old-code', password: 'a brand new passphrase' });
  });
});
