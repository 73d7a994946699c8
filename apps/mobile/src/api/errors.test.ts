import type { Problem } from '@eventify/contracts';
import { ApiError, describeError, isApiError } from './errors';

const problem = (status: number, extra: Partial<Problem> = {}): Problem => ({
  type: 'https://eventify.dev/problems/error',
  title: 'Problem',
  status,
  ...extra,
});
const http = (status: number, extra: Partial<Problem> = {}, retryAfter: number | null = null) =>
  new ApiError('http', status, problem(status, extra), retryAfter);

describe('describeError', () => {
  it('says the device is offline, or that Eventify is too slow, in words', () => {
    expect(describeError(new ApiError('offline', 0, null))).toBe("You're offline. Check your connection and try again.");
    expect(describeError(new ApiError('timeout', 0, null))).toBe('Eventify is taking too long to answer. Try again in a moment.');
  });

  it('says how long to wait after too many attempts, from Retry-After', () => {
    expect(describeError(http(429, { detail: 'Rate limit exceeded.' }, 30))).toBe('Too many attempts. Try again in 30 seconds.');
    expect(describeError(http(429, {}, 1))).toBe('Too many attempts. Try again in 1 second.');
    expect(describeError(http(429, {}, 60))).toBe('Too many attempts. Try again in 1 minute.');
    expect(describeError(http(429, {}, 90))).toBe('Too many attempts. Try again in 2 minutes.');
    expect(describeError(http(429))).toBe('Too many attempts. Wait a moment and try again.');
  });

  it('does not show a server failure’s own words, only that Eventify is having trouble', () => {
    for (const status of [500, 502, 503, 504]) {
      expect(describeError(http(status, { detail: 'TypeError: cannot read properties of undefined' }))).toBe(
        'Eventify is having trouble right now. Try again in a moment.',
      );
    }
  });

  it("uses the problem's detail, else its title, else a general sentence", () => {
    expect(describeError(http(409, { detail: 'Only 1 Standard ticket is left.' }))).toBe('Only 1 Standard ticket is left.');
    expect(describeError(http(404, { title: 'Not Found' }))).toBe('Not Found');
    expect(describeError(new ApiError('http', 418, null))).toBe('That did not work. Try again.');
  });

  it('asks for a second look at the fields when only field errors came back', () => {
    expect(describeError(http(400, { errors: [{ field: 'body.email', message: 'must be an e-mail address' }] }))).toBe(
      'Some fields need a second look.',
    );
    expect(
      describeError(
        http(400, { detail: 'Check the e-mail address.', errors: [{ field: 'body.email', message: 'must be an e-mail address' }] }),
      ),
    ).toBe('Check the e-mail address.');
  });

  it('says something went wrong on the device for anything that is not an API error', () => {
    expect(describeError(new TypeError('undefined is not a function'))).toBe('Something went wrong on this device. Try again.');
    expect(describeError(undefined)).toBe('Something went wrong on this device. Try again.');
    expect(isApiError(new Error('x'))).toBe(false);
  });
});

describe('ApiError', () => {
  it('names field errors as the form knows its fields, first message per field', () => {
    const error = http(400, {
      errors: [
        { field: 'body.venue.city', message: 'is required' },
        { field: 'body.venue.city', message: 'must be a string' },
        { field: 'query.limit', message: 'must be at most 100' },
        { field: 'params.id', message: 'is not an id' },
        { field: 'name', message: 'is too long' },
      ],
    });
    expect(error.fieldErrors).toEqual({
      'venue.city': 'is required',
      limit: 'must be at most 100',
      id: 'is not an id',
      name: 'is too long',
    });
    expect(http(500).fieldErrors).toEqual({});
  });

  it("gives the problem type's last part as its code, for branching on a specific conflict", () => {
    expect(http(409, { type: 'https://eventify.dev/problems/sold-out' }).code).toBe('sold-out');
    expect(http(400, { type: 'about:blank' }).code).toBeNull();
    expect(new ApiError('offline', 0, null).code).toBeNull();
  });
});
