import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { decodeJwt } from 'jose';
import { Redis } from 'ioredis';
import { MongoClient } from 'mongodb';
import { join } from 'node:path';
import {
  createRedisUsers,
  deleteRedisNamespace,
  dropRedisUsers,
  freePort,
  httpClient,
  identityAgent,
  mongoUrlFor,
  serviceEnv,
  startProcess,
  startTestStack,
  type TestStack,
} from '@eventify/testing';

const ADMIN = { email: 'boss@eventify.test', password: 'admin-password-for-tests' };
const password = 'a sturdy passphrase';
let stack: TestStack;
let admin: { accessToken: string; user: { id: string } };
let n = 0;

async function register(name = 'Person') {
  const email = `user${++n}-${Date.now()}@example.com`;
  const response = await stack.api.post('/auth/register', { email, password, name });
  assert.equal(response.status, 201, response.text);
  return { email, ...response.body } as { email: string; accessToken: string; user: { id: string; email: string } };
}

before(async () => {
  stack = await startTestStack({
    services: ['auth', 'user'],
    env: { auth: { EVENTIFY_ADMIN_EMAIL: ADMIN.email, EVENTIFY_ADMIN_PASSWORD: ADMIN.password } },
  });
  admin = (await stack.api.post('/auth/login', ADMIN)).body;
});
after(() => stack?.stop());

describe('your profile', () => {
  it('exists right after registering and can be changed', async () => {
    const person = await register('Grace');
    const me = await stack.api.get('/users/me', { token: person.accessToken });
    assert.equal(me.status, 200);
    assert.equal(me.body.email, person.user.email);
    assert.equal(me.body.name, 'Grace');
    const changed = await stack.api.patch(
      '/users/me',
      {
        name: 'Grace H.',
        phone: '+4915112345678',
        city: 'Berlin',
        avatarUrl: 'https://img.example.com/g.png',
        preferences: { language: 'de' },
      },
      { token: person.accessToken },
    );
    assert.equal(changed.status, 200, changed.text);
    assert.equal(changed.body.city, 'Berlin');
    const again = await stack.api.get('/users/me', { token: person.accessToken });
    assert.equal(again.body.name, 'Grace H.');
    assert.deepEqual(again.body.preferences, { language: 'de' });
  });

  it('is created from UserRegistered without anyone asking for it', async () => {
    const person = await register('Quiet');
    const deadline = Date.now() + 5_000;
    let found = false;
    while (!found && Date.now() < deadline) {
      const page = await stack.api.get(`/users?q=${encodeURIComponent(person.user.email)}`, { token: admin.accessToken });
      found = page.body.items.some((u: { id: string }) => u.id === person.user.id);
      if (!found) await new Promise((r) => setTimeout(r, 50));
    }
    assert.ok(found, 'profile created by the event handler');
  });

  it('is created from the account at auth when the event has not been handled yet', async () => {
    // A replica that never hears UserRegistered (its own bus namespace, its own database): the first
    // GET /users/me has to build the profile itself.
    const namespace = `${stack.plan.namespace}-deaf`;
    const database = `user_db_${stack.plan.runId}_deaf`;
    const deaf = await startProcess({
      name: 'user-deaf',
      entry: 'services/user/src/main.ts',
      port: await freePort(),
      env: {
        ...serviceEnv('user', stack.plan),
        REDIS_URL: (await createRedisUsers(stack.plan.infra.redis, namespace, ['user'])).user,
        REDIS_NAMESPACE: namespace,
        MONGO_URL: mongoUrlFor(stack.plan.infra.mongo, database),
      },
    });
    try {
      const person = await register('Early');
      const me = await httpClient(deaf.url, { dispatcher: identityAgent(join(stack.plan.pki, 'gateway')) }).get('/users/me', {
        token: person.accessToken,
      });
      assert.equal(me.status, 200, me.text);
      assert.equal(me.body.id, person.user.id);
      assert.equal(me.body.email, person.email);
      assert.equal(me.body.name, 'Early');
      assert.deepEqual(me.body.roles, ['attendee']);
    } finally {
      await deaf.stop();
      await deleteRedisNamespace(stack.plan.infra.redis, namespace);
      await dropRedisUsers(stack.plan.infra.redis, namespace);
      const client = new MongoClient(stack.plan.infra.mongo);
      await client
        .db(database)
        .dropDatabase()
        .finally(() => client.close());
    }
  });

  it('refuses invalid fields, naming them', async () => {
    const person = await register();
    const response = await stack.api.patch(
      '/users/me',
      { phone: '12345', avatarUrl: 'http://insecure.example.com/a.png', role: 'admin' },
      { token: person.accessToken },
    );
    assert.equal(response.status, 400);
    const fields = response.body.errors.map((e: { field: string }) => e.field).sort();
    assert.ok(fields.includes('body.phone'));
    assert.ok(fields.includes('body.avatarUrl'));
  });

  it('needs a token', async () => {
    assert.equal((await stack.api.get('/users/me')).status, 401);
  });
});

describe('push tokens', () => {
  it('keeps several devices per user, idempotently, and moves a device to its new owner', async () => {
    const a = await register();
    const b = await register();
    const t1 = 'ExponentPushToken[aaaaaaaaaaaaaaaaaaaa]';
    const t2 = 'ExpoPushToken[bbbbbbbbbbbbbbbbbbbb]';
    await stack.api.post('/users/me/push-tokens', { token: t1 }, { token: a.accessToken });
    await stack.api.post('/users/me/push-tokens', { token: t1 }, { token: a.accessToken });
    const added = await stack.api.post('/users/me/push-tokens', { token: t2 }, { token: a.accessToken });
    assert.equal(added.status, 201);
    assert.deepEqual(added.body.pushTokens, [t1, t2]);
    await stack.api.post('/users/me/push-tokens', { token: t1 }, { token: b.accessToken });
    assert.deepEqual((await stack.api.get('/users/me', { token: a.accessToken })).body.pushTokens, [t2]);
    assert.deepEqual((await stack.api.get('/users/me', { token: b.accessToken })).body.pushTokens, [t1]);
    const removed = await stack.api.delete(`/users/me/push-tokens/${encodeURIComponent(t2)}`, { token: a.accessToken });
    assert.equal(removed.status, 204);
    assert.deepEqual((await stack.api.get('/users/me', { token: a.accessToken })).body.pushTokens, []);
  });

  it('refuses something that is not an Expo push token', async () => {
    const a = await register();
    const response = await stack.api.post('/users/me/push-tokens', { token: 'not-a-token' }, { token: a.accessToken });
    assert.equal(response.status, 400);
    assert.equal(response.body.errors[0].field, 'body.token');
  });
});

describe('administration', () => {
  it('is for admins only', async () => {
    const person = await register();
    const other = await register();
    assert.equal((await stack.api.get('/users', { token: person.accessToken })).status, 403);
    const change = await stack.api.patch(`/users/${other.user.id}/roles`, { roles: ['admin'] }, { token: person.accessToken });
    assert.equal(change.status, 403);
  });

  it('pages through users with a cursor', async () => {
    for (let i = 0; i < 3; i++) await register();
    const seen = new Set<string>();
    let cursor: string | null = null;
    let pages = 0;
    do {
      const page: { status: number; body: { items: { id: string }[]; nextCursor: string | null } } = await stack.api.get(
        `/users?limit=2${cursor ? `&cursor=${cursor}` : ''}`,
        { token: admin.accessToken },
      );
      assert.equal(page.status, 200);
      for (const item of page.body.items) {
        assert.ok(!seen.has(item.id), 'no user twice');
        seen.add(item.id);
      }
      cursor = page.body.nextCursor;
      pages++;
    } while (cursor && pages < 50);
    assert.ok(seen.size >= 4);
    assert.ok(pages >= 2);
    assert.equal((await stack.api.get('/users?cursor=garbage', { token: admin.accessToken })).status, 400);
  });

  it('changes roles; a new token carries them, the old one keeps its roles', async () => {
    const person = await register();
    const change = await stack.api.patch(`/users/${person.user.id}/roles`, { roles: ['organizer'] }, { token: admin.accessToken });
    assert.equal(change.status, 200, change.text);
    assert.deepEqual(change.body.roles, ['attendee', 'organizer']);
    assert.deepEqual(decodeJwt(person.accessToken).roles, ['attendee']);
    const login = await stack.api.post('/auth/login', { email: person.email, password });
    assert.deepEqual(decodeJwt(login.body.accessToken).roles, ['attendee', 'organizer']);
    const redis = new Redis(stack.plan.infra.redis);
    try {
      const entries = await redis.xrange(`${stack.plan.namespace}:stream:UserRolesChanged`, '-', '+');
      const published = entries.map(([, fields]) => JSON.parse(fields[1]!).data);
      assert.deepEqual(
        published.find((d) => d.userId === person.user.id),
        { userId: person.user.id, roles: ['attendee', 'organizer'], changedBy: admin.user.id },
      );
    } finally {
      redis.disconnect();
    }
  });

  it('does not let an admin remove their own admin role', async () => {
    const response = await stack.api.patch(`/users/${admin.user.id}/roles`, { roles: ['attendee'] }, { token: admin.accessToken });
    assert.equal(response.status, 409);
  });

  it('answers 404 for an unknown user', async () => {
    const response = await stack.api.patch('/users/nobody/roles', { roles: ['organizer'] }, { token: admin.accessToken });
    assert.equal(response.status, 404);
  });
});

describe('contact details for other services', () => {
  it('gives e-mail, name and devices to the notification service, and to no other caller', async () => {
    const person = await register('Reachable');
    const device = 'ExponentPushToken[cccccccccccccccccccc]';
    await stack.api.post('/users/me/push-tokens', { token: device }, { token: person.accessToken });
    const path = `/internal/users/${person.user.id}/contact`;
    const contact = await stack.direct('user', { as: 'notification' }).get(path);
    assert.equal(contact.status, 200, contact.text);
    assert.deepEqual(contact.body, { id: person.user.id, email: person.email, name: 'Reachable', pushTokens: [device] });
    for (const other of ['auth', 'booking', 'gateway'] as const) {
      const refused = await stack.direct('user', { as: other }).get(path, { token: person.accessToken });
      assert.equal(refused.status, 403, `${other}: ${refused.text}`);
      assert.equal(refused.body.detail, `The ${other} service may not call GET /internal/users/:id/contact.`);
    }
    assert.equal((await stack.api.get(path, { headers: { 'x-internal-token': 'a-guess-that-is-long-enough' } })).status, 404);
  });
});
