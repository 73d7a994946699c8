import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Redis } from 'ioredis';
import { createRemoteJWKSet, decodeJwt, exportJWK, generateKeyPair, jwtVerify } from 'jose';
import { MongoClient } from 'mongodb';
import { resetTokenSealContext } from '@eventify/contracts';
import { keyRingSetting } from '@eventify/kit';
import { devDefaults, mongoUrlFor, poll, startTestStack, type TestStack } from '@eventify/testing';

const ADMIN = { email: 'root@eventify.test', password: 'admin-password-for-tests' };
let stack: TestStack;
let redis: Redis;
let mongo: MongoClient;
const authDb = () => mongo.db();
const password = 'a sturdy passphrase';
let counter = 0;
const uniqueEmail = () => `person${++counter}-${Date.now()}@example.com`;

before(async () => {
  stack = await startTestStack({
    services: ['auth'],
    env: {
      auth: { EVENTIFY_ADMIN_EMAIL: ADMIN.email, EVENTIFY_ADMIN_PASSWORD: ADMIN.password },
      gateway: { CORS_ORIGINS: 'http://localhost:8081' },
    },
  });
  redis = new Redis(stack.plan.infra.redis);
  mongo = await MongoClient.connect(mongoUrlFor(stack.plan.infra.mongo, `auth_db_${stack.plan.runId}`));
});
after(async () => {
  redis?.disconnect();
  await mongo?.close();
  await stack?.stop();
});

async function register(role?: 'attendee' | 'organizer') {
  const email = uniqueEmail();
  const response = await stack.api.post('/auth/register', { email, password, name: 'Test Person', ...(role ? { role } : {}) });
  assert.equal(response.status, 201, response.text);
  return { email, ...response.body };
}

describe('registration', () => {
  it('creates an attendee, normalising the e-mail, and returns a working session', async () => {
    const email = uniqueEmail();
    const response = await stack.api.post('/auth/register', { email: `  ${email.toUpperCase()} `, password, name: 'Ada' });
    assert.equal(response.status, 201);
    assert.equal(response.body.user.email, email);
    assert.deepEqual(response.body.user.roles, ['attendee']);
    assert.equal(response.body.user.passwordHash, undefined);
    const claims = decodeJwt(response.body.accessToken);
    assert.equal(claims.sub, response.body.user.id);
    assert.deepEqual(claims.roles, ['attendee']);
    assert.equal(claims.iss, 'eventify-auth');
    assert.equal(claims.aud, 'eventify');
  });

  it('gives organizers the organizer role too', async () => {
    const { user } = await register('organizer');
    assert.deepEqual(user.roles, ['attendee', 'organizer']);
  });

  it('refuses to let anyone register as admin', async () => {
    const response = await stack.api.post('/auth/register', { email: uniqueEmail(), password, name: 'Eve', role: 'admin' });
    assert.equal(response.status, 400);
    assert.equal(response.body.errors[0].field, 'body.role');
  });

  it('answers 409 for an e-mail address that already has an account', async () => {
    const { email } = await register();
    const again = await stack.api.post('/auth/register', { email: email.toUpperCase(), password, name: 'Twin' });
    assert.equal(again.status, 409);
    assert.match(again.body.detail, /already exists/);
  });

  it('refuses weak passwords naming the field', async () => {
    for (const weak of ['short', 'password123', 'aaaaaaaaaaaa']) {
      const response = await stack.api.post('/auth/register', { email: uniqueEmail(), password: weak, name: 'Weak' });
      assert.equal(response.status, 400, weak);
      assert.equal(response.body.errors[0].field, 'body.password');
    }
  });

  it('publishes UserRegistered after storing the user', async () => {
    const { user } = await register();
    // The outbox relay publishes it right after the write, not within the request: wait for it a moment.
    const event = await poll(
      async () => {
        const entries = await redis.xrange(`${stack.plan.namespace}:stream:UserRegistered`, '-', '+');
        return entries.map(([, fields]) => JSON.parse(fields[1]!)).find((e) => e.data.userId === user.id);
      },
      'UserRegistered published',
      10_000,
    );
    assert.equal(event.data.email, user.email);
    assert.ok(event.id && event.occurredAt);
  });
});

describe('sign in and sessions', () => {
  it('logs in and answers the same 401 for a wrong password and an unknown e-mail', async () => {
    const { email } = await register();
    const ok = await stack.api.post('/auth/login', { email, password });
    assert.equal(ok.status, 200);
    assert.equal(ok.body.expiresIn, 900);
    const wrong = await stack.api.post('/auth/login', { email, password: 'not the password' });
    const unknown = await stack.api.post('/auth/login', { email: uniqueEmail(), password });
    assert.equal(wrong.status, 401);
    assert.equal(unknown.status, 401);
    assert.equal(wrong.body.detail, unknown.body.detail);
  });

  it('rotates refresh tokens: the old one stops working', async () => {
    const session = await register();
    const next = await stack.api.post('/auth/refresh', { refreshToken: session.refreshToken });
    assert.equal(next.status, 200);
    assert.notEqual(next.body.refreshToken, session.refreshToken);
    const third = await stack.api.post('/auth/refresh', { refreshToken: next.body.refreshToken });
    assert.equal(third.status, 200);
  });

  it('revokes the whole family when a spent refresh token is presented again', async () => {
    const session = await register();
    const next = await stack.api.post('/auth/refresh', { refreshToken: session.refreshToken });
    assert.equal(next.status, 200);
    const replay = await stack.api.post('/auth/refresh', { refreshToken: session.refreshToken });
    assert.equal(replay.status, 401);
    const legitimate = await stack.api.post('/auth/refresh', { refreshToken: next.body.refreshToken });
    assert.equal(legitimate.status, 401, 'the newest token of the family is revoked too');
  });

  it('lets exactly one of two concurrent refreshes win', async () => {
    const session = await register();
    const results = await Promise.all([1, 2].map(() => stack.api.post('/auth/refresh', { refreshToken: session.refreshToken })));
    assert.deepEqual(results.map((r) => r.status).sort(), [200, 401]);
  });

  it('logs out: the refresh token stops working', async () => {
    const session = await register();
    const out = await stack.api.post('/auth/logout', { refreshToken: session.refreshToken }, { token: session.accessToken });
    assert.equal(out.status, 204);
    const refresh = await stack.api.post('/auth/refresh', { refreshToken: session.refreshToken });
    assert.equal(refresh.status, 401);
  });

  it('requires an access token to log out', async () => {
    const session = await register();
    const out = await stack.api.post('/auth/logout', { refreshToken: session.refreshToken });
    assert.equal(out.status, 401);
  });

  it('makes an account wait, growing and capped, after 5 failures: 429 problem+json with Retry-After, then the right password works', async () => {
    const { email } = await register();
    for (let attempt = 1; attempt <= 5; attempt++) {
      assert.equal((await stack.api.post('/auth/login', { email, password: `wrong guess ${attempt}` })).status, 401, `attempt ${attempt}`);
    }
    const waiting = await stack.api.post('/auth/login', { email, password });
    assert.equal(waiting.status, 429, 'even the right password waits its turn');
    assert.match(waiting.headers.get('content-type')!, /problem\+json/);
    assert.equal(waiting.headers.get('retry-after'), '1');
    assert.match(waiting.body.detail, /for this account\. Try again in 1 s/);
    await new Promise((r) => setTimeout(r, 1_100));
    assert.equal((await stack.api.post('/auth/login', { email, password: 'wrong guess 6' })).status, 401);
    const longer = await stack.api.post('/auth/login', { email, password });
    assert.equal(longer.status, 429);
    assert.equal(longer.headers.get('retry-after'), '2', 'each further failure doubles the wait');
    await new Promise((r) => setTimeout(r, 2_100));
    assert.equal((await stack.api.post('/auth/login', { email, password })).status, 200, 'after the wait the right password signs in');
    assert.equal((await stack.api.post('/auth/login', { email, password: 'wrong again' })).status, 401, 'and the count starts over');
  });
});

describe('browser sessions: the refresh token in an HttpOnly cookie', () => {
  const COOKIE_MODE = { 'x-refresh-token-transport': 'cookie' };
  const cookieOf = (headers: Headers) => headers.getSetCookie().find((c) => c.startsWith('eventify_refresh=')) ?? '';
  const valueOf = (setCookie: string) => setCookie.split(';')[0]!;

  it('signs in with the token in an HttpOnly, Secure, SameSite=Strict cookie scoped to /auth, not in the body', async () => {
    const { email } = await register();
    const response = await stack.api.post('/auth/login', { email, password }, { headers: COOKIE_MODE });
    assert.equal(response.status, 200, response.text);
    assert.equal(response.body.refreshToken, undefined);
    assert.ok(response.body.accessToken);
    const cookie = cookieOf(response.headers);
    assert.match(cookie, /^eventify_refresh=[^;]+;/);
    for (const attribute of ['HttpOnly', 'Secure', 'SameSite=Strict', 'Path=/auth', 'Max-Age='])
      assert.ok(cookie.includes(attribute), `${attribute} in ${cookie}`);
  });

  it('refreshes from the cookie, rotates it, and treats the spent cookie as a stolen token', async () => {
    const { email } = await register();
    const login = await stack.api.post('/auth/login', { email, password }, { headers: COOKIE_MODE });
    const first = valueOf(cookieOf(login.headers));
    const refreshed = await stack.api.post('/auth/refresh', undefined, { headers: { ...COOKIE_MODE, cookie: first } });
    assert.equal(refreshed.status, 200, refreshed.text);
    assert.equal(refreshed.body.refreshToken, undefined);
    const second = valueOf(cookieOf(refreshed.headers));
    assert.notEqual(second, first);
    const replay = await stack.api.post('/auth/refresh', undefined, { headers: { ...COOKIE_MODE, cookie: first } });
    assert.equal(replay.status, 401);
    const afterReplay = await stack.api.post('/auth/refresh', undefined, { headers: { ...COOKIE_MODE, cookie: second } });
    assert.equal(afterReplay.status, 401, 'the whole family is revoked');
  });

  it('ignores the cookie without the transport header, so a cross-site request cannot use it', async () => {
    const { email } = await register();
    const login = await stack.api.post('/auth/login', { email, password }, { headers: COOKIE_MODE });
    const response = await stack.api.post('/auth/refresh', undefined, { headers: { cookie: valueOf(cookieOf(login.headers)) } });
    assert.equal(response.status, 400);
    assert.equal(response.body.errors[0].field, 'body.refreshToken');
  });

  it('signs out by revoking the cookie session and clearing the cookie', async () => {
    const { email } = await register();
    const login = await stack.api.post('/auth/login', { email, password }, { headers: COOKIE_MODE });
    const cookie = valueOf(cookieOf(login.headers));
    const logout = await stack.api.post('/auth/logout', undefined, { token: login.body.accessToken, headers: { ...COOKIE_MODE, cookie } });
    assert.equal(logout.status, 204);
    assert.match(cookieOf(logout.headers), /Max-Age=0|Expires=Thu, 01 Jan 1970/);
    const refresh = await stack.api.post('/auth/refresh', undefined, { headers: { ...COOKIE_MODE, cookie } });
    assert.equal(refresh.status, 401);
  });

  it('lets the app origins send credentials through the gateway, and no other origin', async () => {
    const preflight = (origin: string) =>
      fetch(`${stack.gatewayUrl}/auth/refresh`, {
        method: 'OPTIONS',
        headers: {
          origin,
          'access-control-request-method': 'POST',
          'access-control-request-headers': 'content-type,x-refresh-token-transport',
        },
      });
    const allowed = await preflight('http://localhost:8081');
    assert.equal(allowed.headers.get('access-control-allow-origin'), 'http://localhost:8081');
    assert.equal(allowed.headers.get('access-control-allow-credentials'), 'true');
    assert.match(allowed.headers.get('access-control-allow-headers') ?? '', /x-refresh-token-transport/);
    const foreign = await preflight('https://evil.example');
    assert.equal(foreign.headers.get('access-control-allow-origin'), null);
  });
});

describe('password reset', () => {
  // Opened as the notification service does, with the (development) key auth and notification share.
  const seal = keyRingSetting().parse(devDefaults('auth').RESET_TOKEN_SEAL_KEY);
  async function resetTokenFor(userId: string): Promise<string> {
    const deadline = Date.now() + 5_000;
    while (Date.now() < deadline) {
      const entries = await redis.xrange(`${stack.plan.namespace}:stream:PasswordResetRequested`, '-', '+');
      const event = entries.map(([, f]) => JSON.parse(f[1]!)).find((e) => e.data.userId === userId);
      if (event) {
        assert.equal(event.data.resetToken, undefined, 'no token in clear in the stream');
        const token = seal.open(event.data.sealedResetToken, resetTokenSealContext(userId));
        assert.ok(!JSON.stringify(event).includes(token));
        assert.throws(() => seal.open(event.data.sealedResetToken, resetTokenSealContext('someone-else')), 'bound to the account');
        return token;
      }
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error('no PasswordResetRequested event');
  }

  it('answers 202 whether or not the address has an account', async () => {
    const unknown = await stack.api.post('/auth/password/forgot', { email: uniqueEmail() });
    assert.equal(unknown.status, 202);
  });

  it('resets with the one-time token, which then stops working, and revokes existing sessions', async () => {
    const session = await register();
    assert.equal((await stack.api.post('/auth/password/forgot', { email: session.email })).status, 202);
    const token = await resetTokenFor(session.user.id);
    const stored = await authDb().collection('password_reset_tokens').find({ userId: session.user.id }).toArray();
    assert.equal(stored.length, 1);
    assert.ok(!JSON.stringify(stored).includes(token), 'the database holds the hash only (its outbox copy is sealed)');
    const newPassword = 'an entirely new passphrase';
    assert.equal((await stack.api.post('/auth/password/reset', { token, password: newPassword })).status, 204);
    const reused = await stack.api.post('/auth/password/reset', { token, password: 'yet another passphrase' });
    assert.equal(reused.status, 400);
    assert.equal(reused.body.errors[0].field, 'body.token');
    assert.equal((await stack.api.post('/auth/refresh', { refreshToken: session.refreshToken })).status, 401);
    assert.equal((await stack.api.post('/auth/login', { email: session.email, password })).status, 401);
    assert.equal((await stack.api.post('/auth/login', { email: session.email, password: newPassword })).status, 200);
  });
});

describe('signing keys', () => {
  it('publishes public keys only', async () => {
    const jwks = await stack.api.get('/auth/.well-known/jwks.json');
    assert.equal(jwks.status, 200);
    assert.ok(jwks.body.keys.length >= 1);
    for (const key of jwks.body.keys) {
      assert.equal(key.d, undefined);
      assert.equal(key.crv, 'Ed25519');
      assert.ok(key.kid);
    }
  });

  it('rotates: new tokens use the new key and tokens signed before still verify', async () => {
    const before = await register();
    const oldKid = JSON.parse(Buffer.from(before.accessToken.split('.')[0], 'base64url').toString()).kid;
    // As an operator does it, from inside an auth container: with the auth service's own certificate.
    const rotate = await stack.direct('auth', { as: 'auth' }).post('/internal/keys/rotate');
    assert.equal(rotate.status, 200, rotate.text);
    const { activeKid, retiringKids } = rotate.body;
    assert.ok(retiringKids.includes(oldKid));
    const kids = (await stack.api.get('/auth/.well-known/jwks.json')).body.keys.map((k: { kid: string }) => k.kid);
    assert.ok(kids.includes(oldKid) && kids.includes(activeKid));
    const after = await stack.api.post('/auth/login', { email: before.email, password });
    const newKid = JSON.parse(Buffer.from(after.body.accessToken.split('.')[0], 'base64url').toString()).kid;
    assert.equal(newKid, activeKid);
    const jwks = createRemoteJWKSet(new URL(`${stack.gatewayUrl}/auth/.well-known/jwks.json`));
    for (const token of [before.accessToken, after.body.accessToken]) {
      const { payload } = await jwtVerify(token, jwks, { issuer: 'eventify-auth', audience: 'eventify' });
      assert.equal(payload.sub, before.user.id);
    }
    const logout = await stack.api.post('/auth/logout', { refreshToken: before.refreshToken }, { token: before.accessToken });
    assert.equal(logout.status, 204, 'a token signed with the retired key is still accepted');
  });

  it('keeps private keys encrypted in the database, and encrypts keys stored in clear by an earlier version at start', async () => {
    const isSealed = (doc: Record<string, unknown>) =>
      doc.privateJwk === undefined && /^v1\./.test(String(doc.sealedPrivateJwk)) && !JSON.stringify(doc).includes('"d"');
    const keys = authDb().collection<Record<string, unknown>>('signing_keys');
    assert.ok((await keys.find({}).toArray()).every(isSealed));
    // A key as the previous version stored it: the private JWK in clear, still inside its retirement window.
    const { privateKey } = await generateKeyPair('EdDSA', { crv: 'Ed25519', extractable: true });
    const kid = `legacy-${Date.now()}`;
    const privateJwk = { ...(await exportJWK(privateKey)), kid, alg: 'EdDSA', use: 'sig' };
    await keys.insertOne({ _id: kid as never, kid, privateJwk, createdAt: new Date(), retiresAt: new Date(Date.now() + 3_600_000) });
    await stack.stopService('auth');
    await stack.startService('auth');
    const migrated = await keys.findOne({ kid });
    assert.ok(migrated && isSealed(migrated), JSON.stringify(migrated));
    const kids = (await stack.api.get('/auth/.well-known/jwks.json')).body.keys.map((k: { kid: string }) => k.kid);
    assert.ok(kids.includes(kid), 'the migrated key still verifies');
  });

  it('keeps the rotation endpoint to the auth service itself', async () => {
    const fromAnotherService = await stack.direct('auth', { as: 'user' }).post('/internal/keys/rotate');
    assert.equal(fromAnotherService.status, 403);
    assert.match(fromAnotherService.headers.get('content-type')!, /^application\/problem\+json/);
    assert.equal((await stack.direct('auth', { as: 'gateway' }).post('/internal/keys/rotate')).status, 403);
    const viaGateway = await stack.api.post('/internal/keys/rotate');
    assert.equal(viaGateway.status, 404);
  });
});

describe('first admin and roles', () => {
  it('creates the configured admin once, who can sign in with the admin role', async () => {
    const login = await stack.api.post('/auth/login', ADMIN);
    assert.equal(login.status, 200);
    assert.ok(login.body.user.roles.includes('admin'));
  });

  it('changes roles through the internal endpoint; new tokens carry them', async () => {
    const session = await register();
    // As the user service's admin endpoint calls it: with the user service's certificate.
    const asUserService = stack.direct('auth', { as: 'user' });
    const change = await asUserService.put(`/internal/users/${session.user.id}/roles`, { roles: ['organizer'] });
    assert.equal(change.status, 200, change.text);
    assert.deepEqual(change.body.roles, ['attendee', 'organizer']);
    const login = await stack.api.post('/auth/login', { email: session.email, password });
    assert.deepEqual(decodeJwt(login.body.accessToken).roles, ['attendee', 'organizer']);
    const missing = await asUserService.put('/internal/users/nobody/roles', { roles: ['organizer'] });
    assert.equal(missing.status, 404);
  });
});
