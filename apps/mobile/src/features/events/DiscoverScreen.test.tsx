import { userEvent } from '@testing-library/react-native';
import { screen, waitFor } from 'expo-router/testing-library';
import { ApiServer, problem } from '../../../test/api-server';
import { event, page } from '../../../test/fixtures';
import { renderApp } from '../../../test/render';

const api = new ApiServer();
beforeAll(() => api.start());
afterAll(() => api.stop());
beforeEach(() => api.reset());

describe('Discover', () => {
  it('says it is loading, then lists events with date in their time zone, city, lowest price and sold out', async () => {
    api.on('GET /events', {
      delayMs: 300,
      body: page([event(), event({ id: 'event-2', title: 'Sold-out Gala', tiers: event().tiers.map((t) => ({ ...t, available: 0 })) })]),
    });
    renderApp('/');
    expect(await screen.findByLabelText('Finding events…')).toBeOnTheScreen();
    const card = await screen.findByRole('link', { name: /Jazz at the Harbour/ });
    expect(card).toHaveTextContent(/Sat, May 1, 2027.*07:30 PM GMT\+2/);
    expect(card).toHaveTextContent(/Harbour Hall · Hamburg/);
    expect(card).toHaveTextContent(/From €25\.00/);
    expect(screen.getByRole('link', { name: /Sold-out Gala/ })).toHaveTextContent(/Sold out/);
  });

  it('explains an empty result and clears the filters', async () => {
    api.on('GET /events', ({ query }) => (query.get('category') ? { body: page([]) } : { body: page([event()]) }));
    renderApp('/');
    const user = userEvent.setup();
    await user.press(await screen.findByRole('radio', { name: 'Comedy' }));
    expect(await screen.findByText('No events match')).toBeOnTheScreen();
    expect(api.called('GET /events').at(-1)!.query.get('category')).toBe('comedy');
    await user.press(screen.getByRole('button', { name: 'Clear filters' }));
    expect(await screen.findByRole('link', { name: /Jazz at the Harbour/ })).toBeOnTheScreen();
  });

  it('says in words that events did not load, and tries again', async () => {
    api.on('GET /events', problem(500, 'Internal error.'));
    renderApp('/');
    expect(await screen.findByText('Events did not load')).toBeOnTheScreen();
    expect(screen.getByText('Eventify is having trouble right now. Try again in a moment.')).toBeOnTheScreen();
    api.on('GET /events', { body: page([event()]) });
    await userEvent.setup().press(screen.getByRole('button', { name: 'Try again' }));
    expect(await screen.findByRole('link', { name: /Jazz at the Harbour/ })).toBeOnTheScreen();
  });

  it('searches by text and city, and pages with the cursor', async () => {
    api.on('GET /events', ({ query }) =>
      query.get('cursor') === 'next-1'
        ? { body: page([event({ id: 'event-3', title: 'Late Jazz' })]) }
        : { body: page([event()], 'next-1') },
    );
    renderApp('/');
    const user = userEvent.setup();
    await user.type(await screen.findByLabelText('Search events'), 'jazz');
    await user.press(screen.getByRole('button', { name: /More filters/ }));
    await user.type(screen.getByLabelText('City'), 'Hamburg');
    await waitFor(() =>
      expect(api.called('GET /events').some((r) => r.query.get('q') === 'jazz' && r.query.get('city') === 'Hamburg')).toBe(true),
    );
    await user.press(await screen.findByRole('button', { name: 'Load more' }));
    expect(await screen.findByRole('link', { name: /Late Jazz/ })).toBeOnTheScreen();
  });
});
