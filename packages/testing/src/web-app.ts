import { freePort, startProcess, type RunningProcess } from './processes.js';

/** The web build of the app (apps/mobile), served with its runtime configuration: `npm start` and the browser tests. */
export const WEB_APP_ENTRY = 'apps/mobile/scripts/serve-web.mjs';

/** The publishable key the web app uses against the Stripe stand-in (its secret-key counterpart lives in the payment service's dev.env). */
export const DEV_STRIPE_PUBLISHABLE_KEY = 'pk_test_eventify_development';

export interface WebAppSettings {
  /** The gateway as the browser reaches it. */
  apiUrl: string;
  /** Stripe (here the stand-in) as the browser reaches it. */
  stripeApiUrl: string;
  port: number;
  host?: string;
}

export function webAppEnv(settings: WebAppSettings): Record<string, string> {
  return {
    PORT: String(settings.port),
    HOST: settings.host ?? '127.0.0.1',
    EVENTIFY_API_URL: settings.apiUrl,
    EVENTIFY_STRIPE_API_URL: settings.stripeApiUrl,
    EVENTIFY_STRIPE_PUBLISHABLE_KEY: DEV_STRIPE_PUBLISHABLE_KEY,
  };
}

/** Serve the exported web app (build it first: apps/mobile/scripts/build-web.mjs). */
export async function startWebApp(settings: Omit<WebAppSettings, 'port'> & { port?: number }): Promise<RunningProcess> {
  const port = settings.port ?? (await freePort());
  return startProcess({ name: 'web', entry: WEB_APP_ENTRY, port, env: webAppEnv({ ...settings, port }), readyPath: '/config.js' });
}
