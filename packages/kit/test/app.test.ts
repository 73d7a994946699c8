import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { z } from 'zod';
import { ConfigError, baseConfigSchema, conflict, createApp, loadConfig, type App } from '../src/index.js';

let app: App;
let base: string;
let dependencyUp = true;

before(async () => {
  const config = loadConfig('kit-test', baseConfigSchema, { PORT: '0', LOG_LEVEL: 'silent', BODY_LIMIT_BYTES: '1024' });
  app = await createApp({
    name: 'kit-test',
    config,
    readiness: () => [
      {
        name: 'fake-db',
        check: async () => {
          if (!dependencyUp) throw new Error('connection refused');
        },
      },
    ],
  });
  app.post(
    '/things',
    { schema: { body: z.object({ name: z.string().min(2), quantity: z.number().int().positive() }) } },
    async (request, reply) => reply.status(201).send({ created: request.body.name }),
  );
  app.get('/conflict', async () => {
    throw conflict('That seat is already taken.', 'seat-taken');
  });
  app.get('/bug', async () => {
    throw new Error('secret internal detail');
  });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address();
  base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
});
after(() => app.close());

const post = (path: string, body: string, headers: Record<string, string> = { 'content-type': 'application/json' }) =>
  fetch(base + path, { method: 'POST', body, headers });

describe('service app: problem+json for everything a client can get wrong', () => {
  it('answers a malformed JSON body with 400 problem+json', async () => {
    const response = await post('/things', '{"name": ');
    assert.equal(response.status, 400);
    assert.match(response.headers.get('content-type')!, /application\/problem\+json/);
    const problem = await response.json();
    assert.equal(problem.status, 400);
    assert.equal(problem.title, 'Malformed JSON');
  });

  it('names every invalid field', async () => {
    const response = await post('/things', JSON.stringify({ name: 'x', quantity: -1 }));
    assert.equal(response.status, 400);
    const problem = await response.json();
    const fields = problem.errors.map((e: { field: string }) => e.field).sort();
    assert.deepEqual(fields, ['body.name', 'body.quantity']);
    assert.match(problem.detail, /body\.quantity/);
  });

  it('answers a too-large body with 413', async () => {
    const response = await post('/things', JSON.stringify({ name: 'x'.repeat(5000), quantity: 1 }));
    assert.equal(response.status, 413);
    assert.equal((await response.json()).type, 'https://eventify.dev/problems/body-too-large');
  });

  it('refuses NUL and broken Unicode anywhere with 400 problem+json, before any handler sees it', async () => {
    for (const body of ['{"name": "a\\u0000b", "quantity": 1}', '{"name": "ab", "quantity": 1, "x": {"y": ["\\ud800"]}}']) {
      const response = await post('/things', body);
      assert.equal(response.status, 400, body);
      assert.match((await response.json()).detail, /NUL character or broken Unicode/);
    }
    assert.equal((await fetch(`${base}/conflict?q=%00`)).status, 400);
  });

  it('answers what Node or Fastify refuse before routing as problem+json too', async () => {
    const longUrl = await fetch(`${base}/conflict?q=${'x'.repeat(20_000)}`);
    assert.equal(longUrl.status, 431);
    assert.match(longUrl.headers.get('content-type')!, /application\/problem\+json/);
    const badEncoding = await fetch(`${base}/things/%ff%fe`);
    assert.equal(badEncoding.status, 400);
    assert.match(badEncoding.headers.get('content-type')!, /application\/problem\+json/);
  });

  it('reads a refused oversized upload to its end, so the client gets its 413 and not a reset', async () => {
    const { request } = await import('node:http');
    const url = new URL(base);
    const status = await new Promise<number>((resolve, reject) => {
      const req = request(
        {
          host: url.hostname,
          port: url.port,
          path: '/things',
          method: 'POST',
          headers: { 'content-type': 'application/json', 'content-length': String(3_000_000) },
        },
        (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        },
      );
      req.on('error', reject);
      const piece = Buffer.alloc(64 * 1024, 'a');
      let sent = 0;
      const more = () => {
        while (sent < 3_000_000) {
          const chunk = piece.subarray(0, Math.min(piece.length, 3_000_000 - sent));
          sent += chunk.length;
          if (!req.write(chunk)) return void req.once('drain', more);
        }
        req.end();
      };
      more();
    });
    assert.equal(status, 413);
  });

  it('answers a wrong content type with 415', async () => {
    const response = await post('/things', 'name=x', { 'content-type': 'application/x-www-form-urlencoded' });
    assert.equal(response.status, 415);
  });

  it('answers an unknown route with 404 problem+json naming it', async () => {
    const response = await fetch(`${base}/nowhere?x=1`);
    assert.equal(response.status, 404);
    const problem = await response.json();
    assert.equal(problem.detail, 'There is no GET /nowhere here.');
  });

  it('turns an AppError into its status and type', async () => {
    const response = await fetch(`${base}/conflict`);
    assert.equal(response.status, 409);
    const problem = await response.json();
    assert.equal(problem.type, 'https://eventify.dev/problems/seat-taken');
    assert.equal(problem.detail, 'That seat is already taken.');
  });

  it('hides the details of an unexpected error behind a 500 with the request id', async () => {
    const response = await fetch(`${base}/bug`, { headers: { 'x-request-id': 'req-123' } });
    assert.equal(response.status, 500);
    const problem = await response.json();
    assert.doesNotMatch(JSON.stringify(problem), /secret internal detail/);
    assert.match(problem.detail, /req-123/);
  });

  it('accepts the caller request id and echoes it; replaces an unsafe one', async () => {
    const kept = await fetch(`${base}/healthz`, { headers: { 'x-request-id': 'abc-123' } });
    assert.equal(kept.headers.get('x-request-id'), 'abc-123');
    const replaced = await fetch(`${base}/healthz`, { headers: { 'x-request-id': 'bad id\twith spaces' } });
    assert.match(replaced.headers.get('x-request-id')!, /^[0-9a-f-]{36}$/);
  });
});

describe('service app: health, readiness, metrics, OpenAPI', () => {
  it('is alive, and ready only while its dependencies answer', async () => {
    assert.equal((await fetch(`${base}/healthz`)).status, 200);
    assert.equal((await fetch(`${base}/readyz`)).status, 200);
    dependencyUp = false;
    const down = await fetch(`${base}/readyz`);
    dependencyUp = true;
    assert.equal(down.status, 503);
    const problem = await down.json();
    assert.equal(problem.checks['fake-db'].status, 'down');
    assert.match(problem.detail, /fake-db/);
  });

  it('exposes Prometheus metrics with per-route request counts', async () => {
    await fetch(`${base}/healthz`);
    const text = await (await fetch(`${base}/metrics`)).text();
    assert.match(text, /http_requests_total\{method="GET",route="\/healthz",status="200",service="kit-test"\} \d+/);
    assert.match(text, /process_cpu_user_seconds_total/);
  });

  it('documents its routes, with request schemas, in /openapi.json', async () => {
    const spec = await (await fetch(`${base}/openapi.json`)).json();
    assert.ok(spec.paths['/things'].post.requestBody);
    assert.equal(spec.paths['/healthz'], undefined);
  });
});

describe('configuration', () => {
  it('fails fast naming every bad setting, without echoing secrets', () => {
    const schema = baseConfigSchema.extend({ API_SECRET: z.string().min(32) });
    assert.throws(
      () => loadConfig('demo', schema, { PORT: 'eighty', API_SECRET: 'short' }),
      (error: unknown) =>
        error instanceof ConfigError &&
        /PORT: .*got "eighty"/.test(error.message) &&
        /API_SECRET: .*<redacted>/.test(error.message) &&
        !error.message.includes('short'),
    );
  });

  it('applies defaults', () => {
    const config = loadConfig('demo', baseConfigSchema, { PORT: '3000' });
    assert.equal(config.PORT, 3000);
    assert.equal(config.LOG_LEVEL, 'info');
  });
});
