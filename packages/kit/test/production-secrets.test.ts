import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { it } from 'node:test';

/**
 * The real entry points, started as production starts them: a placeholder secret stops the process before it
 * touches anything, with a non-zero exit and a message that names the setting but not the value.
 */
const root = new URL('../../..', import.meta.url).pathname;
const common = {
  NODE_ENV: 'production',
  PORT: '0',
  MTLS_DIR: '/nonexistent',
  REDIS_URL: 'redis://127.0.0.1:1',
  MONGO_URL: 'mongodb://127.0.0.1:1/x_db',
  PATH: process.env.PATH ?? '',
};

function start(entry: string, env: Record<string, string>): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(root, entry)], { env: { ...common, ...env }, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${entry} did not exit on its own: ${stderr}`));
    }, 90_000); // loading a service on a busy two-core machine takes seconds
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stderr });
    });
  });
}

/** Auth's key rings, real-looking (random), so a case fails only on the setting it is about. */
const authKeys = {
  AUTH_KEY_ENCRYPTION_KEY: 'Rrz8efXGb15zKC79m3urHbXpwGKzx6kb1kUoxWql2ds=',
  RESET_TOKEN_SEAL_KEY: 'zdunyeuoZimTQRmebVL+Xf4Kqk/2NB2X6A0I+vKmWCE=',
};

const cases: { entry: string; env: Record<string, string>; setting: string; value: string }[] = [
  {
    entry: 'services/payment/dist/main.js',
    env: {
      DATABASE_URL: 'postgres://payment:Vq83mZt0Lr5xWk2pNc7y@127.0.0.1:1/payment_db',
      STRIPE_SECRET_KEY: 'sk_live_5f0c3b8a9d2e4f1a7c6b0d9e8f7a',
    },
    setting: 'STRIPE_WEBHOOK_SECRET',
    value: 'whsec_change_me_compose_webhook_secret', // .env.example's
  },
  {
    entry: 'services/auth/dist/main.js',
    env: { ...authKeys, EVENTIFY_ADMIN_EMAIL: 'root@eventify.local' },
    setting: 'EVENTIFY_ADMIN_PASSWORD',
    value: 'change-me-dev-admin-password', // services/auth/dev.env's
  },
  {
    entry: 'services/auth/dist/main.js',
    env: { ...authKeys, EVENTIFY_ADMIN_EMAIL: 'root@eventify.local', EVENTIFY_ADMIN_PASSWORD: 'Vq83mZt0Lr5xWk2pNc7y-root' },
    setting: 'AUTH_KEY_ENCRYPTION_KEY',
    value: 'ZGV2LW9ubHktYXV0aC1rZXktZW5jcnlwdGlvbi1rZXk=', // services/auth/dev.env's: base64 of "dev-only-…"
  },
  {
    entry: 'services/qr/dist/main.js',
    env: {},
    setting: 'QR_SIGNING_SECRET',
    value: 'dev-only-qr-signing-secret-change-me-0123456789',
  },
  {
    entry: 'services/payment/dist/main.js',
    env: { STRIPE_SECRET_KEY: 'sk_live_5f0c3b8a9d2e4f1a7c6b0d9e8f7a', STRIPE_WEBHOOK_SECRET: 'whsec_9a8b7c6d5e4f3a2b1c0d9e8f' },
    setting: 'DATABASE_URL',
    value: 'postgres://payment:change-me-payment-db-password@127.0.0.1:1/payment_db',
  },
  { entry: 'gateway/dist/main.js', env: {}, setting: 'REDIS_URL', value: 'redis://gateway:Tq4v9@127.0.0.1:1' },
];

for (const { entry, env, setting, value } of cases) {
  it(`${entry} refuses to start in production with a placeholder ${setting}`, async () => {
    const { code, stderr } = await start(entry, { ...env, [setting]: value });
    assert.notEqual(code, 0, stderr);
    assert.match(stderr, new RegExp(`${setting}: `), stderr);
    const password = value.includes('://') ? new URL(value).password : value;
    assert.ok(!stderr.includes(password), `the value is in the output: ${stderr}`);
  });
}

it("the first admin's password follows the registration rule in every environment", async () => {
  const { code, stderr } = await start('services/auth/dist/main.js', {
    ...authKeys,
    NODE_ENV: 'development',
    EVENTIFY_ADMIN_EMAIL: 'root@eventify.local',
    EVENTIFY_ADMIN_PASSWORD: 'password123',
  });
  assert.notEqual(code, 0);
  assert.match(stderr, /EVENTIFY_ADMIN_PASSWORD: the first admin's password is a well-known password/);
});
