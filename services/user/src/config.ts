import { z } from 'zod';
import { authConfig, baseConfigSchema, httpsUrl, loadConfig, mongoConfig, redisConfig } from '@eventify/kit';

export const userServiceConfigSchema = baseConfigSchema.extend({
  ...mongoConfig,
  ...redisConfig,
  ...authConfig,
  PORT: z.coerce.number().int().min(0).max(65535).default(3002),
  AUTH_SERVICE_URL: httpsUrl('https://127.0.0.1:3001'),
});
export type UserServiceConfig = z.infer<typeof userServiceConfigSchema>;

export const loadUserConfig = (env: Record<string, string | undefined> = process.env) => loadConfig('user', userServiceConfigSchema, env);
