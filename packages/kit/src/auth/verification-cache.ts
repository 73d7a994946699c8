import { createHash } from 'node:crypto';
import { decodeJwt } from 'jose';
import type { AccessTokenVerifier, Principal } from './access-token.js';

export interface VerificationCacheOptions {
  /** Most tokens remembered; the least recently used goes first. */
  maxEntries?: number;
  /**
   * Longest a verification is reused, whatever the token's expiry. Keep it at or below the JWKS cache age
   * (10 min): then a signing key withdrawn from the JWKS is trusted no longer through this cache than it would
   * be by the cached key set itself.
   */
  maxAgeMs?: number;
}

/**
 * Remembers successful verifications, so a token presented again costs a hash and a map look-up instead of a
 * signature check. Keyed by the token's SHA-256 (the token itself is not kept), each entry lives until the
 * token expires or `maxAgeMs`, whichever is first; a used entry is never past its token's `exp`. Failures are
 * not remembered: every bad token is checked (and refused) in full.
 */
export function cacheVerifications(
  verify: AccessTokenVerifier,
  { maxEntries = 10_000, maxAgeMs = 5 * 60_000 }: VerificationCacheOptions = {},
): AccessTokenVerifier {
  const entries = new Map<string, { principal: Principal; until: number }>();
  return async (token) => {
    const key = createHash('sha256').update(token).digest('base64url');
    const now = Date.now();
    const hit = entries.get(key);
    if (hit) {
      entries.delete(key);
      if (hit.until > now) {
        entries.set(key, hit); // most recently used last
        return hit.principal;
      }
    }
    const principal = await verify(token);
    // Verified, so exp is there (a required claim) and trustworthy.
    const exp = decodeJwt(token).exp! * 1000;
    entries.set(key, { principal, until: Math.min(exp, Date.now() + maxAgeMs) });
    if (entries.size > maxEntries) entries.delete(entries.keys().next().value!);
    return principal;
  };
}
