import { z } from 'zod';
import { authConfig, baseConfigSchema, httpsUrl, keyRingSetting, loadConfig, mongoConfig, redisConfig, secret } from '@eventify/kit';

export const notificationServiceConfigSchema = baseConfigSchema.extend({
  ...mongoConfig,
  ...redisConfig,
  ...authConfig,
  PORT: z.coerce.number().int().min(0).max(65535).default(3008),
  /** Contact details (e-mail, Expo push tokens) come from the user service. */
  USER_SERVICE_URL: httpsUrl('https://127.0.0.1:3002'),
  /** Event titles for the messages, when the event payload has none. */
  EVENT_SERVICE_URL: httpsUrl('https://127.0.0.1:3003'),
  /** Who holds tickets for an event (to tell them when its date or place changes). */
  BOOKING_SERVICE_URL: httpsUrl('https://127.0.0.1:3004'),
  /** The mail server, e.g. smtp://user:password@mail.example.com:587 or smtps://… (465). */
  SMTP_URL: secret(z.string().regex(/^smtps?:\/\/\S+$/, 'must be an smtp:// or smtps:// URL'), { url: true }),
  MAIL_FROM: z.string().min(3).default('Eventify <no-reply@eventify.local>'),
  /** Expo's push service; the expo-server-sdk reads this variable (development: the local stand-in). */
  EXPO_BASE_URL: z.string().url().default('https://exp.host'),
  /** Expo access token, when the project has "enhanced push security" on. */
  EXPO_ACCESS_TOKEN: secret(z.string().optional()),
  /** Opens the reset token auth seals into PasswordResetRequested (the auth service's RESET_TOKEN_SEAL_KEY). */
  RESET_TOKEN_SEAL_KEY: secret(keyRingSetting()),
  /** Where the app opens a password reset link; the one-time token is appended as ?token=… */
  PASSWORD_RESET_URL: z.string().min(1).default('eventify://reset-password'),
  /** Attempts per e-mail or push before it counts as failed; waits double from DELIVERY_RETRY_BASE_MS. */
  DELIVERY_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(20).default(4),
  DELIVERY_RETRY_BASE_MS: z.coerce.number().int().min(10).default(2_000),
  /** How often due deliveries (new, to retry, or left by a stopped replica) are looked for. */
  DELIVERY_POLL_MS: z.coerce.number().int().min(50).default(1_000),
  /**
   * News older than this goes to the inbox only, not out by e-mail or push: a service deployed (or back after
   * an outage) reads the streams from their start, and nobody wants a pile of week-old welcome e-mails.
   */
  DELIVERY_MAX_AGE_MINUTES: z.coerce
    .number()
    .positive()
    .default(24 * 60),
  /** Longest one SMTP or push request may take. */
  DELIVERY_TIMEOUT_MS: z.coerce.number().int().min(100).default(10_000),
});
export type NotificationServiceConfig = z.infer<typeof notificationServiceConfigSchema>;

export const loadNotificationConfig = (env: Record<string, string | undefined> = process.env) =>
  loadConfig('notification', notificationServiceConfigSchema, env);
