import { screen, waitFor } from 'expo-router/testing-library';
import { ApiServer } from '../../../test/api-server';
import { account, event, inbox, ownedEvent, page } from '../../../test/fixtures';
import { renderApp, signInThroughUi } from '../../../test/render';

const api = new ApiServer();
beforeAll(() => api.start());
afterAll(() => api.stop());
beforeEach(() => {
  api.reset();
  api.on('GET /events', { body: page([event()]) });
  api.on('GET /notifications', { body: inbox([]) });
});

const manageTab = () => screen.queryByRole('button', { name: /^Manage, tab/ });

/** Signed in on Discover, where the tab bar shows. */
async function signedInAs(...roles: Parameters<typeof account>) {
  const user = await signInThroughUi(api, '/', account(...roles));
  expect(await screen.findByRole('link', { name: /Jazz at the Harbour/ })).toBeOnTheScreen();
  return user;
}

describe('Manage tab', () => {
  it('is not there for an attendee who scans for no event', async () => {
    api.on('GET /events/staffed', { body: page([]) });
    // Discover shows after the answer about scanning is in.
    api.on('GET /events', { delayMs: 300, body: page([event()]) });
    await signedInAs();
    expect(screen.getByRole('button', { name: /^Profile, tab/ })).toBeOnTheScreen();
    // The app asked whether they scan for any event, and the answer was no.
    await waitFor(() => expect(api.called('GET /events/staffed')).toHaveLength(1));
    expect(manageTab()).toBeNull();
  });

  it('is not there for someone signed out, and asks them to sign in when opened by its address', async () => {
    renderApp('/');
    expect(await screen.findByRole('link', { name: /Jazz at the Harbour/ })).toBeOnTheScreen();
    expect(manageTab()).toBeNull();
    expect(api.called('GET /events/staffed')).toHaveLength(0);
    screen.unmount();

    renderApp('/manage');
    expect(await screen.findByText('Sign in to see what you manage')).toBeOnTheScreen();
  });

  it('appears for an attendee named door staff of an event, with scanning only', async () => {
    api.on('GET /events/staffed', { body: page([ownedEvent({ status: 'published' })]) });
    const user = await signedInAs();
    await user.press(await screen.findByRole('button', { name: /^Manage, tab/ }));

    expect(await screen.findByRole('heading', { name: 'Manage' })).toBeOnTheScreen();
    expect(
      screen.getByRole('link', { name: 'Scan tickets: At the door of the events you staff; works without a network.' }),
    ).toBeOnTheScreen();
    expect(screen.queryByRole('link', { name: /^Your events/ })).toBeNull();
    expect(screen.queryByRole('link', { name: /^Review queue/ })).toBeNull();

    await user.press(screen.getByRole('link', { name: /^Scan tickets/ }));
    expect(await screen.findByRole('link', { name: 'Scan tickets for Jazz at the Harbour' })).toBeOnTheScreen();
  });

  it('offers an organizer their events, a new event and the door, without asking which events they staff', async () => {
    api.on('GET /events/mine', { body: page([ownedEvent()]) });
    const user = await signedInAs('organizer');
    await user.press(await screen.findByRole('button', { name: /^Manage, tab/ }));

    expect(await screen.findByRole('link', { name: 'Your events: Drafts, reviews, sales, door staff and refunds.' })).toBeOnTheScreen();
    expect(screen.getByRole('link', { name: 'Create an event: With its ticket tiers; it goes on sale after review.' })).toBeOnTheScreen();
    expect(screen.getByRole('link', { name: /^Scan tickets/ })).toBeOnTheScreen();
    expect(screen.queryByRole('link', { name: /^Review queue/ })).toBeNull();
    expect(screen.queryByRole('link', { name: /^People and roles/ })).toBeNull();
    expect(api.called('GET /events/staffed')).toHaveLength(0);

    await user.press(screen.getByRole('link', { name: /^Your events/ }));
    expect(await screen.findByRole('link', { name: 'Jazz at the Harbour, Draft' })).toBeOnTheScreen();
  });

  it('offers door staff the door only', async () => {
    const user = await signedInAs('staff');
    await user.press(await screen.findByRole('button', { name: /^Manage, tab/ }));
    expect(await screen.findByRole('link', { name: /^Scan tickets/ })).toBeOnTheScreen();
    expect(screen.queryByRole('link', { name: /^Your events/ })).toBeNull();
    expect(screen.queryByRole('link', { name: /^Review queue/ })).toBeNull();
  });

  it('offers an admin everything, the review queue and people and roles included', async () => {
    api.on('GET /approvals', { body: page([]) });
    const user = await signedInAs('admin');
    await user.press(await screen.findByRole('button', { name: /^Manage, tab/ }));

    expect(await screen.findByRole('link', { name: /^Your events/ })).toBeOnTheScreen();
    expect(screen.getByRole('link', { name: /^Create an event/ })).toBeOnTheScreen();
    expect(screen.getByRole('link', { name: /^Scan tickets/ })).toBeOnTheScreen();
    expect(screen.getByRole('link', { name: 'People and roles: Find anyone and change what they may do.' })).toBeOnTheScreen();
    await user.press(screen.getByRole('link', { name: 'Review queue: Approve submitted events, or send them back with a reason.' }));
    expect(await screen.findByText('Nothing to review')).toBeOnTheScreen();
  });
});
