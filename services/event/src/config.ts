import { z } from 'zod';
import { authConfig, baseConfigSchema, httpsUrl, loadConfig, mongoConfig, redisConfig } from '@eventify/kit';

export const eventServiceConfigSchema = baseConfigSchema.extend({
  ...mongoConfig,
  ...redisConfig,
  ...authConfig,
  PORT: z.coerce.number().int().min(0).max(65535).default(3003),
  BOOKING_SERVICE_URL: httpsUrl('https://127.0.0.1:3004'),
  /** Door staff are named by e-mail: the auth service says whether an account has the address. */
  AUTH_SERVICE_URL: httpsUrl('https://127.0.0.1:3001'),
  /** How often seat holds are checked against the bookings that should hold them. */
  SEAT_RECONCILE_INTERVAL_MS: z.coerce.number().int().min(100).default(60_000),
  /**
   * Holds younger than this are left alone. A booking may be stored until half of it after its seats were taken
   * (`keepUntil`), so keep it at least twice the booking service's RESERVATION_TIMEOUT_MS.
   */
  SEAT_RECONCILE_GRACE_MS: z.coerce.number().int().min(1_000).default(120_000),
});
export type EventServiceConfig = z.infer<typeof eventServiceConfigSchema>;

export const loadEventConfig = (env: Record<string, string | undefined> = process.env) =>
  loadConfig('event', eventServiceConfigSchema, env);
