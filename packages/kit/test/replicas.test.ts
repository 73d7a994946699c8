import assert from 'node:assert/strict';
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, it } from 'node:test';
import { replicaDispatcher, replicaUrls, safeToRetry } from '../src/index.js';

// Two real HTTP servers as replicas and a port nobody listens on (a replica that is down), driven through the
// dispatcher the gateway and the service clients use.
const servers: Server[] = [];
const received: number[] = [0, 0];
let live: string[] = [];
let dead: string;

before(async () => {
  for (const index of [0, 1]) {
    const server = createServer((request, response) => {
      received[index]!++;
      request.resume();
      // "/cut": the replica dies after reading the request, before answering (what kill -9 mid-request looks like).
      if (request.url === '/cut') return void request.on('end', () => request.socket.destroy());
      request.on('end', () => response.end(JSON.stringify({ replica: index })));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    servers.push(server);
  }
  live = servers.map((s) => `http://127.0.0.1:${(s.address() as AddressInfo).port}`);
  // A port that was free a moment ago and that nobody listens on now.
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  dead = `http://127.0.0.1:${(probe.address() as AddressInfo).port}`;
  await new Promise((resolve) => probe.close(resolve));
});
after(async () => {
  await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))));
});

async function call(dispatcher: ReturnType<typeof replicaDispatcher>, method: string, path = '/', body?: string) {
  const response = await dispatcher.request({ origin: live[0]!, path, method, ...(body === undefined ? {} : { body }) });
  return { status: response.statusCode, body: (await response.body.json()) as { replica: number } };
}

it('reads a comma-separated list of replica URLs', () => {
  assert.deepEqual(replicaUrls(' https://a:1/, https://b:2 ,'), ['https://a:1', 'https://b:2']);
  assert.deepEqual(replicaUrls('https://svc:3004'), ['https://svc:3004']);
});

it('spreads requests over every replica', async () => {
  const dispatcher = replicaDispatcher(live);
  try {
    const answers = await Promise.all(Array.from({ length: 40 }, () => call(dispatcher, 'GET')));
    const served = new Set(answers.map((a) => a.body.replica));
    assert.deepEqual([...served].sort(), [0, 1]);
  } finally {
    await dispatcher.close();
  }
});

it('sends a request refused by a replica that is down to another, POST too, and soon stops trying the dead one', async () => {
  const deadPort = Number(new URL(dead).port);
  let attemptsOnDead = 0;
  const onError = (message: unknown) => {
    if ((message as { connectParams: { port: string | number } }).connectParams.port == deadPort) attemptsOnDead++;
  };
  subscribe('undici:client:connectError', onError);
  const dispatcher = replicaDispatcher([live[0]!, dead, live[1]!]);
  try {
    for (let i = 0; i < 30; i++) {
      const answer = await call(dispatcher, i % 2 ? 'POST' : 'GET', '/', i % 2 ? '{"n":1}' : undefined);
      assert.equal(answer.status, 200);
    }
    const learned = attemptsOnDead;
    assert.ok(learned >= 1, 'the dead replica was tried at first');
    // Within its first handful of refusals the dead replica is down to one request in a hundred.
    for (let i = 0; i < 200; i++) assert.equal((await call(dispatcher, 'POST', '/', '{}')).status, 200);
    assert.ok(attemptsOnDead - learned <= 3, `the dead replica kept getting requests: ${attemptsOnDead - learned} more attempts`);
  } finally {
    unsubscribe('undici:client:connectError', onError);
    await dispatcher.close();
  }
});

it('does not repeat a POST cut after it was sent (it may have run); repeats a GET', async () => {
  const dispatcher = replicaDispatcher(live);
  try {
    const before = received[0]! + received[1]!;
    await assert.rejects(
      call(dispatcher, 'POST', '/cut', '{}'),
      (error: Error & { code?: string }) => error.code === 'UND_ERR_SOCKET' || error.code === 'ECONNRESET',
    );
    assert.equal(received[0]! + received[1]! - before, 1, 'the POST reached one replica, once');
    const getBefore = received[0]! + received[1]!;
    await assert.rejects(call(dispatcher, 'GET', '/cut'));
    assert.ok(received[0]! + received[1]! - getBefore >= 2, 'the GET was tried again');
  } finally {
    await dispatcher.close();
  }
  assert.equal(safeToRetry('POST', 'ECONNREFUSED'), true);
  assert.equal(safeToRetry('POST', 'ECONNRESET'), false);
  assert.equal(safeToRetry('PUT', 'UND_ERR_SOCKET'), true);
  assert.equal(safeToRetry('GET', 'UND_ERR_HEADERS_TIMEOUT'), false);
});
