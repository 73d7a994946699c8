import cors from '@fastify/cors';
import helmet from '@fastify/helmet';
import type { FastifyRequest } from 'fastify';
import { bearerToken, cacheVerifications, createAccessTokenVerifier, unauthorized, type App, type Mtls } from '@eventify/kit';
import { upstreams, type GatewayConfig } from './config.js';
import { isPublicRoute, isServicePath, pathOf } from './public-routes.js';
import { createRateLimits, type RateLimitHooks } from './rate-limits.js';
import { upstreamFetch } from './upstream-tls.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** User id from a verified access token (gateway only; used for per-user rate limits). */
    verifiedUserId?: string;
  }
}

/** Secure headers and CORS for the mobile web build. */
export async function registerHttpSecurity(app: App, config: GatewayConfig): Promise<void> {
  await app.register(helmet, {
    // The gateway serves JSON; a CSP that forbids everything is right for it.
    contentSecurityPolicy: { directives: { defaultSrc: ["'none'"], frameAncestors: ["'none'"] } },
    hsts: config.TLS_CERT_FILE ? { maxAge: 31_536_000, includeSubDomains: true } : false,
  });
  await app.register(cors, {
    origin: config.CORS_ORIGINS.length ? config.CORS_ORIGINS : false,
    // The web app's refresh token is an HttpOnly cookie (services/auth/src/http/refresh-cookie.ts): only the
    // listed origins may send it, and only with the transport header, which a cross-site form cannot set.
    credentials: true,
    methods: ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'],
    allowedHeaders: ['authorization', 'content-type', 'idempotency-key', 'x-request-id', 'x-refresh-token-transport'],
    exposedHeaders: ['x-request-id', 'retry-after', 'x-ratelimit-limit', 'x-ratelimit-remaining', 'x-ratelimit-reset'],
    maxAge: 600,
  });
}

/** The JWKS is served by every auth replica: when it is one of them, any of them will do (a dead one is skipped). */
function jwksReplicas(config: GatewayConfig): string[] {
  const auth = upstreams(config).auth ?? [];
  return auth.includes(new URL(config.AUTH_JWKS_URL).origin) ? auth : [config.AUTH_JWKS_URL];
}

/**
 * Every request for a service needs a valid access token unless the route is public. The token is
 * verified against the auth service's JWKS (cached; refetched on an unknown kid, with a cool-down);
 * `alg: none`, HMAC, wrong issuer or audience, expired and tampered tokens all get 401. A token that
 * passed is not checked again until it expires (at most 5 minutes: kit `cacheVerifications`), since
 * an app sends the same one with every request.
 */
function tokenCheck(app: App, config: GatewayConfig, mtls: Mtls | undefined) {
  const verify = cacheVerifications(
    createAccessTokenVerifier({
      jwksUrl: config.AUTH_JWKS_URL,
      fetch: upstreamFetch(mtls, 'auth', jwksReplicas(config)),
      issuer: config.JWT_ISSUER,
      audience: config.JWT_AUDIENCE,
      cooldownMs: config.JWKS_COOLDOWN_MS,
    }),
  );
  app.decorateRequest('verifiedUserId', undefined);
  return async (request: FastifyRequest) => {
    if (request.method === 'OPTIONS') return;
    const path = pathOf(request.url);
    if (!isServicePath(path) || isPublicRoute(request.method, path)) return;
    const token = bearerToken(request.headers.authorization);
    if (!token) throw unauthorized();
    request.verifiedUserId = (await verify(token)).userId;
  };
}

/** In this order: limits per address, the token check, limits per verified user. The limits, for the gateway's own routes. */
export async function registerAccessControl(app: App, config: GatewayConfig, mtls?: Mtls): Promise<RateLimitHooks> {
  const limits = await createRateLimits(app, config);
  app.addHook('onRequest', limits.byAddress);
  app.addHook('onRequest', tokenCheck(app, config, mtls));
  app.addHook('onRequest', limits.byUser);
  return limits;
}
