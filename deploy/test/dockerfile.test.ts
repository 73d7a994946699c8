import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer as createHttpsServer } from 'node:https';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, it } from 'node:test';
import { validate } from 'dockerfile-utils';
import { SERVICE_NAMES } from '@eventify/contracts';
import { ensurePki } from '@eventify/testing';
import { dockerfileChecks } from '../dockerfile-checks.mjs';

const root = new URL('../..', import.meta.url).pathname;
const dockerfile = readFileSync(join(root, 'Dockerfile'), 'utf8');
const failing = (text: string) =>
  dockerfileChecks(text, validate)
    .filter((c: { ok: boolean }) => !c.ok)
    .map((c: { name: string }) => c.name);

it('the one Dockerfile follows the pattern and dockerfile-utils reports nothing on it', () => {
  assert.deepEqual(
    dockerfileChecks(dockerfile, validate).filter((c: { ok: boolean }) => !c.ok),
    [],
  );
});

it('the Dockerfile checks fail on what they guard against', () => {
  assert.ok(failing(dockerfile.replace('USER node', 'USER root')).includes('non-root user in the runtime stage'));
  assert.ok(
    failing(dockerfile.replace('CMD ["node", "main.mjs"]', 'CMD ["npm", "start"]')).some((n: string) =>
      n.startsWith('node is the command'),
    ),
  );
  // APP declared before the shared stages would make each image rebuild them.
  const early = dockerfile.replace('\nARG APP\n', '\n').replace('FROM ${BASE} AS deps\n', 'FROM ${BASE} AS deps\nARG APP\n');
  assert.ok(failing(early).some((n: string) => n.startsWith('ARG APP only after')));
  assert.ok(
    failing(dockerfile.replace('COPY --from=manifests /manifests ./', 'COPY . .')).some((n: string) =>
      n.startsWith('dependencies installed'),
    ),
  );
  assert.ok(failing(dockerfile.replace('WORKDIR /app', 'WORKDIR app\nMAINTAINER someone')).includes('dockerfile-utils lint clean'));
});

it('no deployable keeps a Dockerfile of its own', () => {
  for (const dir of ['gateway', ...SERVICE_NAMES.map((s) => `services/${s}`), 'tools/mail-standin', 'tools/stripe-standin']) {
    assert.equal(existsSync(join(root, dir, 'Dockerfile')), false, `${dir}/Dockerfile`);
  }
});

const freePort = () =>
  new Promise<number>((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });

const work = mkdtempSync(join(tmpdir(), 'eventify-image-'));
after(() => rmSync(work, { recursive: true, force: true }));

it('the image entry point gives the deployable its default port, runs it as the one node process, and the health check follows it', async () => {
  // /app as the image has it, for the stripe stand-in: image.json (as image/prepare.mjs writes it), main.mjs,
  // healthcheck.mjs, and the compiled deployable with its dependencies (linked from this checkout).
  const port = await freePort();
  for (const file of ['main.mjs', 'healthcheck.mjs']) cpSync(join(root, 'image', file), join(work, file));
  writeFileSync(
    join(work, 'image.json'),
    JSON.stringify({
      app: 'tools/stripe-standin',
      main: 'tools/stripe-standin/dist/main.js',
      port: { env: 'PORT', default: port },
      mtls: false,
    }),
  );
  symlinkSync(join(root, 'tools'), join(work, 'tools'));
  symlinkSync(join(root, 'node_modules'), join(work, 'node_modules'));
  const env = {
    ...process.env,
    PORT: undefined,
    STRIPE_STANDIN_PORT: undefined,
    NODE_ENV: 'production',
    HOST: '127.0.0.1',
    STRIPE_WEBHOOK_SECRET: 'whsec_image_entry_test',
  };
  const healthy = () => spawnSync(process.execPath, ['healthcheck.mjs'], { cwd: work, env, encoding: 'utf8' }).status === 0;
  assert.equal(healthy(), false, 'nothing answers yet');
  const child = spawn(process.execPath, ['main.mjs'], { cwd: work, env, stdio: 'ignore' });
  try {
    let up = false;
    for (let i = 0; i < 100 && !up; i++) {
      up = healthy();
      if (!up) await new Promise((r) => setTimeout(r, 100));
    }
    assert.ok(up, `the health check passes once it listens on its default port ${port}`);
    // The deployable runs in the process main.mjs started (PID 1 in the image), so SIGTERM reaches it.
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    child.kill('SIGTERM');
    assert.equal(await exited, 0);
  } finally {
    child.kill('SIGKILL');
  }
});

it("a service image's health check asks it over mutual TLS with its own certificate, and fails on a non-2xx answer", async () => {
  // A service's /app: image.json with mtls, the kit's self-request (linked), its certificate at MTLS_DIR.
  const app = join(work, 'service');
  const pki = await ensurePki({ dir: join(work, 'pki') });
  const identity = pki.identityDir('auth');
  const file = (name: string) => readFileSync(join(identity, name));
  let status = 200;
  const server = createHttpsServer(
    { cert: file('tls.crt'), key: file('tls.key'), ca: file('ca.crt'), requestCert: true, rejectUnauthorized: true },
    (request, response) => {
      response.statusCode = request.url === '/healthz' ? status : 404;
      response.end();
    },
  );
  const port = await new Promise<number>((resolve) =>
    server.listen(0, '127.0.0.1', () => resolve((server.address() as { port: number }).port)),
  );
  try {
    mkdirSync(app);
    cpSync(join(root, 'image/healthcheck.mjs'), join(app, 'healthcheck.mjs'));
    writeFileSync(
      join(app, 'image.json'),
      JSON.stringify({ app: 'services/auth', main: 'services/auth/dist/main.js', port: { env: 'PORT', default: port }, mtls: true }),
    );
    symlinkSync(join(root, 'packages'), join(app, 'packages'));
    const env = { ...process.env, PORT: undefined, MTLS_DIR: identity };
    // Asynchronously: the server answers from this process.
    const run = (extra: Record<string, string | undefined> = {}) =>
      new Promise<number | null>((resolve) =>
        spawn(process.execPath, ['healthcheck.mjs'], { cwd: app, env: { ...env, ...extra }, stdio: 'ignore' }).once('exit', resolve),
      );
    assert.equal(await run(), 0, 'healthy over mutual TLS on its default port');
    status = 503;
    assert.equal(await run(), 1, '503 is unhealthy');
    assert.equal(await run({ MTLS_DIR: undefined }), 1, 'no certificate, no check');
  } finally {
    server.close();
  }
});
