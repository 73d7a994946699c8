#!/usr/bin/env node
// `npm run test:containers`: one container per deployable, built and run with podman on this machine.
//
//  1. Static checks: the one Dockerfile follows the pattern (overridable BASE, shared dependency and compile
//     stages, APP after them, non-root user, HEALTHCHECK, `node` as the command; deploy/dockerfile-checks.mjs)
//     and lints clean (dockerfile-utils), and no deployable has a Dockerfile of its own; docker-compose.yml is
//     valid (docker-compose v1 `config`, offline) and has what the stack needs; .env.example documents every
//     setting compose reads.
//  2. Builds every image from (a snapshot of) the repository root with podman on a base made from this
//     machine's node (scripts/podman.sh), --build-arg APP=<its folder>, and checks its size, user, health check
//     and command.
//  3. Runs the gateway, the services and the stand-ins in tools/ as containers (host network, free ports, only
//     127.0.0.1) against this machine's PostgreSQL, Redis and FerretDB, with databases of their own for this
//     run, and each service and the gateway with its own certificate of an internal CA mounted read-only (every
//     hop between them is mutual TLS); checks each container's health check and uid, that a service answers
//     no plain HTTP, and through the gateway that the stack is ready, that a user can register and log in, and
//     that with the user service stopped the gateway answers 503 problem+json for its routes.
//  4. Stops every container with SIGTERM and checks each exits 0 within 2 s; removes everything it created
//     (containers, databases, Redis keys), also when a step fails. Built images stay as a cache.
//
// Prints image sizes, the time from `podman run` to ready, stop times and durations, then "N passed, N failed".
// Settings: IMAGE_SIZE_BUDGET_MB (165), STOP_BUDGET_MS (2000), READY_TIMEOUT_MS (90000), and MONGO_URL,
// DATABASE_URL, REDIS_URL to use other servers than the ones on 127.0.0.1.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createWriteStream, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { get as httpsGet } from 'node:https';
import { createServer } from 'node:net';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const CACHE = process.env.EVENTIFY_CACHE ?? join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'eventify');
const LOGS = join(CACHE, 'logs', 'containers');
const BASE_IMAGE = process.env.NODE_BASE_IMAGE ?? 'localhost/node-base:20';
const IMAGE_PREFIX = 'localhost/eventify-ctest';
const SIZE_BUDGET_MB = Number(process.env.IMAGE_SIZE_BUDGET_MB ?? 165);
const STOP_BUDGET_MS = Number(process.env.STOP_BUDGET_MS ?? 2000);
const READY_TIMEOUT_MS = Number(process.env.READY_TIMEOUT_MS ?? 90_000);
// Services run as two containers each in the stack (and in docker-compose.yml): the balancing and failover are exercised.
const REPLICATED = ['booking', 'event', 'qr'];
const RUN_ID = randomBytes(4).toString('hex');
const LABEL = 'eventify.ctest';

const t0 = performance.now();
const seconds = (ms) => `${(ms / 1000).toFixed(1)} s`;
const elapsed = (from) => performance.now() - from;
const log = (message) => console.log(`[containers ${seconds(elapsed(t0)).padStart(7)}] ${message}`);

// ---------------------------------------------------------------------------------------------- results
const results = [];
function check(name, ok, detail = '') {
  results.push({ name, ok: Boolean(ok), detail });
  console.log(`  ${ok ? 'ok  ' : 'FAIL'} ${name}${detail ? ` — ${detail}` : ''}`);
  return Boolean(ok);
}
/** A check the next steps depend on: stop here when it fails. */
function require_(name, ok, detail = '') {
  if (!check(name, ok, detail)) throw new Error(`${name}${detail ? `: ${detail}` : ''}`);
}

// ---------------------------------------------------------------------------------------------- processes
/** Run a command; resolves with its exit code and output (never rejects on a non-zero exit). */
function run(command, args, { env, cwd = ROOT, logFile, inherit = false } = {}) {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(command, args, {
      cwd,
      env: { ...process.env, ...env },
      stdio: inherit ? ['ignore', 'inherit', 'inherit'] : ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    // The log file gets each line with the seconds since the command started (where a build spends its time).
    const sink = logFile ? createWriteStream(logFile) : undefined;
    const started = performance.now();
    const stamp = (chunk) => String(chunk).replace(/^(?=.)/gm, () => `[${(elapsed(started) / 1000).toFixed(1).padStart(6)}s] `);
    child.stdout?.on('data', (chunk) => {
      stdout += chunk;
      sink?.write(stamp(chunk));
    });
    child.stderr?.on('data', (chunk) => {
      stderr += chunk;
      sink?.write(stamp(chunk));
    });
    child.on('error', reject);
    child.on('close', (code, signal) => {
      sink?.end();
      resolvePromise({ code: code ?? (signal ? 128 : 1), stdout, stderr });
    });
  });
}

async function podman(...args) {
  const result = await run('podman', args);
  if (result.code !== 0) throw new Error(`podman ${args.slice(0, 3).join(' ')} … failed (${result.code}): ${result.stderr.trim()}`);
  return result.stdout.trim();
}

function freePort() {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolvePort(port));
    });
  });
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function http(method, url, { body, token } = {}) {
  const headers = {};
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (token) headers.authorization = `Bearer ${token}`;
  const response = await fetch(url, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(10_000),
  });
  const text = await response.text();
  let json;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  return { status: response.status, type: response.headers.get('content-type') ?? '', json, text };
}

// ---------------------------------------------------------------------------------------------- set-up
async function prepareMachine() {
  log('databases and npm dependencies (scripts/infra.sh)');
  const infra = await run(
    'bash',
    ['-c', '. scripts/infra.sh && ensure_node_modules "$PWD" && ensure_postgres && ensure_redis && ensure_ferretdb'],
    { inherit: true },
  );
  if (infra.code !== 0) throw new Error('scripts/infra.sh failed');
  log('podman, its configuration and the local base image (scripts/podman.sh)');
  const prepared = await run('bash', ['scripts/podman.sh'], { inherit: false });
  process.stderr.write(prepared.stderr);
  if (prepared.code !== 0) throw new Error(`scripts/podman.sh failed (${prepared.code})`);
  for (const name of ['CONTAINERS_CONF', 'CONTAINERS_STORAGE_CONF']) {
    const match = new RegExp(`${name}=(\\S+)`).exec(prepared.stdout);
    if (!match) throw new Error(`scripts/podman.sh did not print ${name}`);
    process.env[name] = match[1];
  }
  // The service catalogue and the PKI helper, compiled (a no-op when they are up to date).
  const built = await run('npx', ['tsc', '-b', 'packages/contracts', 'packages/testing']);
  if (built.code !== 0) throw new Error(`tsc -b packages/contracts packages/testing failed:\n${built.stdout}${built.stderr}`);
}

/** Every deployable in this checkout: the gateway, each service with a main entry point, the stand-ins in tools/. */
function deployables(SERVICE_NAMES, SERVICES) {
  const list = [{ name: 'gateway', dir: 'gateway', image: 'gateway', compose: 'gateway' }];
  for (const name of SERVICE_NAMES) {
    if (!existsSync(join(ROOT, 'services', name, 'src', 'main.ts'))) continue;
    list.push({ name, dir: `services/${name}`, image: `${name}-service`, compose: `${name}-service`, service: SERVICES[name] });
  }
  for (const name of readdirSync(join(ROOT, 'tools')).sort()) {
    if (!existsSync(join(ROOT, 'tools', name, 'src', 'main.ts'))) continue;
    list.push({ name, dir: `tools/${name}`, image: name, compose: name, tool: true });
  }
  return list;
}

// ---------------------------------------------------------------------------------------------- static checks
async function checkDockerfiles(apps, lintDockerfile) {
  log('Dockerfile: pattern and dockerfile-utils lint');
  check(
    '.dockerignore keeps node_modules and dist out of the context',
    /node_modules/.test(read('.dockerignore')) && /dist/.test(read('.dockerignore')),
  );
  // One Dockerfile for every deployable (APP names it): no deployable keeps one of its own.
  require_('Dockerfile exists at the repository root', existsSync(join(ROOT, 'Dockerfile')));
  for (const app of apps) check(`${app.dir} has no Dockerfile of its own`, !existsSync(join(ROOT, app.dir, 'Dockerfile')));
  const { dockerfileChecks } = await import(join(ROOT, 'deploy/dockerfile-checks.mjs'));
  for (const { name, ok, detail } of dockerfileChecks(read('Dockerfile'), lintDockerfile)) check(`Dockerfile: ${name}`, ok, detail);
}

async function checkCompose(apps, YAML) {
  log('docker-compose.yml: docker-compose config (offline schema check) and the stack it describes');
  const args = ['--env-file', '.env.example', '-f', 'docker-compose.yml', 'config'];
  const quiet = await run('docker-compose', [...args, '-q']);
  require_('docker-compose config -q accepts docker-compose.yml with .env.example', quiet.code === 0, quiet.stderr.trim());
  const resolved = await run('docker-compose', args);
  const compose = YAML.parse(resolved.stdout);
  // Services behind a profile are optional development tools (Jaeger with `--profile tracing`): not part of the stack.
  const all = compose.services ?? {};
  const optional = Object.entries(all).filter(([, service]) => (service.profiles ?? []).length > 0);
  const services = Object.fromEntries(Object.entries(all).filter(([, service]) => (service.profiles ?? []).length === 0));
  for (const [name, service] of optional) {
    const ports = service.ports ?? [];
    check(
      `compose: optional ${name} publishes on loopback only`,
      ports.every((p) => (typeof p === 'string' ? p.startsWith('127.0.0.1:') : p.host_ip === '127.0.0.1')),
      JSON.stringify(ports),
    );
  }
  const expected = [...apps.map((a) => a.compose), 'mongo', 'postgres', 'redis'];
  check(
    'compose has exactly the deployables of this checkout and the databases',
    sameSet(Object.keys(services), expected),
    `has ${Object.keys(services).sort().join(', ')}; expected ${expected.sort().join(', ')}`,
  );
  check('compose: backend network is internal', compose.networks?.backend?.internal === true);
  for (const app of apps) {
    const build = services[app.compose]?.build ?? {};
    check(
      `compose: ${app.compose} is built from the Dockerfile with APP=${app.dir}`,
      /(^|\/)Dockerfile$/.test(build.dockerfile ?? '') && build.args?.APP === app.dir,
      JSON.stringify(build),
    );
  }
  for (const [name, service] of Object.entries(services)) {
    const ports = service.ports ?? [];
    if (name === 'gateway') {
      check('compose: gateway publishes 8080', ports.length === 1 && String(ports[0].target ?? ports[0]).includes('8080'));
    } else {
      check(`compose: ${name} publishes no port`, ports.length === 0);
    }
    check(`compose: ${name} is on the backend network`, Object.keys(service.networks ?? {}).includes('backend'));
    if (!['mongo', 'postgres', 'redis'].includes(name)) {
      check(
        `compose: ${name} runs with a read-only file system and no capabilities`,
        service.read_only === true && (service.cap_drop ?? []).includes('ALL'),
      );
    }
    const conditions = Object.values(service.depends_on ?? {}).map((d) => d.condition);
    check(
      `compose: ${name} starts after its dependencies are healthy`,
      conditions.every((c) => c === 'service_healthy'),
    );
  }
  for (const db of ['mongo', 'postgres', 'redis']) {
    const service = services[db] ?? {};
    const volumes = (service.volumes ?? []).map((v) => (typeof v === 'string' ? v.split(':')[0] : v.source));
    check(
      `compose: ${db} has a health check and a named volume`,
      Boolean(service.healthcheck?.test) && volumes.some((v) => compose.volumes?.[v] !== undefined),
    );
  }
  for (const app of apps.filter((a) => a.service)) {
    const env = services[app.compose]?.environment ?? {};
    const { name, databases } = app.service;
    // Its own database, as its own user (deploy/compose/mongo-init.js, postgres-init.sh): never the superuser.
    const ownUser = (url, scheme, host) => {
      const parsed = url ? new URL(url) : undefined;
      return (
        parsed?.protocol === scheme &&
        parsed.host === host &&
        parsed.pathname === `/${name}_db` &&
        parsed.username === name &&
        parsed.password !== ''
      );
    };
    const masked = (url) => url?.replace(/:[^:@/]+@/, ':***@');
    if (databases.includes('mongo'))
      check(
        `compose: ${app.compose} has its own MongoDB database and user`,
        ownUser(env.MONGO_URL, 'mongodb:', 'mongo:27017'),
        masked(env.MONGO_URL),
      );
    if (databases.includes('postgres'))
      check(
        `compose: ${app.compose} has its own PostgreSQL database and role`,
        ownUser(env.DATABASE_URL, 'postgres:', 'postgres:5432'),
        masked(env.DATABASE_URL),
      );
    const gatewayEnv = services.gateway?.environment ?? {};
    check(
      `compose: gateway routes to ${app.compose} over TLS`,
      gatewayEnv[`${name.toUpperCase()}_SERVICE_URL`] === `https://${app.compose}:${app.service.port}`,
    );
    check(`compose: ${app.compose} listens on its catalogue port`, env.PORT === String(app.service.port));
  }
  for (const app of apps.filter((a) => !a.tool)) {
    const service = services[app.compose] ?? {};
    const mounts = (service.volumes ?? []).filter((v) => typeof v === 'object' && v.target === '/etc/eventify/mtls');
    check(
      `compose: ${app.compose} gets its own certificate, read-only, as MTLS_DIR`,
      mounts.length === 1 &&
        mounts[0].read_only === true &&
        mounts[0].source.endsWith(`/${app.name}`) &&
        service.environment?.MTLS_DIR === '/etc/eventify/mtls',
      JSON.stringify(mounts),
    );
  }
  const raw = read('docker-compose.yml');
  const referenced = new Set([...raw.matchAll(/\$\{([A-Z0-9_]+)/g)].map((m) => m[1]));
  const documented = new Set([...read('.env.example').matchAll(/^([A-Z0-9_]+)=/gm)].map((m) => m[1]));
  const undocumented = [...referenced].filter((v) => !documented.has(v));
  const unused = [...documented].filter((v) => !referenced.has(v) && v !== 'COMPOSE_PROJECT_NAME');
  check('.env.example documents every setting docker-compose.yml reads', undocumented.length === 0, undocumented.join(', '));
  check('.env.example has no setting docker-compose.yml ignores', unused.length === 0, unused.join(', '));
}

// ---------------------------------------------------------------------------------------------- images
/**
 * A copy of the working tree (tracked and untracked files git does not ignore, uncommitted changes included) to
 * build every image from: all images then come from the same sources even while files are being edited, and
 * the layers every image shares (dependencies, compiled projects) are built once.
 */
async function snapshotContext() {
  const dir = join(CACHE, 'podman', 'context');
  const listed = await run('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard']);
  if (listed.code !== 0) {
    log(`not a git checkout (${listed.stderr.trim()}): building from ${ROOT} itself`);
    return ROOT;
  }
  const files = listed.stdout.split('\0').filter((f) => f && existsSync(join(ROOT, f)));
  const list = join(CACHE, 'podman', 'context-files');
  writeFileSync(list, files.join('\0'));
  const copied = await run('bash', ['-c', 'rm -rf "$1" && mkdir -p "$1" && tar --null -T "$2" -cf - | tar -xf - -C "$1"', '-', dir, list]);
  if (copied.code !== 0) throw new Error(`copying the build context failed: ${copied.stderr}`);
  return dir;
}

async function buildImages(apps) {
  mkdirSync(LOGS, { recursive: true });
  const context = await snapshotContext();
  log(`building ${apps.length} images with podman (FROM ${BASE_IMAGE}; logs in ${LOGS})`);
  for (const app of apps) {
    app.tag = `${IMAGE_PREFIX}/${app.image}:latest`;
    const started = performance.now();
    const logFile = join(LOGS, `build-${app.name}.log`);
    const build = await run(
      'podman',
      [
        'build',
        '--pull=never',
        '--format',
        'docker',
        '--build-arg',
        `BASE=${BASE_IMAGE}`,
        '--build-arg',
        `APP=${app.dir}`,
        '-f',
        join(context, 'Dockerfile'),
        '-t',
        app.tag,
        context,
      ],
      { logFile },
    );
    app.buildMs = elapsed(started);
    if (build.code !== 0) console.log((build.stdout + build.stderr).split('\n').slice(-30).join('\n'));
    require_(`image ${app.image} builds`, build.code === 0, `${seconds(app.buildMs)}; log ${logFile}`);
    const [size, user, cmd, health] = (
      await podman('image', 'inspect', '--format', '{{.Size}}|{{.Config.User}}|{{json .Config.Cmd}}|{{json .Config.Healthcheck}}', app.tag)
    ).split('|');
    app.sizeMb = Number(size) / 1e6;
    check(`image ${app.image} is under ${SIZE_BUDGET_MB} MB`, app.sizeMb < SIZE_BUDGET_MB, `${app.sizeMb.toFixed(1)} MB`);
    check(`image ${app.image} runs as a non-root user`, user && user !== 'root' && user !== '0', `USER ${user}`);
    check(`image ${app.image} runs node directly`, JSON.parse(cmd)?.[0] === 'node', cmd);
    check(`image ${app.image} has a health check`, health && health !== 'null');
  }
}

// ---------------------------------------------------------------------------------------------- the stack
async function planStack(apps, urls) {
  const ports = {};
  for (const app of apps) ports[app.name] = await freePort();
  const opsPort = await freePort(); // the gateway's ops listener (/metrics, /readyz/services)
  const smtpPort = await freePort();
  // The internal PKI of this run: a CA and one certificate per deployable, given to uid 1000 (the images' user).
  const { ensurePki, createRedisUsers } = await import(join(ROOT, 'packages/testing/dist/index.js'));
  const pki = join(CACHE, 'podman', `pki-${RUN_ID}`);
  await ensurePki({ dir: pki, owner: 1000 });
  const webhookSecret = `whsec_${randomBytes(16).toString('hex')}`;
  const namespace = `ctest-${RUN_ID}`;
  // Each container connects to Redis as its own ACL user, as in compose and Kubernetes.
  const redisUrls = await createRedisUsers(urls.redis, namespace);
  const local = (name) => `http://127.0.0.1:${ports[name]}`;
  const internal = (name) => `https://127.0.0.1:${ports[name]}`;
  const services = apps.filter((a) => a.service);
  // Two containers each of booking, event and qr (as compose runs them): the gateway and the services get both addresses.
  const replicated = services.filter((a) => REPLICATED.includes(a.name));
  for (const app of replicated) ports[`${app.name}-2`] = await freePort();
  const urlsOf = (name) => [internal(name), ...(ports[`${name}-2`] ? [`https://127.0.0.1:${ports[`${name}-2`]}`] : [])].join(',');
  const serviceUrls = Object.fromEntries(services.map((a) => [`${a.name.toUpperCase()}_SERVICE_URL`, urlsOf(a.name)]));
  const common = {
    NODE_ENV: 'production',
    HOST: '127.0.0.1',
    LOG_LEVEL: 'info',
    REDIS_URL: urls.redis,
    REDIS_NAMESPACE: namespace,
    AUTH_JWKS_URL: `${internal('auth')}/auth/.well-known/jwks.json`,
    MTLS_DIR: '/etc/eventify/mtls',
  };
  // Shared by auth (seals the password-reset token) and notification (opens it).
  const resetTokenSealKey = randomBytes(32).toString('base64');
  // What each service needs beyond the common settings (see its src/config.ts).
  const own = {
    auth: { AUTH_KEY_ENCRYPTION_KEY: randomBytes(32).toString('base64'), RESET_TOKEN_SEAL_KEY: resetTokenSealKey },
    payment: {
      STRIPE_SECRET_KEY: 'sk_test_eventify_container_test',
      STRIPE_WEBHOOK_SECRET: webhookSecret,
      STRIPE_API_URL: local('stripe-standin'),
    },
    qr: { QR_SIGNING_SECRET: randomBytes(32).toString('hex') },
    notification: {
      SMTP_URL: `smtp://127.0.0.1:${smtpPort}`,
      EXPO_BASE_URL: local('mail-standin'),
      RESET_TOKEN_SEAL_KEY: resetTokenSealKey,
    },
  };
  const tools = {
    'stripe-standin': {
      PORT: String(ports['stripe-standin']),
      STRIPE_WEBHOOK_URL: `${local('gateway')}/payments/webhooks/stripe`,
      STRIPE_WEBHOOK_SECRET: webhookSecret,
    },
    'mail-standin': { MAIL_STANDIN_SMTP_PORT: String(smtpPort), MAIL_STANDIN_HTTP_PORT: String(ports['mail-standin']) },
  };
  for (const app of apps) {
    app.port = ports[app.name];
    app.container = `eventify-ctest-${RUN_ID}-${app.name}`;
    app.readyPath = app.tool ? '/healthz' : '/readyz';
    if (!app.tool) app.mtlsDir = join(pki, app.name);
    if (app.name === 'gateway') {
      app.env = { ...common, REDIS_URL: redisUrls.gateway, PORT: String(app.port), OPS_PORT: String(opsPort), ...serviceUrls };
    } else if (app.tool) {
      if (!tools[app.name])
        throw new Error(`tools/${app.name}: the container test does not know how to configure it (add it to planStack)`);
      app.env = { NODE_ENV: 'production', HOST: '127.0.0.1', ...tools[app.name] };
    } else {
      const env = { ...common, REDIS_URL: redisUrls[app.name], ...serviceUrls, PORT: String(app.port), ...own[app.name] };
      if (app.service.databases.includes('mongo')) env.MONGO_URL = withDatabase(urls.mongo, `${app.name}_db_ctest_${RUN_ID}`);
      if (app.service.databases.includes('postgres')) env.DATABASE_URL = withDatabase(urls.postgres, `${app.name}_db_ctest_${RUN_ID}`);
      app.env = env;
    }
  }
  // The second containers: the same image, certificate and databases, their own port.
  const replicas = replicated.map((app) => ({
    ...app,
    port: ports[`${app.name}-2`],
    container: `${app.container}-2`,
    env: { ...app.env, PORT: String(ports[`${app.name}-2`]) },
    readyMs: undefined,
    stopMs: undefined,
  }));
  return { namespace, pki, replicas };
}

async function startContainer(app) {
  const envArgs = Object.entries(app.env).flatMap(([k, v]) => ['--env', `${k}=${v}`]);
  const started = performance.now();
  // Hardened like the Kubernetes manifests and the compose file: read-only root file system, no capabilities.
  const hardening = ['--read-only', '--cap-drop=ALL', '--security-opt=no-new-privileges'];
  const certificate = app.mtlsDir ? ['--volume', `${app.mtlsDir}:/etc/eventify/mtls:ro`] : [];
  await podman(
    'run',
    '--detach',
    '--pull=never',
    '--name',
    app.container,
    '--network=host',
    '--label',
    `${LABEL}=${RUN_ID}`,
    ...hardening,
    ...certificate,
    ...envArgs,
    app.tag,
  );
  const readyPath = app.readyPath;
  const deadline = Date.now() + READY_TIMEOUT_MS;
  let last = 'no answer';
  while (Date.now() < deadline) {
    try {
      const response = await readiness(app, readyPath);
      if (response.status === 200) {
        app.readyMs = elapsed(started);
        return;
      }
      last = `${response.status} ${response.text.slice(0, 300)}`;
    } catch (error) {
      last = error.cause?.code ?? error.message;
    }
    const state = await run('podman', ['inspect', '--format', '{{.State.Status}} {{.State.ExitCode}}', app.container]);
    if (state.stdout.startsWith('exited')) {
      last = `container exited (${state.stdout.trim()})`;
      break;
    }
    await sleep(50);
  }
  const logs = await run('podman', ['logs', '--tail', '40', app.container]);
  console.log(`---- ${app.container} (last log lines)\n${logs.stdout}${logs.stderr}----`);
  throw new Error(`${app.name} was not ready at http://127.0.0.1:${app.port}${readyPath}: ${last}`);
}

/**
 * A service speaks mutual TLS only: ask it with the gateway's certificate (as the gateway does); the gateway
 * and the stand-ins over plain HTTP.
 */
async function readiness(app, path) {
  if (app.name === 'gateway' || !app.mtlsDir) {
    const response = await fetch(`http://127.0.0.1:${app.port}${path}`, { signal: AbortSignal.timeout(3_000) });
    return { status: response.status, text: await response.text() };
  }
  const identity = join(dirname(app.mtlsDir), 'gateway');
  const file = (name) => readFileSync(join(identity, name));
  return new Promise((resolvePromise, reject) => {
    const request = httpsGet(
      `https://127.0.0.1:${app.port}${path}`,
      { cert: file('tls.crt'), key: file('tls.key'), ca: file('ca.crt'), timeout: 3_000 },
      (response) => {
        let text = '';
        response.on('data', (chunk) => (text += chunk));
        response.on('end', () => resolvePromise({ status: response.statusCode, text }));
      },
    );
    request.on('timeout', () => request.destroy(new Error('timeout')));
    request.on('error', reject);
  });
}

async function inspectRunning(app) {
  // Like the engine, allow the check its retries (a loaded machine can be slow to start `node -e`).
  let health;
  for (let attempt = 1; attempt <= 3; attempt++) {
    health = await run('podman', ['healthcheck', 'run', app.container]);
    if (health.code === 0) break;
  }
  check(`${app.name}: the image's health check passes in the running container`, health.code === 0, (health.stdout + health.stderr).trim());
  const uid = await run('podman', ['exec', app.container, 'node', '-e', 'process.stdout.write(String(process.getuid()))']);
  check(`${app.name}: the process runs as a non-root user`, uid.code === 0 && uid.stdout !== '0', `uid ${uid.stdout || uid.stderr.trim()}`);
}

/**
 * SIGTERM (podman stop), then how long until the container's process had exited (podman's own clean-up
 * afterwards is not counted; its wall time is reported beside), and with what exit code.
 */
async function stopContainer(app) {
  const signalled = Date.now();
  const started = performance.now();
  await podman('stop', '--time', '10', app.container);
  app.podmanStopMs = elapsed(started);
  const [exitCode, finishedNs] = (
    await podman('inspect', '--format', '{{.State.ExitCode}} {{.State.FinishedAt.UnixNano}}', app.container)
  ).split(' ');
  app.exitCode = Number(exitCode);
  app.stopMs = Number(BigInt(finishedNs) / 1_000_000n) - signalled;
  check(
    `${app.name}: exits 0 within ${STOP_BUDGET_MS} ms of SIGTERM`,
    app.stopMs < STOP_BUDGET_MS && app.exitCode === 0,
    `${app.stopMs} ms (podman stop returned after ${Math.round(app.podmanStopMs)} ms), exit ${app.exitCode}`,
  );
}

/** The services' ports are mutual TLS only: a plain-HTTP request gets no HTTP answer. */
async function refusesPlainHttp(app) {
  if (!app) return;
  const outcome = await fetch(`http://127.0.0.1:${app.port}/healthz`, { signal: AbortSignal.timeout(5_000) }).then(
    (response) => `answered ${response.status}`,
    (error) => `refused (${error.cause?.code ?? error.cause?.message ?? error.message})`,
  );
  check(`${app.name}: its port answers no plain-HTTP request`, outcome.startsWith('refused'), outcome);
}

async function journey(gatewayUrl, apps) {
  log(`through the gateway at ${gatewayUrl}`);
  const ready = await http('GET', `${gatewayUrl}/readyz`);
  require_('gateway /readyz is 200', ready.status === 200, `${ready.status} ${ready.text.slice(0, 200)}`);
  const email = `ctest-${RUN_ID}@example.com`;
  const password = 'a sturdy container passphrase';
  const registered = await http('POST', `${gatewayUrl}/auth/register`, { body: { email, password, name: 'Container Test' } });
  require_(
    'POST /auth/register creates the account',
    registered.status === 201 || registered.status === 200,
    `${registered.status} ${registered.text.slice(0, 200)}`,
  );
  const login = await http('POST', `${gatewayUrl}/auth/login`, { body: { email, password } });
  require_(
    'POST /auth/login returns an access token',
    login.status === 200 && typeof login.json?.accessToken === 'string',
    `${login.status} ${login.text.slice(0, 200)}`,
  );
  const token = login.json.accessToken;

  const user = apps.find((a) => a.name === 'user');
  if (!user) {
    check('the user service exists to stop', false, 'services/user/src/main.ts is missing');
    return;
  }
  // The profile is made from the UserRegistered event: give the bus a moment.
  let me;
  for (let i = 0; i < 100; i++) {
    me = await http('GET', `${gatewayUrl}/users/me`, { token });
    if (me.status === 200) break;
    await sleep(100);
  }
  check('GET /users/me with the token answers 200 while the user service runs', me.status === 200, `${me.status} ${me.text.slice(0, 200)}`);

  log('stopping the user service container');
  await stopContainer(user);
  const down = await http('GET', `${gatewayUrl}/users/me`, { token });
  check(
    'GET /users/me answers 503 problem+json with the user service stopped',
    down.status === 503 && down.type.startsWith('application/problem+json') && down.json?.status === 503,
    `${down.status} ${down.type} ${down.text.slice(0, 200)}`,
  );
  // One service down must not take the gateway out of rotation; the per-service list (ops port) says who is down.
  const stillReady = await http('GET', `${gatewayUrl}/readyz`);
  check('gateway /readyz stays 200 while the user service is stopped', stillReady.status === 200, `${stillReady.status}`);
}

// ---------------------------------------------------------------------------------------------- clean-up
async function removeContainers(filterValue) {
  const ids = (await run('podman', ['ps', '--all', '--quiet', '--filter', `label=${filterValue}`])).stdout.split('\n').filter(Boolean);
  if (ids.length) await run('podman', ['rm', '--force', '--time', '0', ...ids]);
  return ids.length;
}

async function dropData(urls, { MongoClient, pg, Redis }, { namespace, leftovers = false }) {
  const pattern = leftovers ? /_db_ctest_[0-9a-f]{8}$/ : new RegExp(`_db_ctest_${RUN_ID}$`);
  const mongo = new MongoClient(urls.mongo, { serverSelectionTimeoutMS: 3_000 });
  try {
    await mongo.connect();
    const { databases } = await mongo.db('admin').admin().listDatabases({ nameOnly: true });
    for (const { name } of databases) if (pattern.test(name)) await mongo.db(name).dropDatabase();
  } catch (error) {
    console.warn(`clean-up: MongoDB: ${error.message}`);
  } finally {
    await mongo.close().catch(() => undefined);
  }
  const client = new pg.Client({ connectionString: withDatabase(urls.postgres, 'postgres') });
  try {
    await client.connect();
    const { rows } = await client.query('select datname from pg_database');
    for (const { datname } of rows) if (pattern.test(datname)) await client.query(`drop database if exists "${datname}" with (force)`);
  } catch (error) {
    console.warn(`clean-up: PostgreSQL: ${error.message}`);
  } finally {
    await client.end().catch(() => undefined);
  }
  const redis = new Redis(urls.redis, { lazyConnect: true, maxRetriesPerRequest: 1 });
  try {
    await redis.connect();
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', leftovers ? 'ctest-*' : `${namespace}:*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length) await redis.del(...keys);
    } while (cursor !== '0');
    // And the run's Redis users (createRedisUsers names them <namespace>-<deployable>).
    const users = (await redis.call('ACL', 'USERS')).filter((u) => u.startsWith(leftovers ? 'ctest-' : `${namespace}-`));
    if (users.length) await redis.call('ACL', 'DELUSER', ...users);
  } catch (error) {
    console.warn(`clean-up: Redis: ${error.message}`);
  } finally {
    redis.disconnect();
  }
}

// ---------------------------------------------------------------------------------------------- helpers
function read(path) {
  return readFileSync(join(ROOT, path), 'utf8');
}
function sameSet(a, b) {
  return a.length === b.length && [...a].sort().join() === [...b].sort().join();
}
function withDatabase(url, database) {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}

function report(apps, phases) {
  const rows = apps.map((a) => ({
    image: a.image,
    'size MB': a.sizeMb?.toFixed(1) ?? '-',
    build: a.buildMs === undefined ? '-' : seconds(a.buildMs),
    'run → ready': a.readyMs === undefined ? '-' : `${Math.round(a.readyMs)} ms`,
    'SIGTERM → exited': a.stopMs === undefined ? '-' : `${a.stopMs} ms (exit ${a.exitCode})`,
    'podman stop': a.podmanStopMs === undefined ? '-' : `${Math.round(a.podmanStopMs)} ms`,
  }));
  console.log('');
  console.table(rows);
  console.log(
    Object.entries(phases)
      .map(([k, v]) => `${k} ${seconds(v)}`)
      .join(' · ') + ` · total ${seconds(elapsed(t0))}`,
  );
}

// ---------------------------------------------------------------------------------------------- main
async function main() {
  const phases = {};
  let apps = [];
  let plan;
  let libs;
  let cleanedUp = false;
  const urls = {
    mongo: process.env.MONGO_URL ?? 'mongodb://127.0.0.1:27017',
    postgres: process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres',
    redis: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
  };
  const cleanUp = async () => {
    if (cleanedUp) return;
    cleanedUp = true;
    const started = performance.now();
    const removed = await removeContainers(`${LABEL}=${RUN_ID}`).catch(() => 0);
    if (libs && plan) await dropData(urls, libs, { namespace: plan.namespace });
    // The run's private keys go with it.
    if (plan?.pki) rmSync(plan.pki, { recursive: true, force: true });
    // Dangling layers of builds from more than a day ago; recent ones are the build cache.
    await run('podman', ['image', 'prune', '--force', '--filter', 'until=24h']).catch(() => undefined);
    phases['clean-up'] = elapsed(started);
    log(`cleaned up: ${removed} containers, this run's databases and Redis keys`);
  };
  for (const signal of ['SIGINT', 'SIGTERM']) {
    process.once(signal, () => {
      console.error(`\n${signal}: cleaning up`);
      void cleanUp().finally(() => process.exit(130));
    });
  }

  try {
    let started = performance.now();
    await prepareMachine();
    phases['set-up'] = elapsed(started);
    const [{ SERVICE_NAMES, SERVICES }, YAML, { MongoClient }, pg, { Redis }] = await Promise.all([
      import(join(ROOT, 'packages/contracts/dist/index.js')),
      import('yaml'),
      import('mongodb'),
      import('pg').then((m) => m.default),
      import('ioredis'),
    ]);
    libs = { MongoClient, pg, Redis };
    apps = deployables(SERVICE_NAMES, SERVICES);
    log(`deployables: ${apps.map((a) => a.name).join(', ')}`);
    const missing = SERVICE_NAMES.filter((n) => !apps.some((a) => a.name === n));
    if (missing.length) log(`not in this checkout yet (no services/<name>/src/main.ts): ${missing.join(', ')}`);

    // Leftovers of an earlier run that was killed before it could clean up.
    const stale = await removeContainers(LABEL);
    if (stale) log(`removed ${stale} containers left by an earlier run`);
    await dropData(urls, libs, { namespace: '', leftovers: true });
    // Certificates of runs killed before their clean-up (older than a day: another checkout's run may be going on).
    for (const name of existsSync(join(CACHE, 'podman')) ? readdirSync(join(CACHE, 'podman')) : []) {
      const path = join(CACHE, 'podman', name);
      if (/^pki-[0-9a-f]{8}$/.test(name) && Date.now() - statSync(path).mtimeMs > 86_400_000)
        rmSync(path, { recursive: true, force: true });
    }

    started = performance.now();
    await checkDockerfiles(apps, (await import('dockerfile-utils')).validate);
    await checkCompose(apps, YAML);
    phases['static checks'] = elapsed(started);

    started = performance.now();
    await buildImages(apps);
    phases.build = elapsed(started);

    started = performance.now();
    plan = await planStack(apps, urls);
    const payment = apps.find((a) => a.name === 'payment');
    if (payment) {
      const client = new pg.Client({ connectionString: withDatabase(urls.postgres, 'postgres') });
      await client.connect();
      // In production the services do not create databases: an operator (or compose's POSTGRES_DB) does.
      await client.query(`create database "payment_db_ctest_${RUN_ID}"`);
      await client.end();
    }
    const byName = (name) => apps.find((a) => a.name === name);
    const first = [...apps.filter((a) => a.tool), byName('auth')].filter(Boolean);
    const rest = apps.filter((a) => a.service && a.name !== 'auth');
    log(`starting ${first.map((a) => a.name).join(', ')} (the services fetch auth's signing keys)`);
    for (const app of first) await startContainer(app);
    // One after the other: on two cores, starting them together only makes each slower to be ready.
    log(`starting ${rest.map((a) => a.name).join(', ')}`);
    for (const app of rest) await startContainer(app);
    log(`starting second containers of ${plan.replicas.map((a) => a.name).join(', ')}`);
    for (const app of plan.replicas) await startContainer(app);
    for (const app of plan.replicas)
      check(`${app.name} (second container): ready after podman run`, app.readyMs !== undefined, `${Math.round(app.readyMs)} ms`);
    log('starting the gateway');
    await startContainer(byName('gateway'));
    phases['run → all ready'] = elapsed(started);
    for (const app of apps) check(`${app.name}: ready after podman run`, app.readyMs !== undefined, `${Math.round(app.readyMs)} ms`);

    started = performance.now();
    for (const app of apps) await inspectRunning(app);
    await refusesPlainHttp(byName('user') ?? rest[0]);
    await journey(`http://127.0.0.1:${byName('gateway').port}`, apps);
    log('stopping every container with SIGTERM');
    for (const app of [byName('gateway'), ...plan.replicas, ...rest, ...first.slice().reverse()]) {
      if (app.stopMs === undefined) await stopContainer(app);
    }
    phases['checks and stops'] = elapsed(started);
  } catch (error) {
    check('container test ran to the end', false, error.message);
  } finally {
    await cleanUp();
  }
  report(apps, phases);
  const failed = results.filter((r) => !r.ok);
  if (failed.length) {
    console.log('\nfailed:');
    for (const f of failed) console.log(`  - ${f.name}${f.detail ? ` — ${f.detail}` : ''}`);
  }
  console.log(`\ncontainers: ${results.length - failed.length} passed, ${failed.length} failed`);
  process.exit(failed.length ? 1 : 0);
}

await main();
