import { fireEvent, screen, waitFor, within } from 'expo-router/testing-library';
import type { Profile, Role } from '@eventify/contracts';
import { ApiServer, problem } from '../../../test/api-server';
import { account, page, profile } from '../../../test/fixtures';
import { signInThroughUi } from '../../../test/render';

const api = new ApiServer();
beforeAll(() => api.start());
afterAll(() => api.stop());
beforeEach(() => api.reset());

const admin = account('admin');

const bo = (roles: Role[] = ['attendee']): Profile => profile({ id: 'user-2', name: 'Bo', email: 'bo@example.com', roles });
const cy = profile({ id: 'user-3', name: 'Cy', email: 'cy@example.com', roles: ['attendee', 'organizer', 'admin'] });

/** People whose name or e-mail contains the search, as the server finds them. */
function directory(people: () => Profile[]) {
  api.on('GET /users', ({ query }) => {
    const q = (query.get('q') ?? '').toLowerCase();
    return { body: page(people().filter((p) => `${p.name} ${p.email}`.toLowerCase().includes(q))) };
  });
}

const rowOf = (name: string) => screen.getAllByTestId('user-row').find((row) => within(row).queryByText(name))!;

describe('People and roles', () => {
  it('says it is searching, then lists people with a switch for each role', async () => {
    api.on('GET /users', { delayMs: 300, body: page([bo(), cy]) });
    await signInThroughUi(api, '/admin/users', admin);
    expect(await screen.findByLabelText('Searching…')).toBeOnTheScreen();

    expect(await screen.findByText('bo@example.com')).toBeOnTheScreen();
    expect(screen.getAllByTestId('user-row')).toHaveLength(2);
    expect(screen.getByRole('switch', { name: 'Attendee: Bo' })).toBeChecked();
    // Everyone is an attendee: that switch is never off.
    expect(screen.getByRole('switch', { name: 'Attendee: Bo' })).toHaveProp('disabled', true);
    expect(screen.getByRole('switch', { name: 'Organizer: Bo' })).not.toBeChecked();
    expect(screen.getByRole('switch', { name: 'Organizer: Bo' })).toHaveProp('disabled', false);
    expect(screen.getByRole('switch', { name: 'Door staff: Bo' })).not.toBeChecked();
    expect(screen.getByRole('switch', { name: 'Admin: Bo' })).not.toBeChecked();
    expect(screen.getByRole('switch', { name: 'Organizer: Cy' })).toBeChecked();
    expect(screen.getByRole('switch', { name: 'Admin: Cy' })).toBeChecked();
  });

  it('finds people by what is typed, once the typing pauses', async () => {
    directory(() => [bo(), cy]);
    const user = await signInThroughUi(api, '/admin/users', admin);
    expect(await screen.findByText('cy@example.com')).toBeOnTheScreen();

    await user.type(screen.getByLabelText('Search people'), 'bo');
    await waitFor(() => expect(screen.queryByText('cy@example.com')).not.toBeOnTheScreen());
    expect(await screen.findByText('bo@example.com')).toBeOnTheScreen();
    expect(screen.getAllByTestId('user-row')).toHaveLength(1);
    // One search for what was typed, not one per key.
    expect(api.called('GET /users').map((r) => r.query.get('q') ?? '')).toEqual(['', 'bo']);
  });

  it('says nobody matches', async () => {
    directory(() => [bo(), cy]);
    const user = await signInThroughUi(api, '/admin/users', admin);
    await user.type(await screen.findByLabelText('Search people'), 'zed');
    expect(await screen.findByText('Nobody matches')).toBeOnTheScreen();
    expect(screen.queryAllByTestId('user-row')).toHaveLength(0);
  });

  it('says in words that people did not load, and loads them on "Try again"', async () => {
    api.on('GET /users', problem(500, 'Internal error.'));
    const user = await signInThroughUi(api, '/admin/users', admin);
    expect(await screen.findByText('People did not load')).toBeOnTheScreen();
    expect(screen.getByText('Eventify is having trouble right now. Try again in a moment.')).toBeOnTheScreen();

    directory(() => [bo()]);
    await user.press(screen.getByRole('button', { name: 'Try again' }));
    expect(await screen.findByText('bo@example.com')).toBeOnTheScreen();
  });

  it('gives someone a role with PATCH /users/:id/roles, and shows it once the server has it', async () => {
    let roles: Role[] = ['attendee'];
    directory(() => [bo(roles), cy]);
    api.on('PATCH /users/user-2/roles', ({ body }) => {
      roles = (body as { roles: Role[] }).roles;
      return { body: bo(roles) };
    });
    await signInThroughUi(api, '/admin/users', admin);
    fireEvent(await screen.findByRole('switch', { name: 'Organizer: Bo' }), 'valueChange', true);

    await waitFor(() => expect(screen.getByRole('switch', { name: 'Organizer: Bo' })).toBeChecked());
    expect(api.called('PATCH /users/user-2/roles').map((r) => r.body)).toEqual([{ roles: ['attendee', 'organizer'] }]);
    expect(screen.getByRole('switch', { name: 'Admin: Bo' })).not.toBeChecked();
    expect(api.called('PATCH /users/user-3/roles')).toHaveLength(0);
  });

  it('takes a role away, leaving at least attendee', async () => {
    let roles: Role[] = ['staff'];
    directory(() => [bo(roles)]);
    api.on('PATCH /users/user-2/roles', ({ body }) => {
      roles = (body as { roles: Role[] }).roles;
      return { body: bo(roles) };
    });
    await signInThroughUi(api, '/admin/users', admin);
    fireEvent(await screen.findByRole('switch', { name: 'Door staff: Bo' }), 'valueChange', false);

    await waitFor(() => expect(screen.getByRole('switch', { name: 'Door staff: Bo' })).not.toBeChecked());
    expect(api.called('PATCH /users/user-2/roles').map((r) => r.body)).toEqual([{ roles: ['attendee'] }]);
    expect(screen.getByRole('switch', { name: 'Attendee: Bo' })).toBeChecked();
  });

  it('says why when the server refuses a change, and keeps the roles as they were', async () => {
    directory(() => [cy]);
    api.on('PATCH /users/user-3/roles', problem(409, 'An admin cannot remove the last admin.', { code: 'conflict' }));
    await signInThroughUi(api, '/admin/users', admin);
    fireEvent(await screen.findByRole('switch', { name: 'Admin: Cy' }), 'valueChange', false);

    expect(await within(rowOf('Cy')).findByText('An admin cannot remove the last admin.')).toBeOnTheScreen();
    expect(api.called('PATCH /users/user-3/roles').map((r) => r.body)).toEqual([{ roles: ['attendee', 'organizer'] }]);
    expect(screen.getByRole('switch', { name: 'Admin: Cy' })).toBeChecked();
  });
});
