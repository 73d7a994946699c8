import { z } from 'zod';
import { authConfig, baseConfigSchema, httpsUrl, loadConfig, mongoConfig, redisConfig } from '@eventify/kit';

export const bookingServiceConfigSchema = baseConfigSchema.extend({
  ...mongoConfig,
  ...redisConfig,
  ...authConfig,
  PORT: z.coerce.number().int().min(0).max(65535).default(3004),
  EVENT_SERVICE_URL: httpsUrl('https://127.0.0.1:3003'),
  /** How long seats are held for an unpaid booking. */
  HOLD_MINUTES: z.coerce
    .number()
    .positive()
    .max(24 * 60)
    .default(15),
  /** How long a booking request waits for its seats; the event service takes none after this minus 1.5 s. */
  RESERVATION_TIMEOUT_MS: z.coerce.number().int().min(3_000).default(30_000),
  /** A booking still `reserving` after this long was abandoned by a crash: the sweep releases its seats. */
  RESERVING_STUCK_MS: z.coerce.number().int().min(1_000).default(60_000),
  /**
   * For how long a tier the event service called sold out is answered "sold out" from memory (0: never). Seats given
   * back through another replica (or by the reconciler) can be refused for at most this long.
   */
  SOLD_OUT_MEMO_MS: z.coerce.number().int().min(0).max(60_000).default(1_000),
  /** How often expired holds are looked for. */
  SWEEP_INTERVAL_MS: z.coerce.number().int().min(100).default(5_000),
  /** A confirmed booking cancelled by its owner is refunded in full until this many hours before the event starts. */
  REFUND_CUTOFF_HOURS: z.coerce.number().min(0).default(48),
});
export type BookingServiceConfig = z.infer<typeof bookingServiceConfigSchema>;

export const loadBookingConfig = (env: Record<string, string | undefined> = process.env) =>
  loadConfig('booking', bookingServiceConfigSchema, env);
