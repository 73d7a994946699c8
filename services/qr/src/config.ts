import { z } from 'zod';
import { authConfig, baseConfigSchema, httpsUrl, loadConfig, mongoConfig, redisConfig } from '@eventify/kit';

export const qrServiceConfigSchema = baseConfigSchema.extend({
  ...mongoConfig,
  ...redisConfig,
  ...authConfig,
  PORT: z.coerce.number().int().min(0).max(65535).default(3007),
  EVENT_SERVICE_URL: httpsUrl('https://127.0.0.1:3003'),
  /**
   * Secret that signs ticket QR codes (HMAC-SHA256). Anyone holding it can mint tickets: keep it in a secret
   * store. Changing it invalidates every ticket already issued.
   */
  QR_SIGNING_SECRET: z.string().min(32, 'must be at least 32 characters'),
  /** How long an event's organizer and door staff are cached for scans (changes are also pushed by EventStaffChanged). */
  EVENT_ACCESS_CACHE_SECONDS: z.coerce.number().int().min(1).default(30),
});
export type QrServiceConfig = z.infer<typeof qrServiceConfigSchema>;

export const loadQrConfig = (env: Record<string, string | undefined> = process.env) => loadConfig('qr', qrServiceConfigSchema, env);
