import { createRemoteJWKSet, customFetch, jwtVerify, errors as joseErrors, type JWTVerifyGetKey } from 'jose';
import { RoleSchema, type Role } from '@eventify/contracts';
import { AppError, serviceUnavailable, unauthorized } from '../errors.js';

/** Who is calling, as proven by a verified access token. Never built from a header a client can set. */
export interface Principal {
  userId: string;
  roles: Role[];
}

export interface AccessTokenVerifierOptions {
  jwksUrl: string;
  issuer: string;
  audience: string;
  /** Minimum time between JWKS refetches when an unknown `kid` shows up. */
  cooldownMs?: number;
  /** How long fetched keys are trusted before a refetch. */
  cacheMaxAgeMs?: number;
  /** Fetches the JWKS: over mutual TLS to the auth service (`Mtls.fetcher('auth')`); global fetch otherwise. */
  fetch?: (url: string, init: RequestInit) => Promise<Response>;
}

/** Asymmetric algorithms only: `none` and HMAC (the public-key-as-secret confusion) are never accepted. */
export const ACCESS_TOKEN_ALGORITHMS = ['EdDSA', 'ES256'];

export type AccessTokenVerifier = (token: string) => Promise<Principal>;

export function createAccessTokenVerifier(options: AccessTokenVerifierOptions): AccessTokenVerifier {
  const keys: JWTVerifyGetKey = createRemoteJWKSet(new URL(options.jwksUrl), {
    cooldownDuration: options.cooldownMs ?? 5_000,
    cacheMaxAge: options.cacheMaxAgeMs ?? 10 * 60_000,
    timeoutDuration: 3_000,
    ...(options.fetch ? { [customFetch]: options.fetch } : {}),
  });
  return async (token) => {
    try {
      const { payload } = await jwtVerify(token, keys, {
        issuer: options.issuer,
        audience: options.audience,
        algorithms: ACCESS_TOKEN_ALGORITHMS,
        requiredClaims: ['sub', 'exp', 'iat'],
      });
      const roles = RoleSchema.array().safeParse(payload.roles);
      if (!payload.sub || !roles.success) throw unauthorized('The access token is missing its subject or roles.');
      return { userId: payload.sub, roles: roles.data };
    } catch (error) {
      // Keys that cannot be fetched say nothing about the token: the caller should retry, not sign in again.
      // (A JWKS answered with 503, say while auth's database is down, is a plain JOSEError, ERR_JOSE_GENERIC.)
      const keysUnavailable =
        error instanceof joseErrors.JWKSTimeout ||
        error instanceof joseErrors.JWKSInvalid ||
        (error as { code?: string }).code === 'ERR_JOSE_GENERIC';
      if (keysUnavailable || !(error instanceof joseErrors.JOSEError || error instanceof AppError)) {
        throw serviceUnavailable('Access tokens cannot be checked right now (the auth service is unreachable). Try again shortly.');
      }
      throw unauthorized(describeTokenError(error));
    }
  };
}

function describeTokenError(error: unknown): string {
  if (error instanceof joseErrors.JWTExpired) return 'The access token has expired. Refresh it and try again.';
  if (error instanceof joseErrors.JWTClaimValidationFailed) return `The access token is not valid here (${error.claim}).`;
  if (error instanceof joseErrors.JWKSNoMatchingKey) return 'The access token was signed with a key we do not know.';
  if (error instanceof joseErrors.JOSEAlgNotAllowed) return 'The access token uses a signing algorithm that is not accepted.';
  if (error instanceof AppError) return error.message;
  return 'The access token is not valid.';
}

/** `Authorization: Bearer <token>` → token, or undefined. */
export function bearerToken(header: string | undefined): string | undefined {
  if (!header) return undefined;
  const match = /^Bearer\s+([A-Za-z0-9._~+/=-]+)$/i.exec(header.trim());
  return match?.[1];
}
