import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  freePort,
  gatewayEnv,
  httpClient,
  startProcess,
  startTestStack,
  type HttpClient,
  type RunningProcess,
  type TestStack,
} from '@eventify/testing';

// Sign-in throttling per client address, through real gateways: the auth service counts the address the gateway
// derived (trusting X-Forwarded-For only from TRUST_PROXY), never the gateway's own address, never a client's claim.
const password = 'a sturdy passphrase';
const PER_ADDRESS = 3;
let stack: TestStack;
let untrusting: RunningProcess;
let counter = 0;

before(async () => {
  stack = await startTestStack({
    services: ['auth'],
    // The test client plays the load balancer in front of the gateway: its address is the trusted proxy.
    env: { auth: { LOGIN_MAX_FAILURES_PER_IP: String(PER_ADDRESS) }, gateway: { TRUST_PROXY: '127.0.0.1/32' } },
  });
  // A second gateway with the default (no trusted proxy): clients connect to it directly.
  untrusting = await startProcess({
    name: 'gateway-no-proxy',
    entry: 'gateway/src/main.ts',
    port: await freePort(),
    readyPath: '/healthz',
    env: { ...gatewayEnv(stack.plan, ['auth']), OPS_PORT: '0', RATE_LIMIT_SENSITIVE_MAX: '1000' },
  });
});
after(async () => {
  await untrusting?.stop();
  await stack?.stop();
});

async function account(api: HttpClient): Promise<string> {
  const email = `address${++counter}-${Date.now()}@example.com`;
  assert.equal((await api.post('/auth/register', { email, password, name: 'Addressed' })).status, 201);
  return email;
}
const from = (address: string) => ({ headers: { 'x-forwarded-for': address } });

async function failFrom(api: HttpClient, address: string): Promise<void> {
  const victim = await account(api);
  // Each failure against another account: only the per-address limit is at work, not the per-account wait.
  for (let i = 0; i < PER_ADDRESS; i++) {
    const other = i === 0 ? victim : await account(api);
    assert.equal((await api.post('/auth/login', { email: other, password: 'a wrong guess' }, from(address))).status, 401);
  }
}

describe('sign-in throttling by client address', () => {
  it('behind a trusted proxy: failures from address A do not stop a correct sign-in from address B', async () => {
    await failFrom(stack.api, '198.51.100.1');
    const email = await account(stack.api);
    const fromA = await stack.api.post('/auth/login', { email, password }, from('198.51.100.1'));
    assert.equal(fromA.status, 429, 'address A has used up its failures');
    assert.match(fromA.headers.get('content-type')!, /problem\+json/);
    assert.ok(Number(fromA.headers.get('retry-after')) > 0);
    assert.match(fromA.body.detail, /from your network/);
    assert.equal((await stack.api.post('/auth/login', { email, password }, from('198.51.100.2'))).status, 200, 'address B signs in');
  });

  it('without a trusted proxy: a client-supplied X-Forwarded-For is ignored (the connection is the client)', async () => {
    const api = httpClient(untrusting.url);
    await failFrom(api, '203.0.113.1');
    const email = await account(api);
    const otherClaim = await api.post('/auth/login', { email, password }, from('203.0.113.2'));
    assert.equal(otherClaim.status, 429, 'claiming another address does not escape the limit');
  });

  it('believes the forwarded address from the gateway only, not from another service', async () => {
    // Straight to auth with another service's certificate: its X-Forwarded-For counts for nothing, so after
    // the previous test exhausted 127.0.0.1, a claimed fresh address is still 127.0.0.1.
    const email = await account(stack.api);
    const asUser = await stack.direct('auth', { as: 'user' }).post('/auth/login', { email, password }, from('192.0.2.77'));
    assert.equal(asUser.status, 429);
    const asGateway = await stack.direct('auth', { as: 'gateway' }).post('/auth/login', { email, password }, from('192.0.2.77'));
    assert.equal(asGateway.status, 200, 'the gateway is believed');
  });
});
