import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { request as httpsRequest } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect, type PeerCertificate } from 'node:tls';
import { after, before, describe, it } from 'node:test';
import { Agent } from 'undici';
import { Mtls } from '@eventify/kit';
import { ensurePki, httpClient, issue, loadCa, registerUser, startTestStack, writeIdentity, type TestStack } from '@eventify/testing';

// The internal network, for real: services started as processes with certificates of a PKI of this file's
// own (so renewing them here disturbs no other suite), reached over real TLS handshakes.
let stack: TestStack;
let pkiDir: string;
let scratch: string;

const file = (dir: string, name: string) => readFileSync(join(dir, name));
/** What a request to a service ends in: its HTTP status, or the error that ended it before one. */
function attempt(
  url: string,
  tls: { cert?: Buffer; key?: Buffer; ca?: Buffer; rejectUnauthorized?: boolean },
): Promise<{ status?: number; error?: string }> {
  return new Promise((resolve) => {
    const outgoing = httpsRequest(url, { ...tls, timeout: 5_000 }, (response) => {
      response.resume();
      response.on('end', () => resolve({ status: response.statusCode! }));
    });
    outgoing.on('error', (error: NodeJS.ErrnoException) => resolve({ error: error.code ?? error.message }));
    outgoing.on('timeout', () => outgoing.destroy(new Error('timeout')));
    outgoing.end();
  });
}
/** The certificate a service presents right now (a new connection each time). */
function servedCertificate(port: number): Promise<PeerCertificate> {
  const client = join(pkiDir, 'gateway');
  return new Promise((resolve, reject) => {
    const socket = connect(
      { host: '127.0.0.1', port, cert: file(client, 'tls.crt'), key: file(client, 'tls.key'), rejectUnauthorized: false },
      () => {
        const certificate = socket.getPeerCertificate();
        socket.end();
        resolve(certificate);
      },
    );
    socket.on('error', reject);
  });
}
async function waitFor<T>(what: string, check: () => Promise<T | undefined>, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

before(async () => {
  pkiDir = mkdtempSync(join(tmpdir(), 'eventify-pki-'));
  scratch = mkdtempSync(join(tmpdir(), 'eventify-certs-'));
  stack = await startTestStack({ services: ['auth', 'user'], pkiDir });
});
after(async () => {
  await stack?.stop();
  rmSync(pkiDir, { recursive: true, force: true });
  rmSync(scratch, { recursive: true, force: true });
});

describe('a service port', () => {
  const ownCa = () => file(join(pkiDir, 'gateway'), 'ca.crt');

  it('answers no plain-HTTP request', async () => {
    const plain = await fetch(`http://127.0.0.1:${stack.plan.ports.auth}/healthz`, { signal: AbortSignal.timeout(5_000) }).then(
      (response) => `answered ${response.status}`,
      (error: Error) => `failed: ${(error.cause as Error | undefined)?.message ?? error.message}`,
    );
    assert.match(plain, /^failed/);
  });

  it('completes no HTTPS request without a client certificate', async () => {
    const result = await attempt(`https://127.0.0.1:${stack.plan.ports.auth}/healthz`, { ca: ownCa() });
    assert.equal(result.status, undefined, 'no HTTP answer');
    assert.match(result.error!, /CERTIFICATE_REQUIRED|ECONNRESET|EPIPE/);
  });

  it('completes no HTTPS request with a certificate from another CA, even one naming a real service', async () => {
    const foreign = await ensurePki({ dir: join(scratch, 'foreign-pki'), names: ['booking'] });
    const booking = foreign.identityDir('booking');
    const result = await attempt(`https://127.0.0.1:${stack.plan.ports.auth}/healthz`, {
      cert: file(booking, 'tls.crt'),
      key: file(booking, 'tls.key'),
      ca: ownCa(),
    });
    assert.equal(result.status, undefined, 'no HTTP answer');
    assert.match(result.error!, /UNKNOWN_CA|ECONNRESET|EPIPE/);
  });

  it('serves a holder of a certificate from the internal CA', async () => {
    const gateway = join(pkiDir, 'gateway');
    const result = await attempt(`https://127.0.0.1:${stack.plan.ports.auth}/healthz`, {
      cert: file(gateway, 'tls.crt'),
      key: file(gateway, 'tls.key'),
      ca: ownCa(),
    });
    assert.equal(result.status, 200);
  });
});

describe('internal routes know the calling service by its certificate', () => {
  it('answers 401 problem+json to a certificate of the internal CA that names no service', async () => {
    const ca = await loadCa(pkiDir);
    const anonymous = join(scratch, 'anonymous');
    writeIdentity(anonymous, await issue(ca, 'user', { withoutIdentity: true }), ca.pem);
    const agent = new Agent({ connect: { cert: file(anonymous, 'tls.crt'), key: file(anonymous, 'tls.key'), ca: ca.pem } });
    try {
      const response = await httpClient(`https://127.0.0.1:${stack.plan.ports.auth}`, { dispatcher: agent }).get('/internal/users/someone');
      assert.equal(response.status, 401);
      assert.match(response.headers.get('content-type')!, /^application\/problem\+json/);
      assert.match(response.body.detail, /certificate/);
    } finally {
      await agent.close();
    }
  });

  it('answers 403 problem+json to a service the route does not name, and serves the one it names', async () => {
    const person = await registerUser(stack.api);
    const path = `/internal/users/${person.id}/roles`;
    for (const caller of ['notification', 'booking', 'gateway', 'auth'] as const) {
      const refused = await stack.direct('auth', { as: caller }).put(path, { roles: ['admin'] });
      assert.equal(refused.status, 403, `${caller}: ${refused.text}`);
      assert.match(refused.headers.get('content-type')!, /^application\/problem\+json/);
      assert.equal(refused.body.detail, `The ${caller} service may not call PUT /internal/users/:userId/roles.`);
    }
    const allowed = await stack.direct('auth', { as: 'user' }).put(path, { roles: ['organizer'] });
    assert.equal(allowed.status, 200, allowed.text);
  });
});

describe('callers check whom they reached', () => {
  it('a service client expecting the user service refuses the auth service', async () => {
    const booking = Mtls.load(join(pkiDir, 'booking'));
    try {
      const wrong = await booking
        .fetcher('user')(`https://127.0.0.1:${stack.plan.ports.auth}/healthz`)
        .then(
          () => 'answered',
          (error: Error) => (error.cause as { code?: string } | undefined)?.code ?? error.message,
        );
      assert.equal(wrong, 'ERR_MTLS_WRONG_PEER');
      const right = await booking.fetcher('auth')(`https://127.0.0.1:${stack.plan.ports.auth}/healthz`);
      assert.equal(right.status, 200);
    } finally {
      await booking.close();
    }
  });
});

describe('renewed certificates are used without a restart', () => {
  it('a service serves its renewed certificate, same process, and the gateway keeps reaching it', async () => {
    const pid = stack.processes.auth!.child.pid;
    const before = await servedCertificate(stack.plan.ports.auth);
    rmSync(join(pkiDir, 'auth', 'tls.crt'));
    assert.deepEqual((await ensurePki({ dir: pkiDir })).renewed, ['auth']);
    const renewed = await waitFor('auth serves the renewed certificate', async () => {
      const now = await servedCertificate(stack.plan.ports.auth);
      return now.serialNumber !== before.serialNumber ? now : undefined;
    });
    assert.equal(renewed.serialNumber, new X509Certificate(file(join(pkiDir, 'auth'), 'tls.crt')).serialNumber);
    assert.equal(stack.processes.auth!.child.pid, pid);
    assert.equal((await stack.api.get('/auth/.well-known/jwks.json')).status, 200);
    // Its expiry, for alerts, is the renewed certificate's.
    const metrics = (await stack.direct('auth').get('/metrics')).text;
    const expiry = Number(/^internal_certificate_expiry_timestamp_seconds\{[^}]*\} (\d+)/m.exec(metrics)?.[1]);
    assert.equal(expiry, Date.parse(renewed.valid_to) / 1000);
  });

  it('a new CA and new certificates everywhere: servers and callers follow, nothing restarts', async () => {
    const pids = (['auth', 'gateway'] as const).map((name) => stack.processes[name]!.child.pid);
    const old = join(scratch, 'old-gateway');
    writeIdentity(
      old,
      { pem: file(join(pkiDir, 'gateway'), 'tls.crt').toString(), keyPem: file(join(pkiDir, 'gateway'), 'tls.key').toString() },
      file(pkiDir, 'ca.crt').toString(),
    );
    const oldCa = file(pkiDir, 'ca.crt').toString();
    rmSync(join(pkiDir, 'ca.key'));
    const { renewed } = await ensurePki({ dir: pkiDir });
    assert.ok(renewed.includes('ca') && renewed.includes('gateway') && renewed.includes('auth'), renewed.join());
    const newCa = file(pkiDir, 'ca.crt');
    // auth (not restarted) trusts the new CA only: the gateway's previous certificate is refused.
    const refused = await waitFor('auth refuses a certificate of the old CA', async () => {
      const result = await attempt(`https://127.0.0.1:${stack.plan.ports.auth}/healthz`, {
        cert: file(old, 'tls.crt'),
        key: file(old, 'tls.key'),
        ca: newCa,
      });
      return result.status === undefined ? result : undefined;
    });
    assert.ok(refused.error);
    assert.notEqual(newCa.toString(), oldCa);
    // A fresh user process (certificate of the new CA) leaves the gateway no old connection to it: reaching
    // it takes the gateway's renewed certificate, and the user service reaching auth takes auth's renewed one.
    await stack.stopService('user');
    await stack.startService('user');
    const person = await waitFor('a sign-up through the gateway works', async () => {
      const registered = await stack.api.post('/auth/register', {
        email: `renewed-${Date.now()}@example.com`,
        password: 'a sturdy passphrase',
        name: 'R',
      });
      return registered.status === 201 ? registered.body : undefined;
    });
    const me = await waitFor('GET /users/me through the gateway works', async () => {
      const response = await stack.api.get('/users/me', { token: person.accessToken });
      return response.status === 200 ? response : undefined;
    });
    assert.equal(me.body.id, person.user.id);
    assert.deepEqual(
      (['auth', 'gateway'] as const).map((name) => stack.processes[name]!.child.pid),
      pids,
    );
  });
});
