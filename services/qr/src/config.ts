import { z } from 'zod';
import { authConfig, baseConfigSchema, httpsUrl, loadConfig, mongoConfig, redisConfig, secret } from '@eventify/kit';

export const qrServiceConfigSchema = baseConfigSchema.extend({
  ...mongoConfig,
  ...redisConfig,
  ...authConfig,
  PORT: z.coerce.number().int().min(0).max(65535).default(3007),
  EVENT_SERVICE_URL: httpsUrl('https://127.0.0.1:3003'),
  /**
   * Secret that signed ticket codes before ET2 (ET1, HMAC-SHA256): tickets issued then are still verified
   * with it. Anyone holding it can mint ET1 tickets: keep it in a secret store, and never change it while such
   * tickets are in use. Also seals the ET2 signing keys when QR_KEY_ENCRYPTION_KEY is not set.
   */
  QR_SIGNING_SECRET: secret(z.string().min(32, 'must be at least 32 characters'), { minLength: 32 }),
  /**
   * Seals the Ed25519 private keys that sign ticket codes (ET2) in the database (AES-256-GCM under a key
   * derived from this). Optional: QR_SIGNING_SECRET serves when unset. Set it before the first start; keys
   * sealed under another one cannot be used, and the service refuses to start.
   */
  QR_KEY_ENCRYPTION_KEY: secret(z.string().min(32, 'must be at least 32 characters').optional(), { minLength: 32 }),
  /** How long an event's organizer and door staff are cached for scans (changes are also pushed by EventStaffChanged). */
  EVENT_ACCESS_CACHE_SECONDS: z.coerce.number().int().min(1).default(30),
  /** Most door admissions written to the database in one insert (group commit; see docs/performance.md#door). */
  CHECKIN_BATCH_MAX: z.coerce.number().int().min(1).max(1000).default(200),
  /** An admission decided in Redis but not written this long after is written by any replica (its writer died). */
  CHECKIN_ORPHAN_AFTER_MS: z.coerce.number().int().min(100).default(5_000),
  /** How long a scan waits for its admission to be written before it answers 503 (the admission stays pending and is written later). */
  CHECKIN_ANSWER_WITHIN_MS: z.coerce.number().int().min(100).default(10_000),
});
export type QrServiceConfig = z.infer<typeof qrServiceConfigSchema>;

export const loadQrConfig = (env: Record<string, string | undefined> = process.env) => loadConfig('qr', qrServiceConfigSchema, env);
