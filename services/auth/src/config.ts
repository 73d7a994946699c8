import { z } from 'zod';
import { authConfig, baseConfigSchema, loadConfig, mongoConfig, redisConfig } from '@eventify/kit';

const flag = z.enum(['true', 'false']).default('false').transform((v) => v === 'true');

export const authServiceConfigSchema = baseConfigSchema.extend({
  ...mongoConfig,
  ...redisConfig,
  ...authConfig,
  PORT: z.coerce.number().int().min(0).max(65535).default(3001),
  ACCESS_TOKEN_TTL_SECONDS: z.coerce.number().int().min(30).max(86_400).default(900),
  REFRESH_TOKEN_TTL_SECONDS: z.coerce.number().int().min(60).default(30 * 86_400),
  PASSWORD_RESET_TTL_SECONDS: z.coerce.number().int().min(60).default(1_800),
  /** Private Ed25519 JWKs (JSON array, each with kid); the first signs, all verify. Unset: keys live in MongoDB. */
  JWT_PRIVATE_JWKS: z.string().optional(),
  EVENTIFY_ADMIN_EMAIL: z.string().email().optional(),
  EVENTIFY_ADMIN_PASSWORD: z.string().min(10).optional(),
  /** Trust x-forwarded-for from the gateway for the client address (login throttling). */
  TRUST_PROXY: flag,
  LOGIN_MAX_FAILURES_PER_ACCOUNT: z.coerce.number().int().positive().default(5),
  LOGIN_MAX_FAILURES_PER_IP: z.coerce.number().int().positive().default(20),
  LOGIN_FAILURE_WINDOW_SECONDS: z.coerce.number().int().positive().default(900),
  /** The web app's refresh cookie is Secure (sent over HTTPS only; browsers also allow it on http://localhost). */
  REFRESH_COOKIE_SECURE: z.enum(['true', 'false']).default('true').transform((v) => v === 'true'),
});
export type AuthServiceConfig = z.infer<typeof authServiceConfigSchema>;

export const loadAuthConfig = (env: Record<string, string | undefined> = process.env) =>
  loadConfig('auth', authServiceConfigSchema, env);
