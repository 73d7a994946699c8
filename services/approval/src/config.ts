import { z } from 'zod';
import { authConfig, baseConfigSchema, loadConfig, mongoConfig, redisConfig } from '@eventify/kit';

export const approvalServiceConfigSchema = baseConfigSchema.extend({
  ...mongoConfig,
  ...redisConfig,
  ...authConfig,
  PORT: z.coerce.number().int().min(0).max(65535).default(3006),
});
export type ApprovalServiceConfig = z.infer<typeof approvalServiceConfigSchema>;

export const loadApprovalConfig = (env: Record<string, string | undefined> = process.env) =>
  loadConfig('approval', approvalServiceConfigSchema, env);
