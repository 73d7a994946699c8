import { parseDay, rangeOf } from './date-ranges';

// Dates are built from local calendar fields, so each expectation means "that moment on the phone's clock";
// the tests run in Europe/Berlin (test/environment.js), where some days have 23 or 25 hours.
const local = (year: number, month: number, day: number, hours = 0, minutes = 0, seconds = 0, ms = 0) =>
  new Date(year, month - 1, day, hours, minutes, seconds, ms);
const endOf = (year: number, month: number, day: number) => local(year, month, day, 23, 59, 59, 999).toISOString();

// 2027-05-05 is a Wednesday; that weekend is Saturday 8 and Sunday 9 May.
const WEDNESDAY = local(2027, 5, 5, 15, 30);

describe('parseDay', () => {
  it('reads a YYYY-MM-DD day as midnight on the phone', () => {
    expect(parseDay('2027-05-01')).toEqual(local(2027, 5, 1));
    expect(parseDay(' 2027-05-01 ')).toEqual(local(2027, 5, 1));
    expect(parseDay('2028-02-29')).toEqual(local(2028, 2, 29));
  });

  it('refuses days that do not exist and other formats', () => {
    for (const text of [
      '2027-02-29',
      '2027-04-31',
      '2027-13-01',
      '2027-00-10',
      '2027-05-00',
      '1.5.2027',
      '2027-5-1',
      '2027-05-01T10:00',
      '',
    ]) {
      expect(parseDay(text)).toBeNull();
    }
  });
});

describe('rangeOf', () => {
  it('puts no bounds on "any date"', () => {
    expect(rangeOf('any', WEDNESDAY)).toEqual({});
  });

  it('runs "today" from now to the last moment of today', () => {
    expect(rangeOf('today', WEDNESDAY)).toEqual({ from: WEDNESDAY.toISOString(), to: endOf(2027, 5, 5) });
  });

  it('runs "this weekend" on a weekday from Saturday morning to Sunday night', () => {
    expect(rangeOf('weekend', WEDNESDAY)).toEqual({ from: local(2027, 5, 8).toISOString(), to: endOf(2027, 5, 9) });
    const fridayNight = local(2027, 5, 7, 23, 30);
    expect(rangeOf('weekend', fridayNight)).toEqual({ from: local(2027, 5, 8).toISOString(), to: endOf(2027, 5, 9) });
  });

  it('runs "this weekend" during the weekend from now, not from a Saturday already begun or the next one', () => {
    const saturday = local(2027, 5, 8, 14, 0);
    expect(rangeOf('weekend', saturday)).toEqual({ from: saturday.toISOString(), to: endOf(2027, 5, 9) });
    const sunday = local(2027, 5, 9, 10, 0);
    expect(rangeOf('weekend', sunday)).toEqual({ from: sunday.toISOString(), to: endOf(2027, 5, 9) });
  });

  it('ends the weekend and the day at midnight also when the clocks change', () => {
    // Summer time starts on Sunday 28 March 2027 (a 23-hour day) and ends on Sunday 31 October (25 hours).
    expect(rangeOf('weekend', local(2027, 3, 24, 12))).toEqual({ from: local(2027, 3, 27).toISOString(), to: endOf(2027, 3, 28) });
    expect(rangeOf('weekend', local(2027, 10, 27, 12))).toEqual({ from: local(2027, 10, 30).toISOString(), to: endOf(2027, 10, 31) });
    expect(rangeOf('today', local(2027, 3, 28, 9))).toEqual({ from: local(2027, 3, 28, 9).toISOString(), to: endOf(2027, 3, 28) });
    expect(rangeOf('today', local(2027, 10, 31, 9))).toEqual({ from: local(2027, 10, 31, 9).toISOString(), to: endOf(2027, 10, 31) });
  });

  it('runs "next 7 days" and "next 30 days" from now to the end of the last day', () => {
    expect(rangeOf('week', WEDNESDAY)).toEqual({ from: WEDNESDAY.toISOString(), to: endOf(2027, 5, 12) });
    expect(rangeOf('month', WEDNESDAY)).toEqual({ from: WEDNESDAY.toISOString(), to: endOf(2027, 6, 4) });
    // Across the change to summer time, late in the evening: still seven days, not eight.
    expect(rangeOf('week', local(2027, 3, 25, 23, 30))).toEqual({ from: local(2027, 3, 25, 23, 30).toISOString(), to: endOf(2027, 4, 1) });
  });

  it('runs picked dates from the first day’s start to the last day’s end, either one optional', () => {
    expect(rangeOf('custom', WEDNESDAY, { from: '2027-05-01', to: '2027-05-31' })).toEqual({
      from: local(2027, 5, 1).toISOString(),
      to: endOf(2027, 5, 31),
    });
    expect(rangeOf('custom', WEDNESDAY, { from: '2027-05-01', to: '' })).toEqual({ from: local(2027, 5, 1).toISOString(), to: undefined });
    expect(rangeOf('custom', WEDNESDAY, { from: '', to: '2027-05-31' })).toEqual({ from: undefined, to: endOf(2027, 5, 31) });
    expect(rangeOf('custom', WEDNESDAY, { from: '2027-05-01', to: '2027-05-01' })).toEqual({
      from: local(2027, 5, 1).toISOString(),
      to: endOf(2027, 5, 1),
    });
    expect(rangeOf('custom', WEDNESDAY, { from: '2027-03-28', to: '2027-03-28' })).toEqual({
      from: local(2027, 3, 28).toISOString(),
      to: endOf(2027, 3, 28),
    });
  });

  it('says in words what is wrong with picked dates', () => {
    expect(rangeOf('custom', WEDNESDAY, { from: '2027-02-30', to: '' })).toEqual({
      error: 'Enter the first day as YYYY-MM-DD, for example 2027-05-01.',
    });
    expect(rangeOf('custom', WEDNESDAY, { from: '2027-05-01', to: '31/05/2027' })).toEqual({
      error: 'Enter the last day as YYYY-MM-DD, for example 2027-05-31.',
    });
    expect(rangeOf('custom', WEDNESDAY, { from: '2027-05-31', to: '2027-05-01' })).toEqual({
      error: 'The last day must not be before the first day.',
    });
  });
});
