import { screen } from 'expo-router/testing-library';
import type { EventInput, OwnedEvent } from '@eventify/contracts';
import { ApiServer, problem } from '../../../test/api-server';
import { account, entryStats, ownedEvent, page, staffList } from '../../../test/fixtures';
import { signInThroughUi } from '../../../test/render';

const api = new ApiServer();
beforeAll(() => api.start());
afterAll(() => api.stop());
beforeEach(() => api.reset());

const organizer = account('organizer');
type User = Awaited<ReturnType<typeof signInThroughUi>>;

/** Fill fields by their labels, as a person (or their keyboard's autofill) does. */
async function fill(user: User, fields: Record<string, string>) {
  for (const [label, value] of Object.entries(fields)) await user.paste(screen.getByLabelText(label), value);
}

/** A concert in New York, filled in on a phone in Berlin: the times are the venue's. */
async function fillNewYorkConcert(user: User) {
  await fill(user, {
    Title: 'Jazz on the Hudson',
    Description: 'Live jazz by the river.',
    Venue: 'Pier 17',
    Address: '89 South St',
    City: 'New York',
    'Country code': 'us',
    'Time zone': 'America/New_York',
    // The day the clocks go forward in New York (not yet in Berlin).
    'Starts on': '2027-03-14',
    'Start time': '19:30',
    'End time': '23:00',
    'Tier 1 price': '25,50',
    'Tier 1 currency': 'USD',
    'Tier 1 tickets': '100',
  });
  await user.press(screen.getByRole('radio', { name: 'Comedy' }));
}

const invalid = (label: string) => expect(screen.getByLabelText(label)).toHaveProp('aria-invalid', true);
const valid = (label: string) => expect(screen.getByLabelText(label)).toHaveProp('aria-invalid', false);

/** The organizer's event in New York, on sale. */
const newYorkEvent = (overrides: Partial<OwnedEvent> = {}) =>
  ownedEvent({
    status: 'published',
    timeZone: 'America/New_York',
    startsAt: '2027-05-01T23:30:00.000Z',
    endsAt: '2027-05-02T03:00:00.000Z',
    venue: { name: 'Pier 17', address: '89 South St', city: 'New York', country: 'US' },
    ...overrides,
  });

describe('New event', () => {
  it("saves a draft with the dates converted from the venue's clock and the prices in cents, then opens it", async () => {
    api.on('POST /events', ({ body }) => ({ status: 201, body: ownedEvent({ id: 'event-new', title: (body as EventInput).title }) }));
    api.on('GET /events/event-new/staff', { body: staffList() });
    const user = await signInThroughUi(api, '/organize/new', organizer);
    expect(
      await screen.findByText('Save it as a draft, then submit it for review. It goes on sale once an admin approves it.'),
    ).toBeOnTheScreen();
    // A new event starts on the phone's own time zone, at 19:00 until 22:00, with one Standard tier.
    expect(screen.getByLabelText('Time zone')).toHaveDisplayValue('Europe/Berlin');
    expect(screen.getByLabelText('Tier 1 name')).toHaveDisplayValue('Standard');

    await fillNewYorkConcert(user);
    await user.press(screen.getByRole('button', { name: 'Add a tier' }));
    await fill(user, {
      'Tier 2 name': 'VIP',
      'Tier 2 description (optional)': 'Front rows',
      'Tier 2 price': '80',
      'Tier 2 tickets': '10',
      'Tier 2 most per order': '4',
    });
    // The new tier takes the first one's currency.
    expect(screen.getByLabelText('Tier 2 currency')).toHaveDisplayValue('USD');
    await user.press(screen.getByRole('button', { name: 'Save draft' }));

    expect(await screen.findByRole('heading', { name: 'Jazz on the Hudson' })).toBeOnTheScreen();
    expect(screen.getByLabelText('Status: Draft')).toBeOnTheScreen();
    const [sent] = api.called('POST /events');
    expect(sent!.body).toEqual({
      title: 'Jazz on the Hudson',
      description: 'Live jazz by the river.',
      category: 'comedy',
      venue: { name: 'Pier 17', address: '89 South St', city: 'New York', country: 'US' },
      startsAt: '2027-03-14T19:30:00.000-04:00',
      endsAt: '2027-03-14T23:00:00.000-04:00',
      timeZone: 'America/New_York',
      tiers: [
        { name: 'Standard', price: 2550, currency: 'USD', capacity: 100, maxPerOrder: 10 },
        { name: 'VIP', description: 'Front rows', price: 8000, currency: 'USD', capacity: 10, maxPerOrder: 4 },
      ],
    });
    expect(sent!.headers.authorization).toBe('Bearer access-1');
  });

  it('removes a tier added by mistake', async () => {
    const user = await signInThroughUi(api, '/organize/new', organizer);
    await user.press(await screen.findByRole('button', { name: 'Add a tier' }));
    await fill(user, { 'Tier 2 name': 'Mistake' });
    expect(screen.getByRole('button', { name: 'Remove tier 1' })).toBeOnTheScreen();
    await user.press(screen.getByRole('button', { name: 'Remove tier 2' }));
    expect(screen.queryByLabelText('Tier 2 name')).toBeNull();
    expect(screen.getByLabelText('Tier 1 name')).toHaveDisplayValue('Standard');
    // The last tier cannot go.
    expect(screen.queryByRole('button', { name: 'Remove tier 1' })).toBeNull();
  });

  it('says beside each field what to fix before sending anything', async () => {
    const user = await signInThroughUi(api, '/organize/new', organizer);
    await fill(user, { Title: 'Jazz on the Hudson', 'Time zone': 'America/New_Yrok', 'Starts on': '14/03/2027', 'Tier 1 price': '25.555' });
    await user.press(await screen.findByRole('button', { name: 'Save draft' }));

    expect(await screen.findByText('Some fields need a second look: see the messages above.')).toBeOnTheScreen();
    expect(screen.getByText('Enter a time zone such as Europe/Berlin.')).toBeOnTheScreen();
    invalid('Time zone');
    invalid('Starts on');
    // No end day: the start day is used, and it is not a day either.
    invalid('Ends on');
    expect(screen.getAllByText('Enter the day as YYYY-MM-DD and the time as HH:MM.')).toHaveLength(2);
    invalid('Tier 1 price');
    expect(screen.getByText('Enter a price such as 25.00 (0 for free).')).toBeOnTheScreen();
    invalid('Tier 1 tickets');
    expect(screen.getByText('Enter how many tickets, at least 1.')).toBeOnTheScreen();
    valid('Title');
    valid('Tier 1 most per order');
    expect(api.called('POST /events')).toHaveLength(0);

    // Fixed, the messages go and the draft is sent.
    api.on('POST /events', { status: 201, body: ownedEvent({ id: 'event-new' }) });
    api.on('GET /events/event-new/staff', { body: staffList() });
    await fill(user, { 'Time zone': 'America/New_York', 'Starts on': '2027-03-14', 'Tier 1 price': '25.50', 'Tier 1 tickets': '100' });
    await user.press(screen.getByRole('button', { name: 'Save draft' }));
    expect(await screen.findByLabelText('Status: Draft')).toBeOnTheScreen();
    expect(api.called('POST /events')).toHaveLength(1);
  });

  it("shows the server's field errors beside the right fields, the tier's price included", async () => {
    api.on(
      'POST /events',
      problem(400, 'The request is not valid.', {
        code: 'validation',
        errors: [
          { field: 'body.tiers.0.price', message: 'must be at least 0.50 for a paid ticket' },
          { field: 'body.venue.city', message: 'must not be empty' },
          { field: 'body.endsAt', message: 'must be after startsAt' },
        ],
      }),
    );
    const user = await signInThroughUi(api, '/organize/new', organizer);
    await fillNewYorkConcert(user);
    await fill(user, { 'Tier 1 price': '0.10' });
    await user.press(screen.getByRole('button', { name: 'Save draft' }));

    expect(await screen.findByText('must be at least 0.50 for a paid ticket')).toBeOnTheScreen();
    invalid('Tier 1 price');
    expect(screen.getByLabelText('Tier 1 price')).toHaveProp('accessibilityHint', 'Tier 1 price: must be at least 0.50 for a paid ticket');
    expect(screen.getByText('must not be empty')).toBeOnTheScreen();
    invalid('City');
    expect(screen.getByText('must be after startsAt')).toBeOnTheScreen();
    invalid('Ends on');
    valid('Title');
    valid('Tier 1 tickets');
    valid('Starts on');
    expect(screen.getByText('Some fields need a second look: see the messages above.')).toBeOnTheScreen();
    // Beside the fields, not once more as a general error.
    expect(screen.queryByText('The request is not valid.')).toBeNull();
    expect(screen.getByRole('button', { name: 'Save draft' })).toBeEnabled();
  });

  it('says in words when the draft could not be saved, and stays on the form', async () => {
    api.on('POST /events', problem(500, 'Internal error.'));
    const user = await signInThroughUi(api, '/organize/new', organizer);
    await fillNewYorkConcert(user);
    await user.press(screen.getByRole('button', { name: 'Save draft' }));
    expect(await screen.findByText('Eventify is having trouble right now. Try again in a moment.')).toBeOnTheScreen();
    expect(screen.getByLabelText('Title')).toHaveDisplayValue('Jazz on the Hudson');
    expect(screen.queryByText('Some fields need a second look: see the messages above.')).toBeNull();
  });
});

describe('Editing an event', () => {
  it("shows its dates on the venue's clock, not the phone's, and saves a new start time converted with the event's time zone", async () => {
    let saved = newYorkEvent();
    api.on('GET /events/event-1', () => ({ body: saved }));
    api.on('GET /events/event-1/staff', { body: staffList() });
    api.on('GET /entry/events/event-1/stats', { body: entryStats() });
    api.on('GET /payments', { body: page([]) });
    api.on('PATCH /events/event-1', ({ body }) => {
      saved = { ...saved, startsAt: new Date((body as EventInput).startsAt).toISOString() };
      return { body: saved };
    });
    const user = await signInThroughUi(api, '/organize/event-1', organizer);
    await user.press(await screen.findByRole('button', { name: 'Edit' }));

    // 23:30 UTC is 19:30 in New York (and 01:30 the next day on this phone, in Berlin).
    expect(await screen.findByLabelText('Starts on')).toHaveDisplayValue('2027-05-01');
    expect(screen.getByLabelText('Start time')).toHaveDisplayValue('19:30');
    expect(screen.getByLabelText('Ends on')).toHaveDisplayValue('2027-05-01');
    expect(screen.getByLabelText('End time')).toHaveDisplayValue('23:00');
    expect(screen.getByLabelText('Time zone')).toHaveDisplayValue('America/New_York');
    expect(screen.getByLabelText('Title')).toHaveDisplayValue('Jazz at the Harbour');
    expect(screen.getByLabelText('Tier 1 price')).toHaveDisplayValue('25.00');
    expect(screen.getByLabelText('Tier 2 name')).toHaveDisplayValue('VIP');
    expect(screen.getByText(/^This event is on sale\. A new date, time or venue is sent to everyone holding a ticket\./)).toBeOnTheScreen();
    // Tiers that exist stay: only new ones can be removed.
    expect(screen.queryByRole('button', { name: /^Remove tier/ })).toBeNull();

    await fill(user, { 'Start time': '20:00' });
    await user.press(screen.getByRole('button', { name: 'Save changes' }));

    // Back on the event, with the new time.
    expect(await screen.findByRole('heading', { name: 'Jazz at the Harbour' })).toBeOnTheScreen();
    expect(await screen.findByText(/Sat, May 1, 2027.*08:00 PM EDT · Pier 17, New York/)).toBeOnTheScreen();
    const [patch] = api.called('PATCH /events/event-1');
    expect(patch!.body).toMatchObject({
      startsAt: '2027-05-01T20:00:00.000-04:00',
      endsAt: '2027-05-01T23:00:00.000-04:00',
      timeZone: 'America/New_York',
      tiers: [
        { id: 'tier-std', name: 'Standard', price: 2500, currency: 'EUR', capacity: 100, maxPerOrder: 10 },
        { id: 'tier-vip', name: 'VIP', description: 'Front rows', price: 7900, currency: 'EUR', capacity: 10, maxPerOrder: 4 },
      ],
    });
  });

  it("shows the reviewer's reason on an event that was sent back", async () => {
    api.on('GET /events/event-1', {
      body: ownedEvent({
        status: 'rejected',
        rejection: { reason: 'Add the street number', reviewerId: 'admin-1', decidedAt: '2026-11-27T10:00:00.000Z' },
      }),
    });
    await signInThroughUi(api, '/organize/event-1/edit', organizer);
    expect(await screen.findByText('Sent back by the reviewer: Add the street number')).toBeOnTheScreen();
    expect(screen.queryByText(/^This event is on sale/)).toBeNull();
    expect(screen.getByRole('button', { name: 'Save changes' })).toBeEnabled();
  });

  it('says it is loading the event, and in words when it did not load', async () => {
    api.on('GET /events/event-1', { delayMs: 300, ...problem(404, 'There is no event with this id.', { code: 'not-found' }) });
    await signInThroughUi(api, '/organize/event-1/edit', organizer);
    expect(await screen.findByLabelText('Loading your event…')).toBeOnTheScreen();
    expect(await screen.findByText('There is no event with this id.')).toBeOnTheScreen();
    expect(screen.getByText('This did not load')).toBeOnTheScreen();
    expect(screen.queryByRole('button', { name: 'Save changes' })).toBeNull();
  });
});
