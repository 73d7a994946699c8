import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import assert from 'node:assert/strict';
import { SERVICE_NAMES } from '@eventify/contracts';
import { startMailStandin, type MailStandin } from '@eventify/mail-standin';
import { REPO_ROOT, TEST_ADMIN_ENV, freePort, startTestStack, startWebApp, type RunningProcess, type TestStack } from '@eventify/testing';

/** Screenshots of the app go here on every run (the README and docs/mobile.md show them). */
export const SHOTS = resolve(REPO_ROOT, 'docs/app');

export interface AppStack {
  stack: TestStack;
  web: RunningProcess;
  webUrl: string;
  stop(): Promise<void>;
}

/**
 * What `npm start` runs, on free ports with databases of their own: every service, the gateway (allowing the web
 * app's origin), the Stripe and mail stand-ins, and the web build of the app, all reached at localhost.
 */
export async function startAppStack(): Promise<AppStack> {
  const build = spawnSync(process.execPath, [resolve(REPO_ROOT, 'apps/mobile/scripts/build-web.mjs')], { stdio: 'inherit' });
  assert.equal(build.status, 0, 'the web build failed');
  const mail: MailStandin = await startMailStandin({ smtpPort: 0, httpPort: 0 });
  const webPort = await freePort();
  const webUrl = `http://localhost:${webPort}`;
  const stack = await startTestStack({
    services: [...SERVICE_NAMES],
    env: { auth: TEST_ADMIN_ENV, gateway: { CORS_ORIGINS: webUrl }, notification: { SMTP_URL: mail.smtpUrl, EXPO_BASE_URL: mail.httpUrl } },
  });
  const web = await startWebApp({
    port: webPort,
    apiUrl: stack.gatewayUrl.replace('127.0.0.1', 'localhost'),
    stripeApiUrl: `http://localhost:${stack.plan.stripe.port}`,
  });
  return {
    stack,
    web,
    webUrl,
    async stop() {
      await web.stop();
      await stack.stop();
      await mail.close();
    },
  };
}
