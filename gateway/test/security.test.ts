import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHmac, randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { connect } from 'node:http2';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { SignJWT, exportJWK, generateKeyPair, importJWK, type JWK } from 'jose';
import { deleteRedisNamespace, freePort, httpClient, startProcess, startTestStack, type TestStack } from '@eventify/testing';

let stack: TestStack;
let signingJwk: JWK;
let session: { accessToken: string; user: { id: string } };

/** Sign a token with the auth service's own (test-configured) key, with any claims we like. */
async function forge(claims: Record<string, unknown>, options: { expiresIn?: string; issuer?: string; audience?: string } = {}) {
  const key = await importJWK(signingJwk, 'EdDSA');
  let jwt = new SignJWT({ roles: ['attendee'], ...claims })
    .setProtectedHeader({ alg: 'EdDSA', kid: signingJwk.kid! })
    .setSubject(session.user.id)
    .setIssuer(options.issuer ?? 'eventify-auth')
    .setAudience(options.audience ?? 'eventify')
    .setIssuedAt(Math.floor(Date.now() / 1000) - 3600);
  jwt = jwt.setExpirationTime(options.expiresIn ?? '1h');
  return jwt.sign(key);
}

const b64 = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');

before(async () => {
  const { privateKey } = await generateKeyPair('EdDSA', { crv: 'Ed25519', extractable: true });
  signingJwk = { ...(await exportJWK(privateKey)), kid: `test-${randomUUID()}`, alg: 'EdDSA' };
  stack = await startTestStack({
    services: ['auth'],
    env: {
      auth: { JWT_PRIVATE_JWKS: JSON.stringify([signingJwk]) },
      gateway: {
        RATE_LIMIT_SENSITIVE_MAX: '10',
        RATE_LIMIT_USER_MAX: '100000',
        RATE_LIMIT_IP_MAX: '100000',
        CORS_ORIGINS: 'http://localhost:8081',
      },
    },
  });
  const registered = await stack.api.post('/auth/register', { email: 'sec@example.com', password: 'a sturdy passphrase', name: 'Sec' });
  assert.equal(registered.status, 201, registered.text);
  session = registered.body;
});
after(() => stack?.stop());

// POST /auth/logout is a protected route: the gateway must check the token before the auth service sees it.
const protectedCall = (token?: string) =>
  stack.api.post('/auth/logout', { refreshToken: 'x' }, token === undefined ? {} : { headers: { authorization: `Bearer ${token}` } });

describe('gateway token check', () => {
  it('lets a valid token through', async () => {
    assert.equal((await protectedCall(session.accessToken)).status, 204);
  });

  it('answers 401 problem+json without a token', async () => {
    const response = await protectedCall();
    assert.equal(response.status, 401);
    assert.match(response.headers.get('content-type')!, /problem\+json/);
  });

  it('refuses alg none', async () => {
    const token = `${b64({ alg: 'none', typ: 'JWT' })}.${b64({ sub: session.user.id, roles: ['admin'], iss: 'eventify-auth', aud: 'eventify', exp: Math.floor(Date.now() / 1000) + 600, iat: Math.floor(Date.now() / 1000) })}.`;
    assert.equal((await protectedCall(token)).status, 401);
  });

  it('refuses an HMAC token signed with the public key as secret', async () => {
    const jwks = (await stack.api.get('/auth/.well-known/jwks.json')).body;
    const header = b64({ alg: 'HS256', typ: 'JWT', kid: signingJwk.kid });
    const payload = b64({
      sub: session.user.id,
      roles: ['admin'],
      iss: 'eventify-auth',
      aud: 'eventify',
      exp: Math.floor(Date.now() / 1000) + 600,
      iat: Math.floor(Date.now() / 1000),
    });
    for (const secret of [JSON.stringify(jwks.keys[0]), Buffer.from(jwks.keys[0].x, 'base64url')]) {
      const signature = createHmac('sha256', secret).update(`${header}.${payload}`).digest('base64url');
      assert.equal((await protectedCall(`${header}.${payload}.${signature}`)).status, 401);
    }
  });

  it('refuses expired tokens', async () => {
    const token = await forge({}, { expiresIn: '-1m' });
    const response = await protectedCall(token);
    assert.equal(response.status, 401);
    assert.match(response.body.detail, /expired/);
  });

  it('refuses a wrong issuer or audience', async () => {
    assert.equal((await protectedCall(await forge({}, { issuer: 'someone-else' }))).status, 401);
    assert.equal((await protectedCall(await forge({}, { audience: 'another-app' }))).status, 401);
  });

  it('accepts a token forged with the real key only when every claim is right (control)', async () => {
    assert.equal((await protectedCall(await forge({}))).status, 204);
  });

  it('refuses a tampered token', async () => {
    const [header, , signature] = session.accessToken.split('.');
    const payload = b64({
      sub: session.user.id,
      roles: ['admin'],
      iss: 'eventify-auth',
      aud: 'eventify',
      exp: Math.floor(Date.now() / 1000) + 600,
      iat: Math.floor(Date.now() / 1000),
    });
    assert.equal((await protectedCall(`${header}.${payload}.${signature}`)).status, 401);
  });

  it('refuses a token signed by an unknown key', async () => {
    const { privateKey } = await generateKeyPair('EdDSA', { crv: 'Ed25519' });
    const token = await new SignJWT({ roles: ['admin'] })
      .setProtectedHeader({ alg: 'EdDSA', kid: 'stranger' })
      .setSubject(session.user.id)
      .setIssuer('eventify-auth')
      .setAudience('eventify')
      .setIssuedAt()
      .setExpirationTime('10m')
      .sign(privateKey);
    assert.equal((await protectedCall(token)).status, 401);
  });

  it('leaves public routes open', async () => {
    assert.equal((await stack.api.get('/auth/.well-known/jwks.json')).status, 200);
    assert.equal((await stack.api.post('/auth/password/forgot', { email: 'nobody@example.com' })).status, 202);
  });
});

describe('gateway headers', () => {
  it('sends secure headers and answers CORS preflights for allowed origins only', async () => {
    const response = await stack.api.get('/auth/.well-known/jwks.json');
    assert.equal(response.headers.get('x-content-type-options'), 'nosniff');
    assert.ok(response.headers.get('content-security-policy'));
    const preflight = await fetch(`${stack.gatewayUrl}/bookings`, {
      method: 'OPTIONS',
      headers: {
        origin: 'http://localhost:8081',
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'authorization,content-type',
      },
    });
    assert.equal(preflight.headers.get('access-control-allow-origin'), 'http://localhost:8081');
    const stranger = await fetch(`${stack.gatewayUrl}/bookings`, {
      method: 'OPTIONS',
      headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST' },
    });
    assert.equal(stranger.headers.get('access-control-allow-origin'), null);
  });
});

describe('gateway rate limits', () => {
  it('limits sign-in attempts per address with 429 and Retry-After', async () => {
    let limited;
    for (let i = 0; i < 15; i++) {
      const response = await stack.api.post('/auth/password/forgot', { email: `someone${i}@example.com` });
      if (response.status === 429) {
        limited = response;
        break;
      }
    }
    assert.ok(limited, 'reached 429');
    assert.ok(Number(limited.headers.get('retry-after')) > 0);
    assert.match(limited.headers.get('content-type')!, /problem\+json/);
  });

  it('keeps serving when Redis is down (fails open)', async () => {
    const gateway = await startProcess({
      name: 'gateway-no-redis',
      entry: 'gateway/src/main.ts',
      port: await freePort(),
      readyPath: '/healthz',
      env: {
        REDIS_URL: `redis://127.0.0.1:${await freePort()}`,
        AUTH_SERVICE_URL: stack.processes.auth!.url,
        AUTH_JWKS_URL: `${stack.processes.auth!.url}/auth/.well-known/jwks.json`,
        MTLS_DIR: join(stack.plan.pki, 'gateway'),
        OPS_PORT: '0', // any free port: gateways run side by side here
        // With Redis up, the third request of each kind would be refused.
        RATE_LIMIT_SENSITIVE_MAX: '2',
        RATE_LIMIT_IP_MAX: '2',
        RATE_LIMIT_USER_MAX: '2',
      },
    });
    try {
      const api = httpClient(gateway.url);
      for (let i = 0; i < 5; i++) {
        assert.equal((await api.get('/auth/.well-known/jwks.json')).status, 200);
        assert.equal((await api.post('/auth/password/forgot', { email: `down${i}@example.com` })).status, 202);
        assert.equal((await api.post('/auth/logout', { refreshToken: 'x' }, { token: session.accessToken })).status, 204);
      }
    } finally {
      await gateway.stop();
    }
  });

  it('counts per user and per address across gateway replicas, forged tokens included', async () => {
    const namespace = `${stack.plan.namespace}-replicas`;
    const replica = async (name: string) =>
      startProcess({
        name,
        entry: 'gateway/src/main.ts',
        port: await freePort(),
        readyPath: '/healthz',
        env: {
          REDIS_URL: stack.plan.infra.redis,
          REDIS_NAMESPACE: namespace,
          AUTH_SERVICE_URL: stack.processes.auth!.url,
          AUTH_JWKS_URL: `${stack.processes.auth!.url}/auth/.well-known/jwks.json`,
          MTLS_DIR: join(stack.plan.pki, 'gateway'),
          OPS_PORT: '0', // any free port: gateways run side by side here
          OPS_PORT: '0', // any free port: gateways run side by side here
          RATE_LIMIT_USER_MAX: '3',
          RATE_LIMIT_IP_MAX: '8',
          RATE_LIMIT_SENSITIVE_MAX: '100',
        },
      });
    const [a, b] = await Promise.all([replica('gateway-a'), replica('gateway-b')]);
    try {
      const [apiA, apiB] = [httpClient(a.url), httpClient(b.url)];
      // Straight to auth: the stack gateway's sign-up budget was spent by the test above.
      const registered = await stack
        .direct('auth')
        .post('/auth/register', { email: 'other@example.com', password: 'a sturdy passphrase', name: 'O' });
      assert.equal(registered.status, 201, registered.text);
      const other = registered.body;
      const logout = (api: typeof apiA, token: string) => api.post('/auth/logout', { refreshToken: 'x' }, { token });
      // Per user: three requests spread over both replicas are allowed, the fourth is not.
      for (const api of [apiA, apiB, apiA]) assert.equal((await logout(api, session.accessToken)).status, 204);
      const limited = await logout(apiB, session.accessToken);
      assert.equal(limited.status, 429);
      assert.ok(Number(limited.headers.get('retry-after')) > 0);
      assert.match(limited.headers.get('content-type')!, /problem\+json/);
      // Another user from the same address still gets through.
      assert.equal((await logout(apiA, other.accessToken)).status, 204);
      // Per address, counted before the token is checked: forged tokens use up the same budget (8 in all).
      for (let i = 0; i < 3; i++) assert.equal((await logout(apiB, 'forged.token.here')).status, 401);
      const flooded = await logout(apiA, 'forged.token.here');
      assert.equal(flooded.status, 429);
      assert.ok(Number(flooded.headers.get('retry-after')) > 0);
    } finally {
      await Promise.all([a.stop(), b.stop()]);
      await deleteRedisNamespace(stack.plan.infra.redis, namespace);
    }
  });
});

describe('gateway TLS', () => {
  it('terminates TLS with HTTP/2 and HTTP/1.1', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gateway-tls-'));
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:prime256v1',
        '-nodes',
        '-days',
        '1',
        '-subj',
        '/CN=localhost',
        '-keyout',
        join(dir, 'key.pem'),
        '-out',
        join(dir, 'cert.pem'),
      ],
      { stdio: 'ignore' },
    );
    const gateway = await startProcess({
      name: 'gateway-tls',
      entry: 'gateway/src/main.ts',
      port: await freePort(),
      readyPath: '/healthz',
      protocol: 'https',
      env: {
        TLS_CERT_FILE: join(dir, 'cert.pem'),
        TLS_KEY_FILE: join(dir, 'key.pem'),
        AUTH_SERVICE_URL: stack.processes.auth!.url,
        AUTH_JWKS_URL: `${stack.processes.auth!.url}/auth/.well-known/jwks.json`,
        MTLS_DIR: join(stack.plan.pki, 'gateway'),
        OPS_PORT: '0', // any free port: gateways run side by side here
        REDIS_URL: stack.plan.infra.redis,
        REDIS_NAMESPACE: stack.plan.namespace,
      },
    });
    try {
      // HTTP/2
      const body = await new Promise<string>((resolve, reject) => {
        const client = connect(gateway.url, { rejectUnauthorized: false });
        client.on('error', reject);
        const request = client.request({ ':path': '/auth/.well-known/jwks.json' });
        let data = '';
        request.on('response', (headers) => assert.equal(headers[':status'], 200));
        request.on('data', (chunk) => (data += chunk));
        request.on('end', () => {
          client.close();
          resolve(data);
        });
        request.end();
      });
      assert.ok(JSON.parse(body).keys.length >= 1);
      // HTTP/1.1 (fetch speaks 1.1 over TLS)
      const https = await import('node:https');
      const status = await new Promise<number>((resolve, reject) => {
        https
          .get(`${gateway.url}/healthz`, { rejectUnauthorized: false }, (res) => {
            res.resume();
            resolve(res.statusCode ?? 0);
          })
          .on('error', reject);
      });
      assert.equal(status, 200);
      const hsts = await new Promise<string | undefined>((resolve, reject) => {
        https
          .get(`${gateway.url}/auth/.well-known/jwks.json`, { rejectUnauthorized: false }, (res) => {
            res.resume();
            resolve(res.headers['strict-transport-security'] as string | undefined);
          })
          .on('error', reject);
      });
      assert.match(hsts ?? '', /max-age=/);
    } finally {
      await gateway.stop();
    }
  });
});
