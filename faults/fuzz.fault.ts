import assert from 'node:assert/strict';
import { createHash, randomUUID } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { after, before, it } from 'node:test';
import { Redis } from 'ioredis';
import { TEST_PASSWORD, registerUser } from '@eventify/testing';
import { ALL_SERVICES, recordFault, recordFuzzed, startFaultStack, type FaultStack } from './support/fault-stack.js';
import { fuzz, operationsOf } from './support/fuzzer.js';
import { book, paidEvent } from './support/journey.js';

let f: FaultStack;

before(async () => {
  f = await startFaultStack();
  // Some data to hide among: an event, a booking.
  const { eventId, tierId } = await paidEvent(f, 10);
  await book(f, eventId, tierId, 1);
});
after(async () => {
  await f?.stop();
});

/** Everything stored anywhere by this stack: documents (without timestamps of no-op updates), rows, stream entries. */
async function snapshot(): Promise<Record<string, string>> {
  const state: Record<string, string> = {};
  const suffix = `_${f.stack.plan.runId}`;
  for (const service of ALL_SERVICES.filter((s) => s !== 'payment')) {
    const db = f.db(service);
    for (const { name } of await db.listCollections().toArray()) {
      const documents = await db
        .collection(name)
        .find({}, { projection: { updatedAt: 0, outbox: 0, outboxPending: 0 } })
        .sort({ _id: 1 })
        .toArray();
      state[`${service}.${name}`] =
        createHash('sha256').update(JSON.stringify(documents)).digest('hex').slice(0, 16) + ` (${documents.length})`;
      const unpublished = await db.collection(name).countDocuments({ outboxPending: true });
      if (unpublished) state[`${service}.${name} outbox`] = `${unpublished} unpublished`;
    }
  }
  for (const table of ['payments', 'refunds', 'stripe_events', 'outbox', 'payment_transitions']) {
    state[`payment.${table}`] = String((await f.paymentDb.query(`select count(*) from ${table}`)).rows[0].count);
  }
  // Streams by distinct event id: relays publish at least once, and a repeat of an old fact is not a new one.
  const redis = new Redis(f.redis.url);
  for (const key of await redis.keys(`${f.stack.plan.namespace}:stream:*`)) {
    const ids = new Set((await redis.xrange(key, '-', '+')).map(([, fields]) => (JSON.parse(fields[1]!) as { id: string }).id));
    state[key] = String(ids.size);
  }
  redis.disconnect();
  assert.ok(
    Object.keys(state).some((k) => k.endsWith(suffix.slice(1)) || k.includes('.')),
    'snapshot sees the stack',
  );
  return state;
}

/**
 * The snapshot once the stack is quiet: every outbox published, and two snapshots in a row alike, a second apart.
 * Events of the set-up may still be on their way (outbox relays, consumers) on a busy machine; a fixed pause would
 * count them against the fuzzer.
 */
async function settledSnapshot(): Promise<Record<string, string>> {
  let previous = await snapshot();
  for (let round = 0; round < 30; round++) {
    await new Promise((r) => setTimeout(r, 1_000));
    const current = await snapshot();
    const quiet = !Object.keys(current).some((key) => key.endsWith(' outbox'));
    if (quiet && JSON.stringify(current) === JSON.stringify(previous)) return current;
    previous = current;
  }
  throw new Error('the stack did not settle within 30 s: something keeps writing');
}

/** A user with every role, so every operation's validation is reached (role guards run first). */
async function superUser() {
  const user = await registerUser(f.stack.api, 'organizer');
  const roles = await f.stack.api.patch(`/users/${user.id}/roles`, { roles: ['attendee', 'organizer', 'admin'] }, { token: f.admin.token });
  assert.equal(roles.status, 200, roles.text);
  const login = await f.stack.api.post('/auth/login', { email: user.email, password: TEST_PASSWORD });
  assert.equal(login.status, 200);
  return login.body.accessToken as string;
}

it("a fuzzer walking the gateway's OpenAPI document: zero 5xx, no crash, nothing stored", async () => {
  const docs = await f.stack.api.get('/docs/openapi.json');
  assert.equal(docs.status, 200);
  assert.equal(docs.body['x-unavailable'], undefined, 'every service documented');
  const operations = operationsOf(docs.body);
  assert.ok(operations.length >= 30, `operations found: ${operations.length}`);
  const token = await superUser();
  const components = docs.body.components?.schemas ?? {};
  // Surely invalid input (wrong types, operators, missing fields, malformed JSON, bad ids and cursors): refused, nothing stored.
  const before = await settledSnapshot();
  const invalid = await fuzz(f.stack.api, operations, components, token, randomUUID(), 'invalid');
  const afterwards = await settledSnapshot();
  assert.deepEqual(
    invalid.findings,
    [],
    `server errors, resets or non-problem answers:\n${JSON.stringify(invalid.findings.slice(0, 20), null, 1)}`,
  );
  assert.deepEqual(invalid.accepted, [], 'invalid requests accepted');
  const changed = Object.keys({ ...before, ...afterwards }).filter((k) => before[k] !== afterwards[k]);
  assert.deepEqual(changed, [], `stored by invalid requests: ${changed.join(', ')}`);
  // Hostile but possibly valid input (odd Unicode, huge and negative numbers, nulls, nesting): whatever it does, no 5xx.
  const hostile = await fuzz(f.stack.api, operations, components, token, randomUUID(), 'hostile');
  assert.deepEqual(
    hostile.findings,
    [],
    `server errors, resets or non-problem answers:\n${JSON.stringify(hostile.findings.slice(0, 20), null, 1)}`,
  );
  const sent = invalid.sent + hostile.sent;
  for (const name of ALL_SERVICES) assert.equal(f.stack.processes[name]!.child.exitCode, null, `${name} still running`);
  assert.equal((await f.stack.api.get('/readyz')).status, 200);
  recordFuzzed(sent);
  recordFault(
    `fuzzer: ${operations.length} operations of GET /docs/openapi.json, ${invalid.sent} invalid + ${hostile.sent} hostile-but-maybe-valid requests`,
    `0 × 5xx, 0 resets, every 4xx problem+json, invalid ones stored nothing (${Object.keys(before).length} collections/tables/streams compared), no process died`,
  );
});

/** A raw upload, so a reset shows as a socket error and not as whatever fetch makes of it. */
function upload(path: string, size: number, chunked: boolean, token?: string): Promise<{ status: number; type: string; body: string }> {
  const url = new URL(f.stack.gatewayUrl + path);
  const body = Buffer.alloc(size, 'a');
  body.write('{"email":"a@b.c","password":"');
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      {
        host: url.hostname,
        port: url.port,
        path: url.pathname,
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          ...(token ? { authorization: `Bearer ${token}` } : {}),
          ...(chunked ? { 'transfer-encoding': 'chunked' } : { 'content-length': String(size) }),
        },
      },
      (res) => {
        let text = '';
        res.on('data', (d: Buffer) => (text += d.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, type: String(res.headers['content-type']), body: text }));
      },
    );
    req.on('error', reject);
    // Written in pieces, like a phone uploading: the server answers long before the client is done.
    let offset = 0;
    const writeMore = () => {
      while (offset < body.length) {
        const piece = body.subarray(offset, offset + 64 * 1024);
        offset += piece.length;
        if (!req.write(piece)) return void req.once('drain', writeMore);
      }
      req.end();
    };
    writeMore();
  });
}

it('an oversized body gets 413 problem+json, never a connection reset', async () => {
  const cases = [
    ...Array.from({ length: 10 }, () => ['/auth/login', 3_000_000, false] as const),
    ...Array.from({ length: 5 }, () => ['/auth/login', 3_000_000, true] as const),
    ['/bookings', 3_000_000, false, f.organizer.token] as const,
    ['/payments/webhooks/stripe', 5_000_000, true] as const,
    ['/auth/register', 20_000_000, false] as const,
  ];
  const results = await Promise.all(
    cases.map(([path, size, chunked, token]) =>
      upload(path, size, chunked, token).catch((error: Error & { code?: string }) => ({
        status: 0,
        type: '',
        body: error.code ?? error.message,
      })),
    ),
  );
  for (const [i, result] of results.entries()) {
    assert.equal(result.status, 413, `${cases[i]!.slice(0, 3).join(' ')}: ${result.status} ${result.body.slice(0, 200)}`);
    assert.match(result.type, /application\/problem\+json/);
  }
  recordFault(
    `oversized bodies (${cases.length} uploads of 3–20 MB, with Content-Length and chunked, concurrent)`,
    '413 problem+json every time, no reset',
  );
});
