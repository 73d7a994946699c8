import assert from 'node:assert/strict';
import { it } from 'node:test';
import { z } from 'zod';
import { BookingSchema } from '@eventify/contracts';
import { baseConfigSchema, createApp, createGuards, loadConfig, problems } from '../src/index.js';

async function appWithGuards() {
  const config = loadConfig('kit-test', baseConfigSchema, { PORT: '0', LOG_LEVEL: 'silent' });
  const app = await createApp({ name: 'booking', config });
  const guards = createGuards(app, { service: 'booking', jwksUrl: 'https://127.0.0.1:1/jwks.json', issuer: 'i', audience: 'a' });
  return { app, guards };
}

it("documents a route's security and usual errors from its guard", async () => {
  const { app, guards } = await appWithGuards();
  try {
    const ok = { 200: BookingSchema };
    app.get('/open', { schema: { response: ok } }, async () => undefined as never);
    app.get(
      '/mine/:id',
      { onRequest: guards.authenticate, schema: { params: z.object({ id: z.string() }), response: ok } },
      async () => undefined as never,
    );
    app.post(
      '/admin',
      { onRequest: guards.requireRole('admin'), schema: { response: { ...ok, ...problems(409) } } },
      async () => undefined as never,
    );
    app.get('/maybe', { onRequest: guards.optionalAuth, schema: { response: ok } }, async () => undefined as never);
    await app.ready();
    const spec = app.swagger() as {
      paths: Record<string, Record<string, { security?: unknown; responses: Record<string, { content?: Record<string, unknown> }> }>>;
    };
    const statuses = (path: string, method = 'get') => Object.keys(spec.paths[path]![method]!.responses).sort();
    assert.equal(spec.paths['/open']!.get!.security, undefined);
    assert.deepEqual(statuses('/open'), ['200', '400', '503']);
    assert.deepEqual(spec.paths['/mine/{id}']!.get!.security, [{ bearerAuth: [] }]);
    assert.deepEqual(statuses('/mine/{id}'), ['200', '400', '401', '403', '404', '503']);
    assert.deepEqual(spec.paths['/admin']!.post!.security, [{ bearerAuth: [] }]);
    assert.deepEqual(statuses('/admin', 'post'), ['200', '400', '401', '403', '409', '413', '415', '503']);
    assert.deepEqual(spec.paths['/maybe']!.get!.security, [{}, { bearerAuth: [] }]);
    assert.ok(spec.paths['/admin']!.post!.responses['409']!.content!['application/problem+json'], 'errors are problem+json');
  } finally {
    await app.close();
  }
});

it('refuses a route that writes its security by hand, or does not say what it answers', async () => {
  const { app, guards } = await appWithGuards();
  try {
    assert.throws(
      () =>
        app.get(
          '/hand',
          { onRequest: guards.authenticate, schema: { security: [{ bearerAuth: [] }], response: { 200: BookingSchema } } },
          async () => undefined as never,
        ),
      /do not write schema\.security by hand/,
    );
    assert.throws(
      () => app.get('/silent', { onRequest: guards.authenticate }, async () => ({})),
      /declare the success answer in schema\.response/,
    );
    // Hidden and internal routes are not documented, so they need neither.
    app.get('/hidden', { schema: { hide: true } }, async () => ({}));
  } finally {
    await app.close();
  }
});
