import cookie from '@fastify/cookie';
import { buildService, type App } from '@eventify/kit';
import type { AuthServiceConfig } from './config.js';
import { KeysRepository } from './data/keys-repository.js';
import { RefreshTokensRepository } from './data/refresh-tokens-repository.js';
import { ResetTokensRepository } from './data/reset-tokens-repository.js';
import { UsersRepository } from './data/users-repository.js';
import { Accounts } from './domain/accounts.js';
import { LoginThrottle } from './domain/login-throttle.js';
import { SigningKeys } from './domain/signing-keys.js';
import { registerAuthRoutes, registerInternalRoutes } from './http/routes.js';

export async function buildAuthService(config: AuthServiceConfig): Promise<App> {
  const { app } = await buildService({
    name: 'auth',
    config,
    uses: { mongo: true },
    openapi: { title: 'Eventify auth service', description: 'Accounts, sessions and the keys that sign access tokens.' },
    async register(ctx) {
      const db = ctx.mongo!.db;
      const users = new UsersRepository(db, ctx.outbox, ctx.mutex);
      const refreshTokens = new RefreshTokensRepository(db);
      await Promise.all([users.ensureIndexes(), refreshTokens.ensureIndexes()]);
      const keysRepository = new KeysRepository(db, config.AUTH_KEY_ENCRYPTION_KEY);
      const migrated = await keysRepository.sealAll();
      if (migrated.sealed || migrated.resealed)
        ctx.log.info(migrated, 'signing keys encrypted at rest with the current AUTH_KEY_ENCRYPTION_KEY');
      const keys = new SigningKeys(keysRepository, {
        issuer: config.JWT_ISSUER,
        audience: config.JWT_AUDIENCE,
        accessTokenTtlSeconds: config.ACCESS_TOKEN_TTL_SECONDS,
        configuredJwks: config.JWT_PRIVATE_JWKS,
      });
      await keys.jwks(); // fail at start-up, not at first login, when configured keys are broken
      const accounts = new Accounts({
        users,
        refreshTokens,
        resetTokens: new ResetTokensRepository(db, ctx.outbox),
        resetTokenSeal: config.RESET_TOKEN_SEAL_KEY,
        keys,
        throttle: new LoginThrottle(ctx.redis.redis, ctx.keyPrefix, {
          freeFailures: config.LOGIN_FREE_FAILURES_PER_ACCOUNT,
          baseSeconds: config.LOGIN_BASE_DELAY_SECONDS,
          maxSeconds: config.LOGIN_MAX_DELAY_SECONDS,
          perIp: config.LOGIN_MAX_FAILURES_PER_IP,
          windowSeconds: config.LOGIN_FAILURE_WINDOW_SECONDS,
        }),
        mutex: ctx.mutex,
        log: ctx.log,
        accessTokenTtlSeconds: config.ACCESS_TOKEN_TTL_SECONDS,
        refreshTokenTtlSeconds: config.REFRESH_TOKEN_TTL_SECONDS,
        resetTokenTtlSeconds: config.PASSWORD_RESET_TTL_SECONDS,
      });
      if (config.EVENTIFY_ADMIN_EMAIL && config.EVENTIFY_ADMIN_PASSWORD) {
        const outcome = await accounts.ensureAdmin(config.EVENTIFY_ADMIN_EMAIL, config.EVENTIFY_ADMIN_PASSWORD);
        ctx.log.info({ outcome }, 'first admin from configuration');
      }
      await ctx.app.register(cookie);
      const refreshCookie = { secure: config.REFRESH_COOKIE_SECURE, maxAgeSeconds: config.REFRESH_TOKEN_TTL_SECONDS };
      const deps = { accounts, keys, guards: ctx.guards, refreshCookie };
      registerAuthRoutes(ctx.app, deps);
      registerInternalRoutes(ctx.app, deps);
    },
  });
  return app;
}
