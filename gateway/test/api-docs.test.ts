import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { existingServices, poll, startTestStack, type TestStack } from '@eventify/testing';
import { mergeDocuments, type OpenApiDocument } from '../src/docs.js';
import { isPublicRoute } from '../src/public-routes.js';
import { ResponseChecker } from '../src/response-check.js';

// The API docs of the whole platform, as a client developer gets them: every service behind a real gateway.
let stack: TestStack;
let docs: OpenApiDocument;

before(async () => {
  stack = await startTestStack({
    services: existingServices(),
    // Short, so the cache's refresh can be watched.
    env: { gateway: { DOCS_TTL_MS: '3000', DOCS_RETRY_MS: '500' } },
    readyTimeoutMs: 180_000,
  });
  const response = await stack.api.get('/docs/openapi.json');
  assert.equal(response.status, 200, response.text);
  docs = response.body;
});
after(async () => {
  await stack?.stop();
});

const operations = () =>
  Object.entries(docs.paths).flatMap(([path, item]) =>
    Object.entries(item).map(([method, operation]) => ({ path, method: method.toUpperCase(), operation })),
  );

const refsOf = (value: unknown, found: string[] = []): string[] => {
  if (Array.isArray(value)) value.forEach((v) => refsOf(v, found));
  else if (value && typeof value === 'object') {
    const ref = (value as { $ref?: unknown }).$ref;
    if (typeof ref === 'string') found.push(ref);
    Object.values(value).forEach((v) => refsOf(v, found));
  }
  return found;
};

describe('the merged API document', () => {
  it('documents every service, and every operation answers with a schema', () => {
    assert.equal(docs['x-unavailable'], undefined);
    assert.deepEqual(
      docs.tags.map((t) => t.name),
      [...existingServices()].sort(),
    );
    const all = operations();
    assert.ok(all.length >= 45, `${all.length} operations`);
    const missing = all.filter(({ operation }) => {
      const success = Object.entries(operation.responses ?? {}).filter(([status]) => /^2\d\d$/.test(status));
      // A success answer with a schema, or a 204 without a body.
      return !success.length || !success.every(([status, r]) => status === '204' || Object.values(r.content ?? {}).every((c) => c.schema));
    });
    assert.deepEqual(
      missing.map(({ method, path }) => `${method} ${path}`),
      [],
      'operations without a documented success answer',
    );
    for (const { method, path, operation } of all) {
      for (const [status, response] of Object.entries(operation.responses ?? {})) {
        if (Number(status) >= 400)
          assert.ok(response.content?.['application/problem+json'], `${method} ${path} ${status}: errors are problem+json`);
      }
    }
    assert.ok(!all.some(({ path }) => path.startsWith('/internal/')), 'no internal route');
  });

  it('names each schema after its service, and every $ref resolves', () => {
    const names = Object.keys(docs.components.schemas);
    assert.ok(names.includes('booking.Booking') && names.includes('event.OwnedEvent'), names.join(', '));
    assert.ok(
      names.every((name) => name === 'Problem' || existingServices().some((service) => name.startsWith(`${service}.`))),
      names.join(', '),
    );
    assert.ok(!names.some((name) => name.endsWith('.Problem')), `one Problem for every service: ${names.join(', ')}`);
    const dangling = refsOf(docs).filter(
      (ref) => !ref.startsWith('#/components/schemas/') || !docs.components.schemas[ref.slice('#/components/schemas/'.length)],
    );
    assert.deepEqual([...new Set(dangling)], []);
  });

  it("says which operations need a token exactly as the gateway enforces it (security follows from the service's guard)", () => {
    const disagreements = operations().filter(({ path, method, operation }) => {
      const tokenNeeded = operation.security !== undefined && !operation.security.some((s) => Object.keys(s as object).length === 0);
      const concrete = path.replace(/\{[^}]+\}/g, 'some-id');
      return tokenNeeded === isPublicRoute(method, concrete);
    });
    assert.deepEqual(
      disagreements.map(({ method, path, operation }) => `${method} ${path}: ${JSON.stringify(operation.security)}`),
      [],
    );
    const byPath = (method: string, path: string) => docs.paths[path]![method]!;
    assert.deepEqual(byPath('get', '/events/{id}').security, [{}, { bearerAuth: [] }], 'optional: a token shows the organizer more');
    assert.ok(byPath('get', '/users').responses?.['403'], 'a role guard documents 403');
  });

  it('documents the Idempotency-Key header where a retry may repeat a write, and where only', () => {
    const withKey = operations()
      .filter(({ operation }) =>
        ((operation as { parameters?: { in: string; name: string }[] }).parameters ?? []).some(
          (p) => p.in === 'header' && p.name === 'idempotency-key',
        ),
      )
      .map(({ method, path }) => `${method} ${path}`);
    assert.deepEqual(withKey.sort(), ['POST /bookings', 'POST /payments/{id}/refund']);
  });

  it("keeps two services' schemas of the same name apart", () => {
    const merged = mergeDocuments(
      {
        event: {
          paths: {
            '/events': {
              get: { responses: { '200': { content: { 'application/json': { schema: { $ref: '#/components/schemas/Event' } } } } } },
            },
          },
          components: { schemas: { Event: { title: 'event' } } },
        },
        booking: {
          paths: {
            '/bookings': {
              get: { responses: { '200': { content: { 'application/json': { schema: { $ref: '#/components/schemas/Event' } } } } } },
            },
          },
          components: { schemas: { Event: { title: 'booking' }, Unused: {} } },
        },
      },
      [],
    );
    assert.deepEqual(merged.components.schemas['event.Event'], { title: 'event' });
    assert.deepEqual(merged.components.schemas['booking.Event'], { title: 'booking' });
    assert.equal(merged.components.schemas['booking.Unused'], undefined, 'only what the operations use');
    assert.deepEqual(merged.paths['/bookings']!.get!.responses!['200']!.content!['application/json']!.schema, {
      $ref: '#/components/schemas/booking.Event',
    });
  });
});

describe('the check of every answer against the document', () => {
  const notification = {
    id: 'n1',
    kind: 'welcome',
    title: 'Hi',
    body: 'Welcome',
    data: {},
    createdAt: '2026-01-01T00:00:00.000Z',
    readAt: null,
    deliveries: [],
  };
  const problem = JSON.stringify({
    type: 'https://eventify.dev/problems/not-found',
    title: 'Not found',
    status: 404,
    detail: 'No such notification.',
  });

  it('passes an answer as documented', () => {
    const checker = new ResponseChecker(docs);
    assert.equal(
      checker.check('POST', '/notifications/n1/read', 200, 'application/json; charset=utf-8', JSON.stringify(notification)),
      undefined,
    );
    assert.equal(checker.check('POST', '/notifications/n1/read', 404, 'application/problem+json; charset=utf-8', problem), undefined);
    assert.equal(
      checker.check(
        'GET',
        '/events/mine',
        429,
        'application/problem+json',
        JSON.stringify({ type: 't', title: 'Too many', status: 429, retryAfter: 3 }),
      ),
      undefined,
      'extension members',
    );
  });

  it('flags a missing field, a field the schema does not have, a status or a content type not documented', () => {
    const checker = new ResponseChecker(docs);
    const { readAt: _readAt, ...withoutReadAt } = notification;
    assert.match(checker.check('POST', '/notifications/n1/read', 200, 'application/json', JSON.stringify(withoutReadAt)) ?? '', /readAt/);
    assert.match(
      checker.check('POST', '/notifications/n1/read', 200, 'application/json', JSON.stringify({ ...notification, secret: 1 })) ?? '',
      /additional properties/,
    );
    assert.match(
      checker.check('POST', '/notifications/n1/read', 409, 'application/problem+json', problem) ?? '',
      /status 409 is not among/,
    );
    assert.match(checker.check('POST', '/notifications/n1/read', 404, 'application/json', problem) ?? '', /content type/);
    assert.match(checker.check('GET', '/notifications/nowhere/else', 200, 'application/json', '{}') ?? '', /does not have/);
  });
});

describe('the document is cached', () => {
  it('is kept until its time is up, then lists a service that went away, and takes it back once it answers', async () => {
    await stack.stopService('qr');
    const cached = await stack.api.get('/docs/openapi.json');
    assert.ok(cached.body.paths['/tickets'], 'served from the cache: the qr service was not asked');
    const without = await poll(
      async () => {
        const response = await stack.api.get('/docs/openapi.json');
        return response.body['x-unavailable'] ? response.body : undefined;
      },
      'the document to be built again',
      15_000,
    );
    assert.deepEqual(without['x-unavailable'], ['qr']);
    assert.equal(without.paths['/tickets'], undefined);
    await stack.startService('qr');
    // Asked again soon (DOCS_RETRY_MS), not after the whole TTL.
    await poll(
      async () => ((await stack.api.get('/docs/openapi.json')).body.paths['/tickets'] ? true : undefined),
      'qr to be back in the document',
      15_000,
    );
  });
});
