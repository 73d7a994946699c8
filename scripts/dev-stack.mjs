#!/usr/bin/env node
// Runs the development stack: every service that exists and the gateway, each as its own process with
// its own port, database and environment (as compose does), with prefixed logs. Ctrl-C stops it all.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { get as httpGet } from 'node:http';
import { get as httpsGet } from 'node:https';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { GATEWAY_PORT, SERVICES } from '@eventify/contracts';
import {
  WEB_APP_ENTRY,
  createRedisUsers,
  ensurePki,
  existingServices,
  gatewayEnv,
  infraFromEnv,
  provisionServiceDatabases,
  serviceEnv,
  webAppEnv,
} from '@eventify/testing';

const root = new URL('..', import.meta.url).pathname;
const services = existingServices();
// `REPLICAS=2 npm start` or `npm start -- --replicas 2`: every service as that many processes, replica i on its
// port + 100·i (booking: 3004, 3104, …); the gateway and the services spread their calls over the list.
const { values: args } = parseArgs({ options: { replicas: { type: 'string' } } });
const replicas = Number(args.replicas ?? process.env.REPLICAS ?? 1);
if (!Number.isInteger(replicas) || replicas < 1 || replicas > 9) {
  process.stderr.write(`--replicas / REPLICAS must be a whole number from 1 to 9, not "${args.replicas ?? process.env.REPLICAS}"\n`);
  process.exit(2);
}
const ports = { gateway: Number(process.env.GATEWAY_PORT ?? GATEWAY_PORT) };
const replicaPorts = {};
for (const descriptor of Object.values(SERVICES)) {
  ports[descriptor.name] = descriptor.port;
  replicaPorts[descriptor.name] = Array.from({ length: replicas }, (_, i) => descriptor.port + 100 * i);
}
// The development CA and one certificate per process, in ~/.cache/eventify/pki: made on the first start, reused,
// renewed when close to expiry (checked again every hour; the processes pick renewals up without a restart).
const pki = await ensurePki();
setInterval(
  () => void ensurePki().catch((error) => process.stderr.write(`certificate renewal failed: ${error.message}\n`)),
  3_600_000,
).unref();
const plan = {
  runId: '',
  infra: infraFromEnv(),
  ports,
  pki: pki.dir,
  namespace: process.env.REDIS_NAMESPACE ?? 'eventify-dev',
  stripe: {
    port: Number(process.env.STRIPE_STANDIN_PORT ?? 12180),
    webhookSecret: process.env.STRIPE_WEBHOOK_SECRET ?? 'whsec_eventify_development_only',
  },
  replicaPorts,
};
// The payment service logs in as its own role, owner of payment_db only (made here with the administrator's URL).
await provisionServiceDatabases(plan, services);
// Each process connects to Redis as its own ACL user (new random passwords on every start), limited to its own
// keys and streams as in production; made with the server's admin connection (REDIS_URL, the default user).
plan.redisUrls = await createRedisUsers(plan.infra.redis, plan.namespace);
const colors = [31, 32, 33, 34, 35, 36, 91, 92, 93, 94];
const children = new Map();
let stopping = false;

function run(name, entry, env, color) {
  const script = resolve(root, entry);
  if (!existsSync(script)) throw new Error(`${entry} is missing: run "npx tsc -b" first`);
  const child = spawn(process.execPath, ['--enable-source-maps', script], {
    cwd: root,
    env: { ...process.env, NODE_ENV: 'development', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const prefix = `\x1b[${color}m${name.padEnd(12)}\x1b[0m| `;
  const pipe = (stream, out) => {
    let buffered = '';
    stream.on('data', (chunk) => {
      buffered += chunk.toString();
      const lines = buffered.split('\n');
      buffered = lines.pop();
      for (const line of lines) out.write(prefix + line + '\n');
    });
  };
  pipe(child.stdout, process.stdout);
  pipe(child.stderr, process.stderr);
  child.on('exit', (code, signal) => {
    children.delete(name);
    if (!stopping) process.stderr.write(`${prefix}exited (${signal ?? code}); the rest keeps running\n`);
    if (stopping && children.size === 0) process.exit(0);
  });
  children.set(name, child);
}

async function waitReady(url, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    // Ask the gateway's plain-HTTP-or-TLS listener without trusting a development certificate's issuer.
    const status = await new Promise((resolve) => {
      const get = url.startsWith('https') ? httpsGet : httpGet;
      const request = get(url, { rejectUnauthorized: false, timeout: 2_000 }, (response) => {
        response.resume();
        resolve(response.statusCode);
      });
      request.on('error', () => resolve(0));
      request.on('timeout', () => request.destroy());
    });
    if (status === 200) return true;
    await new Promise((r) => setTimeout(r, 250));
  }
  return false;
}

function stop() {
  if (stopping) return;
  stopping = true;
  process.stderr.write('\nstopping…\n');
  for (const child of children.values()) child.kill('SIGTERM');
  setTimeout(() => {
    for (const child of children.values()) child.kill('SIGKILL');
    process.exit(0);
  }, 8_000).unref();
  if (children.size === 0) process.exit(0);
}
process.on('SIGINT', stop);
process.on('SIGTERM', stop);

// The local mail server and Expo push API (tools/mail-standin) the notification service sends to.
const mailStandin = { smtp: Number(process.env.MAIL_STANDIN_SMTP_PORT ?? 2525), http: Number(process.env.MAIL_STANDIN_HTTP_PORT ?? 12190) };
// The web build of the app (apps/mobile), served beside the gateway; it calls the gateway from the browser.
const web = { port: Number(process.env.WEB_PORT ?? 8088), host: process.env.WEB_HOST ?? '127.0.0.1' };
const webOrigins = [`http://localhost:${web.port}`, `http://127.0.0.1:${web.port}`];
const extraEnv = {
  notification: {
    SMTP_URL: `smtp://127.0.0.1:${mailStandin.smtp}`,
    EXPO_BASE_URL: `http://127.0.0.1:${mailStandin.http}`,
    PASSWORD_RESET_URL: process.env.PASSWORD_RESET_URL ?? `http://localhost:${web.port}/reset-password`,
  },
};

const started = Date.now();
services.forEach((name, i) => {
  for (let replica = 0; replica < replicas; replica++) {
    const label = replicas === 1 ? name : `${name}#${replica + 1}`;
    run(label, `services/${name}/dist/main.js`, { ...serviceEnv(name, plan, replica), ...extraEnv[name] }, colors[i % colors.length]);
  }
});
const tls =
  process.env.GATEWAY_TLS_CERT_FILE && process.env.GATEWAY_TLS_KEY_FILE
    ? { TLS_CERT_FILE: process.env.GATEWAY_TLS_CERT_FILE, TLS_KEY_FILE: process.env.GATEWAY_TLS_KEY_FILE }
    : {};
run(
  'gateway',
  'gateway/dist/main.js',
  {
    HOST: process.env.GATEWAY_HOST ?? '127.0.0.1',
    CORS_ORIGINS: process.env.CORS_ORIGINS ?? webOrigins.join(','),
    // One process: on a machine shared with every service, a second gateway process costs more than it gives.
    GATEWAY_WORKERS: process.env.GATEWAY_WORKERS ?? '1',
    ...gatewayEnv(plan, services),
    ...tls,
  },
  97,
);

const gatewayUrl = `${tls.TLS_CERT_FILE ? 'https' : 'http'}://localhost:${ports.gateway}`;
const webUrl = `http://localhost:${web.port}`;
if (existsSync(resolve(root, 'apps/mobile/dist/index.html'))) {
  run(
    'web',
    WEB_APP_ENTRY,
    webAppEnv({ port: web.port, host: web.host, apiUrl: gatewayUrl, stripeApiUrl: `http://localhost:${plan.stripe.port}` }),
    96,
  );
}
if (services.includes('payment')) {
  // The local Stripe: PaymentIntents, confirm, refunds, and signed webhooks to the gateway, as Stripe would send them.
  run(
    'stripe',
    'tools/stripe-standin/dist/main.js',
    {
      PORT: String(plan.stripe.port),
      STRIPE_WEBHOOK_SECRET: plan.stripe.webhookSecret,
      STRIPE_WEBHOOK_URL: `http://127.0.0.1:${ports.gateway}/payments/webhooks/stripe`,
    },
    90,
  );
}
if (services.includes('notification')) {
  // Mails and pushes land here: see them with curl http://127.0.0.1:12190/messages (and /pushes).
  run(
    'mail',
    'tools/mail-standin/dist/main.js',
    { MAIL_STANDIN_SMTP_PORT: String(mailStandin.smtp), MAIL_STANDIN_HTTP_PORT: String(mailStandin.http) },
    90,
  );
}
// The gateway's ops listener (127.0.0.1 only) says when every service behind it is ready; its public /readyz is
// about the gateway itself.
const opsUrl = `http://127.0.0.1:${process.env.OPS_PORT ?? 9080}`;
const ready = await waitReady(`${opsUrl}/readyz/services`, 120_000);
if (stopping) process.exit(0);
const seconds = ((Date.now() - started) / 1000).toFixed(1);
if (ready) {
  process.stderr.write(
    `\n  Eventify is up in ${seconds}s: ${services.length} service(s) [${services.join(', ')}]${replicas > 1 ? `, ${replicas} replicas each,` : ''} behind the gateway.\n` +
      `  Gateway  ${gatewayUrl}\n  Ready    ${gatewayUrl}/readyz\n  API docs ${gatewayUrl}/docs\n` +
      `  Ops      ${opsUrl}/metrics, ${opsUrl}/readyz/services (this machine only)\n` +
      (children.has('web') ? `  Web app  ${webUrl}  (phones: see "The app" in README.md)\n` : '') +
      `  Ctrl-C stops everything.\n\n`,
  );
} else {
  process.stderr.write(`\n  Not every service became ready within 120 s; see ${opsUrl}/readyz/services and the logs above.\n\n`);
}
