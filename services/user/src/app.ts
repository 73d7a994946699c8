import { buildService, createServiceClient, type App } from '@eventify/kit';
import type { UserServiceConfig } from './config.js';
import { ProfilesRepository } from './data/profiles-repository.js';
import { PushTokensRepository } from './data/push-tokens-repository.js';
import { Users } from './domain/users.js';
import { subscribeUserEvents } from './events/handlers.js';
import { registerUserRoutes } from './http/routes.js';

export async function buildUserService(config: UserServiceConfig): Promise<App> {
  const { app } = await buildService({
    name: 'user',
    config,
    uses: { mongo: true },
    openapi: { title: 'Eventify user service', description: 'Profiles, devices and role administration.' },
    async register(ctx) {
      const db = ctx.mongo!.db;
      const profiles = new ProfilesRepository(db, ctx.outbox, ctx.mutex);
      const pushTokens = new PushTokensRepository(db);
      await Promise.all([profiles.ensureIndexes(), pushTokens.ensureIndexes()]);
      const auth = createServiceClient({ service: 'auth', baseUrl: config.AUTH_SERVICE_URL, mtls: ctx.mtls });
      const users = new Users({ profiles, pushTokens, auth });
      registerUserRoutes(ctx.app, users, ctx.guards);
      subscribeUserEvents(ctx.bus, users);
    },
  });
  return app;
}
