import { timingSafeEqual } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Role } from '@eventify/contracts';
import { forbidden, unauthorized } from '../errors.js';
import type { App } from '../http/app.js';
import { bearerToken, createAccessTokenVerifier, type AccessTokenVerifier, type AccessTokenVerifierOptions, type Principal } from './access-token.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** Set by `authenticate` once the access token is verified. */
    principal?: Principal;
  }
}

export const INTERNAL_TOKEN_HEADER = 'x-internal-token';

export interface Guards {
  /** onRequest hook: a valid access token is required. */
  authenticate: (request: FastifyRequest, reply: FastifyReply) => Promise<void>;
  /** onRequest hook: a token is verified when present, anonymous otherwise. */
  optionalAuth: (request: FastifyRequest, reply: FastifyReply) => Promise<void>;
  /** onRequest hook: a valid token holding at least one of the roles. */
  requireRole: (...roles: Role[]) => (request: FastifyRequest, reply: FastifyReply) => Promise<void>;
  /** onRequest hook for /internal routes: only other services, holding the shared internal token. */
  internalOnly: (request: FastifyRequest, reply: FastifyReply) => Promise<void>;
  verify: AccessTokenVerifier;
}

/**
 * Every service verifies the caller itself: the gateway forwards the access token untouched and the
 * service checks its signature against the auth service's JWKS. Nothing is trusted because of where
 * a request came from.
 */
export function createGuards(app: App, options: AccessTokenVerifierOptions & { internalToken?: string | undefined }): Guards {
  const verify = createAccessTokenVerifier(options);
  app.decorateRequest('principal', undefined);

  const authenticate = async (request: FastifyRequest) => {
    const token = bearerToken(request.headers.authorization);
    if (!token) throw unauthorized();
    request.principal = await verify(token);
  };
  const expected = options.internalToken ? Buffer.from(options.internalToken) : undefined;

  return {
    verify,
    authenticate,
    optionalAuth: async (request) => {
      if (request.headers.authorization) await authenticate(request);
    },
    requireRole:
      (...roles) =>
      async (request) => {
        await authenticate(request);
        if (!request.principal!.roles.some((r) => roles.includes(r))) {
          throw forbidden(`This needs the ${roles.join(' or ')} role.`);
        }
      },
    internalOnly: async (request) => {
      const given = request.headers[INTERNAL_TOKEN_HEADER];
      const presented = typeof given === 'string' ? Buffer.from(given) : undefined;
      if (!expected || !presented || presented.length !== expected.length || !timingSafeEqual(presented, expected)) {
        throw forbidden('Internal endpoint.');
      }
    },
  };
}

/** The verified caller of a route guarded by `authenticate`. */
export function principalOf(request: FastifyRequest): Principal {
  if (!request.principal) throw unauthorized();
  return request.principal;
}

export function hasRole(principal: Principal | undefined, role: Role): boolean {
  return principal?.roles.includes(role) ?? false;
}
