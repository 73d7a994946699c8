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
