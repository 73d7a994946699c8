import { z } from 'zod';
import { authConfig, baseConfigSchema, keyRingSetting, loadConfig, mongoConfig, redisConfig, secret } from '@eventify/kit';
import { passwordWeakness } from './domain/passwords.js';

export const authServiceConfigSchema = baseConfigSchema.extend({
  ...mongoConfig,
  ...redisConfig,
  ...authConfig,
  PORT: z.coerce.number().int().min(0).max(65535).default(3001),
  ACCESS_TOKEN_TTL_SECONDS: z.coerce.number().int().min(30).max(86_400).default(900),
  REFRESH_TOKEN_TTL_SECONDS: z.coerce
    .number()
    .int()
    .min(60)
    .default(30 * 86_400),
  PASSWORD_RESET_TTL_SECONDS: z.coerce.number().int().min(60).default(1_800),
  /** Private Ed25519 JWKs (JSON array, each with kid); the first signs, all verify. Unset: keys live in MongoDB. */
  JWT_PRIVATE_JWKS: secret(z.string().optional(), { minLength: 64 }),
  EVENTIFY_ADMIN_EMAIL: z.string().email().optional(),
  /** The first admin's password: the same rule as anyone's at registration (and no development value in production). */
  EVENTIFY_ADMIN_PASSWORD: secret(z.string().optional(), {
    minLength: 10,
    check: (password, config) => {
      const weakness = passwordWeakness(password, { email: config.EVENTIFY_ADMIN_EMAIL as string | undefined });
      return weakness && `the first admin's password ${weakness}`;
    },
  }),
  /**
   * Encrypts the private signing keys stored in MongoDB (AES-256-GCM): base64 32-byte keys, comma separated,
   * newest first (the first encrypts, any decrypts; keys sealed with an older one are re-sealed at start).
   */
  AUTH_KEY_ENCRYPTION_KEY: secret(keyRingSetting()),
  /** Seals the reset token in PasswordResetRequested for the notification service (the same value there). */
  RESET_TOKEN_SEAL_KEY: secret(keyRingSetting()),
  /** Failed sign-ins an account takes (from any address) before each further attempt must wait. */
  LOGIN_FREE_FAILURES_PER_ACCOUNT: z.coerce.number().int().positive().default(5),
  /** The first wait; each further failure doubles it, up to LOGIN_MAX_DELAY_SECONDS (see login-delay.ts). */
  LOGIN_BASE_DELAY_SECONDS: z.coerce.number().int().positive().default(1),
  LOGIN_MAX_DELAY_SECONDS: z.coerce.number().int().positive().default(60),
  LOGIN_MAX_FAILURES_PER_IP: z.coerce.number().int().positive().default(20),
  /** How long failures are remembered (per address: the window of the limit; per account: since the last one). */
  LOGIN_FAILURE_WINDOW_SECONDS: z.coerce.number().int().positive().default(900),
  /** The web app's refresh cookie is Secure (sent over HTTPS only; browsers also allow it on http://localhost). */
  REFRESH_COOKIE_SECURE: z
    .enum(['true', 'false'])
    .default('true')
    .transform((v) => v === 'true'),
});
export type AuthServiceConfig = z.infer<typeof authServiceConfigSchema>;

export const loadAuthConfig = (env: Record<string, string | undefined> = process.env) => loadConfig('auth', authServiceConfigSchema, env);
