import type { FastifyReply, FastifyRequest } from 'fastify';
import { allowedCallers, INTERNAL_ROUTES, type Role, type ServiceName } from '@eventify/contracts';
import { AppError, forbidden, unauthorized } from '../errors.js';
import type { App } from '../http/app.js';
import { documentRoutes } from '../http/route-docs.js';
import { peerIdentity } from '../tls/identity.js';
import {
  bearerToken,
  createAccessTokenVerifier,
  type AccessTokenVerifier,
  type AccessTokenVerifierOptions,
  type Principal,
} from './access-token.js';
import { cacheVerifications } from './verification-cache.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** Set by `authenticate` once the access token is verified. */
    principal?: Principal;
  }
}

export interface Guards {
  /** onRequest hook: a valid access token is required. */
  authenticate: (request: FastifyRequest, reply: FastifyReply) => Promise<void>;
  /** onRequest hook: a token is verified when present, anonymous otherwise. */
  optionalAuth: (request: FastifyRequest, reply: FastifyReply) => Promise<void>;
  /** onRequest hook: a valid token holding at least one of the roles. */
  requireRole: (...roles: Role[]) => (request: FastifyRequest, reply: FastifyReply) => Promise<void>;
  /**
   * onRequest hook for /internal routes: only the services INTERNAL_ROUTES lists for the route, known by their
   * client certificate. No service identity: 401; another service: 403.
   */
  internalOnly: (request: FastifyRequest, reply: FastifyReply) => Promise<void>;
  verify: AccessTokenVerifier;
}

/**
 * Every service verifies the caller itself: the gateway forwards the access token untouched and the
 * service checks its signature against the auth service's JWKS. Nothing is trusted because of where
 * a request came from.
 */
export function createGuards(app: App, options: AccessTokenVerifierOptions & { service: string }): Guards {
  // A token verified once is not checked again until it expires (at most 5 minutes, within the JWKS cache's 10):
  // the signature check is the largest CPU cost of a request on the hot paths (a door scan, a sale).
  const verify = cacheVerifications(createAccessTokenVerifier(options));
  app.decorateRequest('principal', undefined);

  const authenticate = async (request: FastifyRequest) => {
    const token = bearerToken(request.headers.authorization);
    if (!token) throw unauthorized();
    request.principal = await verify(token);
  };
  const internalOnly = async (request: FastifyRequest) => {
    const caller = peerIdentity(request.raw.socket);
    if (!caller) throw serviceIdentityRequired();
    const route = request.routeOptions.url ?? '';
    if (!callersOf(options.service, request.method, route).includes(caller)) {
      throw forbidden(`The ${caller} service may not call ${request.method} ${route}.`);
    }
  };
  refuseUnlistedInternalRoutes(app, options.service, internalOnly);
  const optionalAuth = async (request: FastifyRequest) => {
    if (request.headers.authorization) await authenticate(request);
  };
  const roleGuards = new WeakSet<object>();
  const requireRole = (...roles: Role[]) => {
    const guard = async (request: FastifyRequest) => {
      await authenticate(request);
      if (!request.principal!.roles.some((r) => roles.includes(r))) {
        throw forbidden(`This needs the ${roles.join(' or ')} role.`);
      }
    };
    roleGuards.add(guard);
    return guard;
  };
  // The API docs follow from the guards: security, the usual errors (route-docs.ts).
  app.addHook('onRoute', (route) =>
    documentRoutes(
      route,
      { authenticate, optionalAuth, isRoleGuard: (hook) => typeof hook === 'function' && roleGuards.has(hook) },
      options.service,
    ),
  );

  return { verify, authenticate, optionalAuth, requireRole, internalOnly };
}

const serviceIdentityRequired = () =>
  new AppError({
    status: 401,
    code: 'service-identity-required',
    title: 'Service identity required',
    detail:
      "Internal routes answer only other Eventify services: present the calling service's certificate (URI SAN spiffe://eventify/<service>).",
  });

function callersOf(service: string, method: string, route: string): readonly string[] {
  return service in INTERNAL_ROUTES ? allowedCallers(service as ServiceName, method, route) : [];
}

/**
 * Start-up check: every /internal route is guarded by `internalOnly` and listed in INTERNAL_ROUTES
 * (packages/contracts/src/services.ts) with the services that may call it. A route nobody may call is a
 * mistake to be told about at start, not a 403 to be found in production.
 */
function refuseUnlistedInternalRoutes(app: App, service: string, internalOnly: unknown): void {
  app.addHook('onRoute', (route) => {
    if (!route.url?.startsWith('/internal/')) return;
    const where = `${service}: ${route.url}`;
    if (![route.onRequest].flat().includes(internalOnly as never))
      throw new Error(`${where}: an /internal route needs onRequest: guards.internalOnly`);
    for (const method of [route.method].flat()) {
      if (method !== 'HEAD' && callersOf(service, method, route.url).length === 0) {
        throw new Error(
          `${where}: add "${method} ${route.url}" to INTERNAL_ROUTES.${service} in packages/contracts/src/services.ts, with the services that may call it`,
        );
      }
    }
  });
}

/** The verified caller of a route guarded by `authenticate`. */
export function principalOf(request: FastifyRequest): Principal {
  if (!request.principal) throw unauthorized();
  return request.principal;
}

export function hasRole(principal: Principal | undefined, role: Role): boolean {
  return principal?.roles.includes(role) ?? false;
}
