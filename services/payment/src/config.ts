import { z } from 'zod';
import { authConfig, baseConfigSchema, httpsUrl, loadConfig, postgresConfig, redisConfig, secret } from '@eventify/kit';

export const paymentServiceConfigSchema = baseConfigSchema.extend({
  ...postgresConfig,
  ...redisConfig,
  ...authConfig,
  PORT: z.coerce.number().int().min(0).max(65535).default(3005),
  BOOKING_SERVICE_URL: httpsUrl('https://127.0.0.1:3004'),
  EVENT_SERVICE_URL: httpsUrl('https://127.0.0.1:3003'),
  /** Stripe secret API key (sk_test_… or sk_live_…). */
  STRIPE_SECRET_KEY: secret(z.string().regex(/^(sk|rk)_(test|live)_\S+$/, 'must be a Stripe secret key (sk_test_… or sk_live_…)'), {
    minLength: 24,
  }),
  /** The webhook endpoint's signing secret from the Stripe Dashboard (whsec_…). */
  STRIPE_WEBHOOK_SECRET: secret(z.string().regex(/^whsec_\S{8,}$/, 'must be the endpoint signing secret (whsec_…)'), { minLength: 24 }),
  /** Where the Stripe API is: unset for Stripe itself; the stand-in or stripe-mock in development and tests. */
  STRIPE_API_URL: z.string().url().optional(),
  /** Webhooks signed longer ago than this are refused as stale (Stripe's default tolerance). */
  STRIPE_WEBHOOK_TOLERANCE_SECONDS: z.coerce.number().int().min(1).default(300),
});
export type PaymentServiceConfig = z.infer<typeof paymentServiceConfigSchema>;

export const loadPaymentConfig = (env: Record<string, string | undefined> = process.env) =>
  loadConfig('payment', paymentServiceConfigSchema, env);
