import cors from '@fastify/cors';
import helmet from '@fastify/helmet';
import rateLimit from '@fastify/rate-limit';
import { Redis } from 'ioredis';
import { bearerToken, createAccessTokenVerifier, tooManyRequests, unauthorized, type App } from '@eventify/kit';
import type { GatewayConfig } from './config.js';
import { isPublicRoute, isSensitiveRoute, isServicePath, pathOf } from './public-routes.js';

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
    credentials: false,
    methods: ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'],
    allowedHeaders: ['authorization', 'content-type', 'idempotency-key', 'x-request-id'],
    exposedHeaders: ['x-request-id', 'retry-after', 'x-ratelimit-limit', 'x-ratelimit-remaining', 'x-ratelimit-reset'],
    maxAge: 600,
  });
}

/**
 * Every request for a service needs a valid access token unless the route is public. The token is
 * verified against the auth service's JWKS (cached; refetched on an unknown kid, with a cool-down);
 * `alg: none`, HMAC, wrong issuer or audience, expired and tampered tokens all get 401.
 */
export function registerTokenCheck(app: App, config: GatewayConfig): void {
  const verify = createAccessTokenVerifier({
    jwksUrl: config.AUTH_JWKS_URL,
    issuer: config.JWT_ISSUER,
    audience: config.JWT_AUDIENCE,
    cooldownMs: config.JWKS_COOLDOWN_MS,
  });
  app.decorateRequest('verifiedUserId', undefined);
  app.addHook('onRequest', async (request) => {
    if (request.method === 'OPTIONS') return;
    const path = pathOf(request.url);
    if (!isServicePath(path) || isPublicRoute(request.method, path)) return;
    const token = bearerToken(request.headers.authorization);
    if (!token) throw unauthorized();
    request.verifiedUserId = (await verify(token)).userId;
  });
}

/**
 * Rate limits shared by every gateway replica through Redis: per user once signed in, per client address
 * otherwise, and a much lower limit per address on sign-in, sign-up and password recovery. When Redis is
 * unreachable the gateway keeps serving without limits (fail open) and says so in the log.
 */
export async function registerRateLimits(app: App, config: GatewayConfig): Promise<void> {
  const redis = new Redis(config.REDIS_URL, {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    connectTimeout: 1_000,
    retryStrategy: (times) => Math.min(times * 500, 5_000),
  });
  let lastWarned = 0;
  const warn = (error: unknown) => {
    if (Date.now() - lastWarned < 30_000) return;
    lastWarned = Date.now();
    app.log.warn({ err: error }, 'rate limiting is off: Redis is unreachable (failing open)');
  };
  redis.on('error', warn);
  app.addHook('onClose', async () => {
    redis.disconnect();
  });

  await app.register(rateLimit, {
    global: true,
    redis,
    nameSpace: `${config.REDIS_NAMESPACE}:ratelimit:`,
    skipOnError: true,
    timeWindow: config.RATE_LIMIT_WINDOW_MS,
    keyGenerator: (request) => {
      const path = pathOf(request.url);
      if (isSensitiveRoute(request.method, path)) return `sensitive:${request.ip}`;
      return request.verifiedUserId ? `user:${request.verifiedUserId}` : `ip:${request.ip}`;
    },
    max: (_request, key) => {
      if (key.startsWith('sensitive:')) return config.RATE_LIMIT_SENSITIVE_MAX;
      if (key.startsWith('user:')) return config.RATE_LIMIT_USER_MAX;
      return config.RATE_LIMIT_IP_MAX;
    },
    allowList: (request) => !isServicePath(pathOf(request.url)),
    onExceeded: (request, key) => request.log.info({ key: key.split(':')[0] }, 'rate limit exceeded'),
    errorResponseBuilder: (_request, context) =>
      tooManyRequests(Math.ceil(context.ttl / 1000), `Too many requests. Try again in ${context.after}.`),
  });
  // Notice failures of the store itself (rate-limit swallows them with skipOnError).
  setInterval(() => {
    if (redis.status !== 'ready') warn(new Error(`redis status ${redis.status}`));
  }, 10_000).unref();
}
