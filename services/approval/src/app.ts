import { buildService, type App } from '@eventify/kit';
import type { ApprovalServiceConfig } from './config.js';
import { ReviewsRepository } from './data/reviews-repository.js';
import { Reviews } from './domain/reviews.js';
import { subscribeSubmissions } from './events/handlers.js';
import { registerApprovalRoutes } from './http/routes.js';

export async function buildApprovalService(config: ApprovalServiceConfig): Promise<App> {
  const { app } = await buildService({
    name: 'approval',
    config,
    uses: { mongo: true },
    openapi: { title: 'Eventify approval service', description: 'The review queue: admins approve or reject submitted events.' },
    async register(ctx) {
      const repository = new ReviewsRepository(ctx.mongo!.db, ctx.outbox, ctx.mutex);
      await repository.ensureIndexes();
      const reviews = new Reviews(repository, ctx.mutex);
      registerApprovalRoutes(ctx.app, reviews, ctx.guards);
      subscribeSubmissions(ctx.bus, reviews);
    },
  });
  return app;
}
