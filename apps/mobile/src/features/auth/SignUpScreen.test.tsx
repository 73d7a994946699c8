import { userEvent } from '@testing-library/react-native';
import { fireEvent, screen } from 'expo-router/testing-library';
import { ApiServer, problem } from '../../../test/api-server';
import { ACCOUNT, inbox, session } from '../../../test/fixtures';
import { renderApp } from '../../../test/render';

const api = new ApiServer();
beforeAll(() => api.start());
afterAll(() => api.stop());
beforeEach(() => api.reset());

async function fillSignUp(password = 'a sturdy passphrase') {
  const user = userEvent.setup();
  await user.type(await screen.findByLabelText('Name'), 'Ana');
  await user.type(screen.getByLabelText('E-mail'), ACCOUNT.email);
  await user.type(screen.getByLabelText('Password'), password);
  return user;
}

describe('Sign up', () => {
  it('creates the account and goes on to "next", signed in', async () => {
    api.on('POST /auth/register', { status: 201, body: session() });
    api.on('GET /notifications', { body: inbox([]) });
    renderApp('/sign-up?next=%2Finbox');
    expect(screen.getByText('At least 10 characters; a few words you will remember work well.')).toBeOnTheScreen();
    const user = await fillSignUp();
    fireEvent(screen.getByRole('switch', { name: 'I also organize events' }), 'valueChange', true);
    await user.press(screen.getByRole('button', { name: 'Create account' }));

    expect(await screen.findByText('Nothing new')).toBeOnTheScreen();
    expect(api.called('POST /auth/register')[0]!.body).toEqual({
      name: 'Ana',
      email: ACCOUNT.email,
      password: 'a sturdy passphrase',
      role: 'organizer',
    });
  });

  it("shows the server's field error beside the password", async () => {
    api.on(
      'POST /auth/register',
      problem(400, 'The request is not valid.', {
        code: 'validation',
        errors: [{ field: 'body.password', message: 'must be at least 10 characters' }],
      }),
    );
    renderApp('/sign-up');
    const user = await fillSignUp('short');
    await user.press(screen.getByRole('button', { name: 'Create account' }));
    expect(await screen.findByText('must be at least 10 characters')).toBeOnTheScreen();
    expect(screen.getByLabelText('Password')).toHaveProp('aria-invalid', true);
    expect(screen.queryByText('At least 10 characters; a few words you will remember work well.')).toBeNull();
    expect(screen.queryByTestId('sign-up-error')).toBeNull();
  });

  it("says why the account was not created (an address already taken) in the server's words", async () => {
    api.on('POST /auth/register', problem(409, 'An account with this e-mail address already exists.', { code: 'email-taken' }));
    renderApp('/sign-up');
    const user = await fillSignUp();
    await user.press(screen.getByRole('button', { name: 'Create account' }));
    expect(await screen.findByText('An account with this e-mail address already exists.')).toBeOnTheScreen();
    expect(screen.getByRole('heading', { name: 'Create your account' })).toBeOnTheScreen();
  });
});
