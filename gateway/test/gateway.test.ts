import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { decodeProtectedHeader } from 'jose';
import {
  ensurePki,
  freePort,
  httpClient,
  startProcess,
  startTestStack,
  type HttpClient,
  type RunningProcess,
  type TestStack,
} from '@eventify/testing';

let echo: RunningProcess;
let stack: TestStack;
let api: HttpClient;
let token: string;

before(async () => {
  // The echo fixture plays the event service; auth is real, so routes that need a token get one.
  // It holds the event service's certificate, so the gateway reaches it over mutual TLS as it would the real one.
  const pki = await ensurePki();
  echo = await startProcess({
    name: 'echo',
    entry: 'gateway/test/fixtures/echo-service.ts',
    port: await freePort(),
    env: { MTLS_DIR: pki.identityDir('event') },
  });
  const closedPort = await freePort(); // nothing listens here: a service that is down
  stack = await startTestStack({
    services: ['auth'],
    env: {
      gateway: {
        EVENT_SERVICE_URL: echo.url,
        BOOKING_SERVICE_URL: `https://127.0.0.1:${closedPort}`,
        UPSTREAM_TIMEOUT_MS: '1000',
        BODY_LIMIT_BYTES: '2048',
        // Short, so the key-rotation test need not wait out the default 30 s between JWKS refetches.
        JWKS_COOLDOWN_MS: '500',
        // As in production: the access log is read below.
        LOG_LEVEL: 'info',
      },
    },
    gatewayReadyPath: '/healthz',
  });
  api = stack.api;
  // Straight to the auth service: the gateway here gives services only 1 s, and hashing a password on a busy machine can take longer.
  const registered = await stack
    .direct('auth')
    .post('/auth/register', { email: 'gateway-test@example.com', password: 'a sturdy passphrase', name: 'G' });
  token = registered.body.accessToken;
});
after(async () => {
  await stack?.stop();
  await echo?.stop();
});

describe('gateway routing', () => {
  it('forwards by prefix, keeping the path, the request id and the access token', async () => {
    const response = await api.get('/events/echo?x=1', { token, headers: { 'x-request-id': 'trace-42' } });
    assert.equal(response.body.headers.authorization, `Bearer ${token}`);
    assert.equal(response.status, 200);
    assert.equal(response.body.url, '/events/echo?x=1');
    assert.equal(response.body.headers['x-request-id'], 'trace-42');
    assert.equal(response.headers.get('x-request-id'), 'trace-42');
  });

  it('logs one access line per request, with its request id and without the token', async () => {
    assert.equal((await api.get('/events/echo', { token, headers: { 'x-request-id': 'access-log-1' } })).status, 200);
    const lines = async () => {
      await new Promise((r) => setTimeout(r, 300)); // the output reaches us a moment after the answer
      return stack.processes
        .gateway!.output()
        .split('\n')
        .filter((line) => line.includes('"access-log-1"'));
    };
    const logged = await lines();
    assert.equal(logged.length, 1, logged.join('\n'));
    assert.match(logged[0]!, /"msg":"request completed"/);
    assert.match(logged[0]!, /"statusCode":200/);
    assert.ok(!logged[0]!.includes(token.split('.')[2]!));
  });

  it('removes identity headers a client tries to set', async () => {
    const response = await api.get('/events/echo', {
      headers: { 'x-user-id': 'admin', 'x-user-roles': 'admin', 'x-internal-token': 'guess' },
    });
    assert.equal(response.body.headers['x-user-id'], undefined);
    assert.equal(response.body.headers['x-user-roles'], undefined);
    assert.equal(response.body.headers['x-internal-token'], undefined);
  });

  it('always overwrites the client address it forwards (no trusted proxy here: the connection is the client)', async () => {
    const response = await api.get('/events/echo', { headers: { 'x-forwarded-for': '6.6.6.6' } });
    assert.equal(response.body.headers['x-forwarded-for'], '127.0.0.1');
  });

  it('forwards a JSON body byte for byte', async () => {
    const response = await api.request('POST', '/events/echo', {
      token,
      rawBody: '{"name":  "Ada"}',
      headers: { 'content-type': 'application/json' },
    });
    assert.equal(response.status, 200);
    assert.deepEqual(response.body, { got: { name: 'Ada' } });
  });

  it('passes a malformed JSON body through to the service, which answers 400 problem+json', async () => {
    const response = await api.request('POST', '/events/echo', {
      token,
      rawBody: '{"name":',
      headers: { 'content-type': 'application/json' },
    });
    assert.equal(response.status, 400);
    assert.match(response.headers.get('content-type')!, /problem\+json/);
  });

  it('refuses a body larger than the limit with 413 problem+json', async () => {
    const response = await api.post('/events/echo', { name: 'x'.repeat(10_000) }, { token });
    assert.equal(response.status, 413);
    assert.match(response.headers.get('content-type')!, /problem\+json/);
  });

  it('answers an unknown route with 404 problem+json', async () => {
    const response = await api.get('/nope');
    assert.equal(response.status, 404);
    assert.equal(response.body.status, 404);
  });

  it('never exposes internal routes', async () => {
    const response = await api.post('/internal/events/x/reserve', {});
    assert.equal(response.status, 404);
  });
});

describe('gateway when services fail', () => {
  it('answers 503 problem+json for the routes of a service that is down', async () => {
    const response = await api.get('/bookings', { token });
    assert.equal(response.status, 503);
    assert.match(response.headers.get('content-type')!, /problem\+json/);
    assert.match(response.body.detail, /booking service is unavailable/);
  });

  it('answers 503 for a service that is not deployed at all', async () => {
    const response = await api.get('/payments/whatever', { token });
    assert.equal(response.status, 503);
    assert.match(response.body.detail, /payment service is not running/);
  });

  it('answers 504 problem+json when a service is too slow', async () => {
    const started = Date.now();
    const response = await api.get('/events/slow');
    assert.equal(response.status, 504);
    assert.ok(Date.now() - started < 2_900, 'the gateway gave up before the service answered');
    assert.match(response.body.detail, /did not answer in time/);
  });

  it('stays ready while a service is down: /readyz is about the gateway itself', async () => {
    const response = await api.get('/readyz');
    assert.equal(response.status, 200, response.text);
    assert.equal(response.body.checks?.redis, undefined, 'nor on Redis: rate limits fail open while it is away');
    assert.equal(response.body.services, undefined, 'the public port does not list the services');
  });

  it("lists each service's readiness on the ops port only", async () => {
    const ops = httpClient(stack.opsUrl);
    const response = await ops.get('/readyz/services');
    assert.equal(response.status, 503);
    assert.equal(response.body.services.event.status, 'ready');
    assert.equal(response.body.services.auth.status, 'ready');
    assert.equal(response.body.services.booking.status, 'unreachable');
    assert.match(response.body.detail, /booking/);
    assert.equal((await api.get('/readyz/services')).status, 404);
  });

  it("serves /metrics on the ops port, not on the public one, and no service's metrics either", async () => {
    const metrics = await httpClient(stack.opsUrl).get('/metrics');
    assert.equal(metrics.status, 200);
    assert.match(metrics.text, /^http_requests_total\{.*service="gateway"/m);
    const publicMetrics = await api.get('/metrics');
    assert.equal(publicMetrics.status, 404);
    assert.match(publicMetrics.headers.get('content-type')!, /problem\+json/);
    // The gateway forwards its public prefixes only, and no path under them is a service's /metrics.
    for (const path of ['/auth/metrics', '/auth/../metrics', '/auth/%2e%2e/metrics', '/events/..%2fmetrics']) {
      const response = await api.get(path);
      assert.ok(!/http_requests_total/.test(response.text), `${path} answered ${response.status} with metrics`);
    }
  });
});

describe('gateway docs', () => {
  it("merges the services' OpenAPI documents, namespacing their schemas", async () => {
    const response = await api.get('/docs/openapi.json');
    assert.equal(response.status, 200);
    assert.ok(response.body.paths['/events/echo'].post, 'the echo service route is documented');
    assert.deepEqual(response.body['x-unavailable'], ['booking']);
    // auth's own schemas under its name, $refs following.
    const session = response.body.paths['/auth/login'].post.responses['200'].content['application/json'].schema;
    assert.equal(session.$ref, '#/components/schemas/auth.Session');
    assert.ok(response.body.components.schemas['auth.Session'], 'the referenced schema is there');
    assert.equal(response.body.components.schemas['auth.Session'].properties.user.$ref, '#/components/schemas/auth.Account');
    assert.ok(
      !Object.keys(response.body.components.schemas).some((name) => name.startsWith('auth.') && name.includes('Booking')),
      'no schema auth does not use',
    );
    // Security follows from the guard: logout needs a token, login does not.
    assert.deepEqual(response.body.paths['/auth/logout'].post.security, [{ bearerAuth: [] }]);
    assert.equal(response.body.paths['/auth/login'].post.security, undefined);
    assert.ok(
      response.body.paths['/auth/logout'].post.responses['401'].content['application/problem+json'],
      '401 is documented as problem+json',
    );
    assert.ok(response.body.paths['/auth/login'].post.responses['429'], "the gateway's rate limit is documented");
  });

  it('serves the interactive docs at /docs, with their assets, no CDN', async () => {
    const page = await api.get('/docs');
    assert.equal(page.status, 200);
    assert.match(page.headers.get('content-type')!, /text\/html/);
    const assets = [...page.text.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]!);
    assert.ok(assets.length >= 3, page.text);
    for (const asset of assets) {
      assert.ok(!/^(https?:)?\/\//.test(asset), `${asset} is served from elsewhere`);
      const url = asset.startsWith('/') ? asset : `/docs/${asset.replace(/^\.\//, '')}`;
      assert.equal((await api.get(url)).status, 200, url);
    }
    assert.match(page.headers.get('content-security-policy')!, /script-src 'self'/);
    const json = await api.get('/docs/json');
    assert.ok(json.body.paths['/events/echo'], 'the UI reads the merged document');
  });

  it('is rate limited like the API', async () => {
    const response = await api.get('/docs/openapi.json');
    assert.ok(response.headers.get('x-ratelimit-limit'), 'counted against the per-address limit');
  });

  it('a response that does not match the document is reported, and fails the test at stack.stop()', async () => {
    assert.deepEqual(stack.takeResponseViolations(), [], 'nothing reported so far');
    const response = await api.get('/events/echo/wrong', { token });
    assert.equal(response.status, 200);
    const violations = stack.takeResponseViolations();
    assert.equal(violations.length, 1, JSON.stringify(violations));
    assert.equal(violations[0]!.operation, 'GET /events/echo/wrong');
    assert.match(violations[0]!.problem, /ok.*boolean/);
    // An undocumented status is one too: the gateway's 401 is declared (4XX) on this route, so only the wrong body counts.
    assert.equal((await api.get('/events/echo/wrong')).status, 401);
    assert.deepEqual(stack.takeResponseViolations(), []);
  });
});

describe('gateway and rotating signing keys', () => {
  it('fetches the JWKS again for a new key id, and keeps accepting tokens of the retiring key', async () => {
    const auth = stack.direct('auth', { as: 'auth' });
    const rotated = await auth.post('/internal/keys/rotate');
    assert.equal(rotated.status, 200, rotated.text);
    const login = await auth.post('/auth/login', { email: 'gateway-test@example.com', password: 'a sturdy passphrase' }); // direct: see before()
    const fresh = login.body.accessToken as string;
    assert.equal(decodeProtectedHeader(fresh).kid, rotated.body.activeKid);
    // The gateway cached the old key set; within its cool-down it must fetch the new one.
    const deadline = Date.now() + 5_000;
    let status = 0;
    while (Date.now() < deadline && status !== 200) {
      status = (await api.post('/events/echo', { name: 'k' }, { token: fresh })).status; // POST: not public, so checked
      if (status !== 200) await new Promise((r) => setTimeout(r, 100));
    }
    assert.equal(status, 200);
    assert.equal((await api.post('/events/echo', { name: 'k' }, { token })).status, 200);
    assert.equal((await api.post('/events/echo', { name: 'k' }, { token: `${fresh}x` })).status, 401); // control: it is checked
  });
});
