import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { it } from 'node:test';
import { CALLS, INTERNAL_ROUTES, SERVICE_NAMES, allowedCallers } from '@eventify/contracts';
import { baseConfigSchema, createApp, createGuards, loadConfig } from '../src/index.js';
import { identityFromSubjectAltName } from '../src/tls/identity.js';

const root = new URL('../../..', import.meta.url).pathname;

it('reads the service from its one spiffe://eventify/ URI SAN, and nothing else', () => {
  assert.equal(identityFromSubjectAltName('URI:spiffe://eventify/booking, DNS:booking-service, IP Address:127.0.0.1'), 'booking');
  assert.equal(identityFromSubjectAltName('DNS:booking-service, URI:spiffe://eventify/gateway'), 'gateway');
  assert.equal(identityFromSubjectAltName('DNS:booking-service'), undefined, 'no identity');
  assert.equal(identityFromSubjectAltName('URI:spiffe://eventify/booking, URI:spiffe://eventify/event'), undefined, 'two identities');
  assert.equal(identityFromSubjectAltName('URI:spiffe://elsewhere/booking'), undefined, 'another trust domain');
  assert.equal(identityFromSubjectAltName('URI:spiffe://eventify/booking/admin'), undefined, 'a path');
  assert.equal(identityFromSubjectAltName('URI:"spiffe://eventify/booking, DNS:x"'), undefined, 'an escaped entry');
  assert.equal(identityFromSubjectAltName(undefined), undefined);
});

it("CALLS is the call graph INTERNAL_ROUTES implies, plus every service fetching auth's JWKS", () => {
  for (const caller of SERVICE_NAMES) {
    const implied = SERVICE_NAMES.filter(
      (callee) =>
        callee !== caller &&
        (callee === 'auth' || Object.values<readonly string[]>(INTERNAL_ROUTES[callee]).some((callers) => callers.includes(caller))),
    );
    assert.deepEqual([...CALLS[caller]].sort(), implied.sort(), caller);
  }
  assert.deepEqual(allowedCallers('event', 'POST', '/internal/events/:eventId/reservations'), ['booking']);
  assert.deepEqual(allowedCallers('auth', 'PUT', '/internal/users/:userId/roles'), ['user']);
  assert.deepEqual(allowedCallers('auth', 'PUT', '/internal/users/:userId/unknown'), []);
});

it('every route INTERNAL_ROUTES lists exists in its service (the services refuse to start with one it does not list)', () => {
  for (const service of SERVICE_NAMES) {
    const dir = join(root, 'services', service, 'src', 'http');
    const source = readdirSync(dir)
      .map((f) => readFileSync(join(dir, f), 'utf8'))
      .join('\n');
    for (const key of Object.keys(INTERNAL_ROUTES[service])) {
      const [method, path] = key.split(' ');
      assert.match(
        source,
        new RegExp(`app\\.${method!.toLowerCase()}\\(\\s*'${path!.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}'`),
        `${service}: ${key}`,
      );
    }
  }
});

it('a service refuses to start with an /internal route that INTERNAL_ROUTES does not list, or that is unguarded', async () => {
  const config = loadConfig('kit-test', baseConfigSchema, { PORT: '0', LOG_LEVEL: 'silent' });
  const app = await createApp({ name: 'event', config });
  const guards = createGuards(app, { service: 'event', jwksUrl: 'https://127.0.0.1:1/jwks.json', issuer: 'i', audience: 'a' });
  try {
    app.get('/internal/events/:eventId', { onRequest: guards.internalOnly }, async () => ({}));
    assert.throws(
      () => app.post('/internal/events/:eventId/secret', { onRequest: guards.internalOnly }, async () => ({})),
      /add "POST \/internal\/events\/:eventId\/secret" to INTERNAL_ROUTES\.event/,
    );
    assert.throws(() => app.get('/internal/events/:eventId/seats', async () => ({})), /needs onRequest: guards\.internalOnly/);
  } finally {
    await app.close();
  }
});
