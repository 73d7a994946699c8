import { z } from 'zod';
import { badRequest } from './errors.js';

const IDEMPOTENCY_KEY = /^[A-Za-z0-9_.:-]{8,128}$/;

/** The request's `Idempotency-Key` header (undefined when absent); 400 problem+json when it is malformed. */
export function idempotencyKeyOf(headers: Record<string, string | string[] | undefined>): string | undefined {
  const key = headers['idempotency-key'];
  if (key === undefined) return undefined;
  if (typeof key !== 'string' || !IDEMPOTENCY_KEY.test(key)) {
    throw badRequest('The Idempotency-Key header must be 8 to 128 letters, digits or . _ : -', [
      { field: 'headers.idempotency-key', message: 'is not a valid key' },
    ]);
  }
  return key;
}

/**
 * A route's `headers` schema for routes that take an Idempotency-Key: the header appears in the API document and is
 * checked with the rest of the request (other headers pass through untouched).
 */
export const idempotencyKeyHeaders = z.looseObject({
  'idempotency-key': z
    .string()
    .regex(IDEMPOTENCY_KEY, 'must be 8 to 128 letters, digits or . _ : -')
    .optional()
    .describe('Makes a retry safe: the same key gives the same outcome, once (e.g. a UUID per attempt of the user)'),
});
