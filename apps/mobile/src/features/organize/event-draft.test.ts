import { ownedEvent } from '../../../test/fixtures';
import { draftFromEvent, emptyDraft, formatPrice, parsePrice, toEventInput, toInstant, toWallClock, type EventDraft } from './event-draft';

/** A draft as a person fills the form in: a concert in New York, on the venue's clock (the phone is in Berlin). */
function newYorkDraft(overrides: Partial<EventDraft> = {}): EventDraft {
  return {
    ...emptyDraft('America/New_York'),
    title: '  Jazz on the Hudson ',
    description: 'Live jazz by the river.',
    category: 'music',
    venue: { name: 'Pier 17', address: '89 South St', city: 'New York', country: 'us' },
    startDate: '2027-03-14',
    startTime: '19:30',
    endDate: '',
    endTime: '23:00',
    tiers: [
      {
        name: 'Standard',
        description: '',
        price: '25,50',
        currency: 'usd',
        capacity: '100',
        maxPerOrder: '10',
        salesStart: '',
        salesEnd: '',
      },
      {
        name: 'VIP',
        description: ' Front rows ',
        price: '80',
        currency: 'USD',
        capacity: '10',
        maxPerOrder: '4',
        salesStart: '2027-02-01 10:00',
        salesEnd: '2027-03-14 18:00',
      },
    ],
    ...overrides,
  };
}

describe('Prices', () => {
  it('reads what a person types as minor units of the currency', () => {
    expect(parsePrice('25', 'EUR')).toBe(2500);
    expect(parsePrice('25.5', 'EUR')).toBe(2550);
    expect(parsePrice('25,50', 'EUR')).toBe(2550);
    expect(parsePrice(' 0 ', 'EUR')).toBe(0);
    expect(parsePrice('0.05', 'EUR')).toBe(5);
    expect(parsePrice('500', 'JPY')).toBe(500);
  });

  it('refuses what is not an amount in that currency', () => {
    for (const text of ['', 'abc', '-5', '25.505', '1e3', '25.', '€25', '1 000']) expect(parsePrice(text, 'EUR')).toBeNull();
    // Yen have no cents.
    expect(parsePrice('500.5', 'JPY')).toBeNull();
  });

  it('writes minor units back as the form shows them', () => {
    expect(formatPrice(2550, 'EUR')).toBe('25.50');
    expect(formatPrice(5, 'EUR')).toBe('0.05');
    expect(formatPrice(500, 'JPY')).toBe('500');
  });
});

describe("The venue's clock", () => {
  it("turns a day and time at the venue into an instant with the venue's offset, whatever the phone's time zone", () => {
    expect(toInstant('2027-05-01', '19:30', 'Europe/Berlin')).toBe('2027-05-01T19:30:00.000+02:00');
    expect(toInstant('2027-01-15', '19:30', 'Europe/Berlin')).toBe('2027-01-15T19:30:00.000+01:00');
    expect(toInstant('2027-05-01', '19:30', 'America/New_York')).toBe('2027-05-01T19:30:00.000-04:00');
    expect(toInstant('2027-05-01', '9:05', 'Asia/Tokyo')).toBe('2027-05-01T09:05:00.000+09:00');
  });

  it('counts the hours of a day on which the clocks change at the venue', () => {
    // Clocks go forward in New York on 14 March 2027 (not until 28 March in Berlin, where this phone is).
    expect(toInstant('2027-03-14', '01:30', 'America/New_York')).toBe('2027-03-14T01:30:00.000-05:00');
    expect(toInstant('2027-03-14', '19:30', 'America/New_York')).toBe('2027-03-14T19:30:00.000-04:00');
    // And back in Berlin on 31 October 2027.
    expect(toInstant('2027-10-30', '20:00', 'Europe/Berlin')).toBe('2027-10-30T20:00:00.000+02:00');
    expect(toInstant('2027-10-31', '20:00', 'Europe/Berlin')).toBe('2027-10-31T20:00:00.000+01:00');
  });

  it('refuses days and times that do not exist or are not written as asked', () => {
    for (const [day, time] of [
      ['2027-02-30', '19:00'],
      ['2027-13-01', '19:00'],
      ['2027-5-1', '19:00'],
      ['01.05.2027', '19:00'],
      ['2027-05-01', '24:00'],
      ['2027-05-01', '19:60'],
      ['2027-05-01', '7pm'],
      ['', ''],
    ]) {
      expect(toInstant(day!, time!, 'Europe/Berlin')).toBeNull();
    }
  });

  it("shows an instant as the day and time on the venue's clock", () => {
    expect(toWallClock('2027-05-01T17:30:00.000Z', 'Europe/Berlin')).toEqual({ day: '2027-05-01', time: '19:30' });
    expect(toWallClock('2027-05-01T17:30:00.000Z', 'America/New_York')).toEqual({ day: '2027-05-01', time: '13:30' });
    expect(toWallClock('2027-05-01T17:30:00.000Z', 'Asia/Tokyo')).toEqual({ day: '2027-05-02', time: '02:30' });
  });
});

describe('The event form', () => {
  it("makes the request from a filled-in draft: trimmed, instants with the venue's offset, prices in minor units, codes in capitals", () => {
    const { input, errors } = toEventInput(newYorkDraft());
    expect(errors).toEqual({});
    expect(input).toEqual({
      title: 'Jazz on the Hudson',
      description: 'Live jazz by the river.',
      category: 'music',
      venue: { name: 'Pier 17', address: '89 South St', city: 'New York', country: 'US' },
      // No end day: it ends on the day it starts; 14 March is the first day of summer time in New York.
      startsAt: '2027-03-14T19:30:00.000-04:00',
      endsAt: '2027-03-14T23:00:00.000-04:00',
      timeZone: 'America/New_York',
      tiers: [
        { name: 'Standard', price: 2550, currency: 'USD', capacity: 100, maxPerOrder: 10 },
        {
          name: 'VIP',
          description: 'Front rows',
          price: 8000,
          currency: 'USD',
          capacity: 10,
          maxPerOrder: 4,
          salesStart: '2027-02-01T10:00:00.000-05:00',
          salesEnd: '2027-03-14T18:00:00.000-04:00',
        },
      ],
    });
  });

  it("names each field to fix by the server's field names, and makes no request", () => {
    const draft = newYorkDraft({ startDate: '14/03/2027', timeZone: 'America/New_Yrok' });
    draft.tiers = [
      { ...draft.tiers[0]!, price: '25.555', capacity: '0', maxPerOrder: '' },
      { ...draft.tiers[1]!, capacity: '2.5', maxPerOrder: '0', salesStart: 'tomorrow', salesEnd: '2027-03-14' },
    ];
    const { input, errors } = toEventInput(draft);
    expect(input).toBeNull();
    expect(errors).toEqual({
      timeZone: 'Enter a time zone such as Europe/Berlin.',
      startsAt: 'Enter the day as YYYY-MM-DD and the time as HH:MM.',
      // The end day falls back to the start day, which is not a day either.
      endsAt: 'Enter the day as YYYY-MM-DD and the time as HH:MM.',
      'tiers.0.price': 'Enter a price such as 25.00 (0 for free).',
      'tiers.0.capacity': 'Enter how many tickets, at least 1.',
      'tiers.1.capacity': 'Enter how many tickets, at least 1.',
      'tiers.1.maxPerOrder': 'Enter a whole number, at least 1.',
      'tiers.1.salesStart': 'Enter it as YYYY-MM-DD HH:MM, or leave it empty.',
      'tiers.1.salesEnd': 'Enter it as YYYY-MM-DD HH:MM, or leave it empty.',
    });
  });

  it('lets a free tier be free', () => {
    const draft = newYorkDraft();
    draft.tiers = [{ ...draft.tiers[0]!, price: '0' }];
    expect(toEventInput(draft).input?.tiers).toEqual([{ name: 'Standard', price: 0, currency: 'USD', capacity: 100, maxPerOrder: 10 }]);
  });

  it("fills the form from a saved event on the venue's clock, and sends it back unchanged", () => {
    const saved = ownedEvent({
      timeZone: 'America/New_York',
      startsAt: '2027-05-01T23:30:00.000Z',
      endsAt: '2027-05-02T03:00:00.000Z',
      tiers: [{ ...ownedEvent().tiers[0]!, salesStart: '2027-04-01T14:00:00.000Z', salesEnd: null }],
    });
    const draft = draftFromEvent(saved);
    expect(draft).toMatchObject({
      timeZone: 'America/New_York',
      startDate: '2027-05-01',
      startTime: '19:30',
      endDate: '2027-05-01',
      endTime: '23:00',
      tiers: [
        {
          id: 'tier-std',
          name: 'Standard',
          description: '',
          price: '25.00',
          currency: 'EUR',
          capacity: '100',
          maxPerOrder: '10',
          salesStart: '2027-04-01 10:00',
          salesEnd: '',
        },
      ],
    });

    const { input } = toEventInput(draft);
    expect(input).toMatchObject({
      startsAt: '2027-05-01T19:30:00.000-04:00',
      endsAt: '2027-05-01T23:00:00.000-04:00',
      timeZone: saved.timeZone,
    });
    // The same instants as saved, written with the venue's offset.
    expect(Date.parse(input!.startsAt)).toBe(Date.parse(saved.startsAt));
    expect(Date.parse(input!.endsAt)).toBe(Date.parse(saved.endsAt));
    expect(input?.tiers).toEqual([
      {
        id: 'tier-std',
        name: 'Standard',
        price: 2500,
        currency: 'EUR',
        capacity: 100,
        maxPerOrder: 10,
        salesStart: '2027-04-01T10:00:00.000-04:00',
      },
    ]);
  });
});
