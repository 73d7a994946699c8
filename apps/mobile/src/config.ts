/**
 * Where the app finds the API and Stripe. Native builds take them from EXPO_PUBLIC_* variables at build time
 * (eas.json per profile); the web build can also be configured by whoever serves it, without rebuilding, through
 * `window.__EVENTIFY_CONFIG__` (set by /config.js, which scripts/serve-web.mjs writes from its environment).
 */
export interface AppConfig {
  /** The gateway: every API call goes there. */
  apiUrl: string;
  /** Stripe's API for confirming payments from the browser; a local Stripe stand-in in development. */
  stripeApiUrl: string;
  stripePublishableKey: string;
  /** Shown by Apple Pay / Google Pay and the payment sheet. */
  merchantName: string;
}

declare global {
  var __EVENTIFY_CONFIG__: Partial<AppConfig> | undefined;
}

const trimSlash = (url: string) => url.replace(/\/+$/, '');

function readConfig(): AppConfig {
  const served = globalThis.__EVENTIFY_CONFIG__ ?? {};
  return {
    apiUrl: trimSlash(served.apiUrl ?? process.env.EXPO_PUBLIC_API_URL ?? 'http://localhost:8080'),
    stripeApiUrl: trimSlash(served.stripeApiUrl ?? process.env.EXPO_PUBLIC_STRIPE_API_URL ?? 'https://api.stripe.com'),
    stripePublishableKey: served.stripePublishableKey ?? process.env.EXPO_PUBLIC_STRIPE_PUBLISHABLE_KEY ?? 'pk_test_eventify_development',
    merchantName: served.merchantName ?? 'Eventify',
  };
}

export const config: AppConfig = readConfig();
