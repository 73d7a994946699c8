import { z } from 'zod';
import { authConfig, baseConfigSchema, loadConfig, mongoConfig, redisConfig } from '@eventify/kit';

export const eventServiceConfigSchema = baseConfigSchema.extend({
  ...mongoConfig,
  ...redisConfig,
  ...authConfig,
  PORT: z.coerce.number().int().min(0).max(65535).default(3003),
});
export type EventServiceConfig = z.infer<typeof eventServiceConfigSchema>;

export const loadEventConfig = (env: Record<string, string | undefined> = process.env) =>
  loadConfig('event', eventServiceConfigSchema, env);
