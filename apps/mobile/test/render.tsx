import { userEvent } from '@testing-library/react-native';
import { renderRouter, screen } from 'expo-router/testing-library';
import path from 'node:path';
import type { Account } from '@eventify/contracts';
import type { ApiServer } from './api-server';
import { ACCOUNT, session } from './fixtures';

const APP = path.resolve(__dirname, '../src/app');

/** The whole app, its real routes and providers, opened at `url`. */
export function renderApp(url: string) {
  return renderRouter(APP, { initialUrl: url });
}

/**
 * Sign in through the sign-in screen, as a person does; the server answers with a session. The address and
 * password are pasted (as a password manager fills them), not typed key by key: most tests only need to be
 * signed in, and typing is what the sign-in screen's own tests do. `as` is the account the server signs in, with
 * its roles (fixtures' `account('organizer')`); an attendee unless told.
 */
export async function signInThroughUi(api: ApiServer, next = '/', as: Account = ACCOUNT) {
  api.on('POST /auth/login', { body: session({ user: as }) });
  renderApp(`/sign-in?next=${encodeURIComponent(next)}`);
  const user = userEvent.setup();
  await user.paste(await screen.findByLabelText('E-mail'), ACCOUNT.email);
  await user.paste(screen.getByLabelText('Password'), 'a sturdy passphrase');
  await user.press(screen.getByRole('button', { name: 'Sign in' }));
  return user;
}
