import assert from 'node:assert/strict';
import { createPublicKey, randomBytes, verify } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { MongoClient, type Db } from 'mongodb';
import { Mutex, connectRedis, createLogger, type RedisHandle } from '@eventify/kit';
import { infraFromEnv, mongoUrlFor } from '@eventify/testing';
import { TicketKeysRepository } from '../src/data/ticket-keys-repository.js';
import { TicketCodes, legacyCode, ticketIdFor } from '../src/domain/ticket-code.js';
import { TicketKeys, sealingKeyFrom } from '../src/domain/ticket-keys.js';

// The real key store: a database of its own on the MongoDB-protocol server, and the Redis lock.
const infra = infraFromEnv();
const runId = randomBytes(4).toString('hex');
const namespace = `ticket-code-test-${runId}`;
const secret = 'a-test-secret-that-is-long-enough-0123';
const log = createLogger('qr-test', 'silent');
let mongo: MongoClient;
let db: Db;
let redis: RedisHandle;

before(async () => {
  mongo = await MongoClient.connect(mongoUrlFor(infra.mongo, `qr_codes_${runId}`));
  db = mongo.db();
  redis = await connectRedis(infra.redis);
});
after(async () => {
  await db?.dropDatabase().catch(() => undefined);
  await mongo?.close();
  const keys = await redis.redis.keys(`${namespace}:*`);
  if (keys.length) await redis.redis.del(...keys);
  await redis?.close();
});

/** A replica's view of the key store: what a qr service process builds at start-up. */
async function replica(sealingSecret = secret) {
  const keys = new TicketKeys(new TicketKeysRepository(db), new Mutex(redis.redis, namespace), sealingKeyFrom(sealingSecret), log);
  await keys.ensureSigningKey();
  return { keys, codes: new TicketCodes(keys, secret) };
}

const ticket = { ticketId: ticketIdFor('booking-1', 1), eventId: '6d1f9a52-6f0e-4a57-9a43-1d7c8f0b7e21' };

/** Every code that differs from `code` in exactly one character (each position changed to another base64url character). */
function oneCharacterChanges(code: string): string[] {
  return [...code].map((c, i) => code.slice(0, i) + (c === 'A' ? 'B' : 'A') + code.slice(i + 1));
}

describe('ET2 ticket codes (Ed25519, with a key id)', () => {
  it('verifies what it signed, names ticket and event, and refuses every one-character change', async () => {
    const { codes } = await replica();
    const code = await codes.sign(ticket);
    assert.match(code, /^ET2\.tkt_[A-Za-z0-9_-]{22}\.[0-9a-f-]{36}\.[A-Za-z0-9_-]{8}\.[A-Za-z0-9_-]{86}$/);
    assert.deepEqual(await codes.verify(code), ticket);
    for (const changed of oneCharacterChanges(code)) assert.equal(await codes.verify(changed), undefined, changed);
  });

  it('refuses a code naming a key id that does not exist, and malformed codes', async () => {
    const { codes } = await replica();
    const [version, ticketId, eventId, , signature] = (await codes.sign(ticket)).split('.');
    assert.equal(await codes.verify([version, ticketId, eventId, 'nosuchk1', signature].join('.')), undefined);
    for (const garbage of [
      '',
      'ET2',
      'ET2.a.b.c',
      'ET2.a.b.c.d.e',
      `ET2.${ticketId}.${eventId}..${signature}`,
      'https://example.com/ticket',
    ]) {
      assert.equal(await codes.verify(garbage), undefined, garbage);
    }
  });

  it('after a rotation, new codes name the new key and codes signed by the retired key still verify, on every replica', async () => {
    const first = await replica();
    const other = await replica();
    const before = await first.codes.sign(ticket);
    const rotation = await first.keys.rotate();
    assert.ok(rotation.retiredKids.includes(before.split('.')[3]!));
    const after = await first.codes.sign(ticket);
    assert.equal(after.split('.')[3], rotation.activeKid);
    assert.deepEqual(await first.codes.verify(before), ticket, 'retired key still verifies');
    // The other replica learns of the new key id at its first sight of it (re-reading keys at most every 100 ms:
    // by the time a ticket signed with a new key reaches a door, far more time has passed).
    await new Promise((resolve) => setTimeout(resolve, 150));
    assert.deepEqual(await other.codes.verify(after), ticket);
    assert.deepEqual(await other.codes.verify(before), ticket);
    const published = await other.keys.publicKeys();
    assert.ok(published.some((k) => k.kid === rotation.activeKid) && published.some((k) => k.kid === before.split('.')[3]));
  });

  it('a door checks a code with the public key alone: Ed25519 over the text before the last dot', async () => {
    const { codes, keys } = await replica();
    const code = await codes.sign(ticket);
    const kid = code.split('.')[3]!;
    const { publicKey } = (await keys.publicKeys()).find((k) => k.kid === kid)!;
    assert.equal(Buffer.from(publicKey, 'base64url').length, 32);
    const key = createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: publicKey }, format: 'jwk' });
    const cut = code.lastIndexOf('.');
    assert.equal(verify(null, Buffer.from(code.slice(0, cut)), key, Buffer.from(code.slice(cut + 1), 'base64url')), true);
    assert.equal(
      verify(null, Buffer.from(code.slice(0, cut).replace('ET2', 'ET3')), key, Buffer.from(code.slice(cut + 1), 'base64url')),
      false,
    );
  });

  it('stores private keys sealed: nothing in the database signs, and another sealing key cannot start', async () => {
    await replica();
    for (const stored of await db.collection('ticket_keys').find().toArray()) {
      const text = JSON.stringify(stored);
      assert.doesNotMatch(text, /PRIVATE KEY|"d":/);
      assert.equal(Object.keys(stored.privateKey).sort().join(','), 'data,iv,tag');
    }
    await assert.rejects(replica('another-sealing-secret-that-is-long-enough'), /cannot be unsealed/);
  });
});

describe('ET1 ticket codes (issued before ET2)', () => {
  it('still verify with the old secret; a changed character or another secret does not', async () => {
    const { codes } = await replica();
    const code = legacyCode(secret, ticket);
    assert.match(code, /^ET1\./);
    assert.deepEqual(await codes.verify(code), ticket);
    for (const changed of oneCharacterChanges(code)) assert.equal(await codes.verify(changed), undefined, changed);
    assert.equal(await codes.verify(legacyCode('another-secret-that-is-long-enough-99', ticket)), undefined);
  });
});

it('gives every seat of a booking its own stable ticket id', () => {
  assert.equal(ticketIdFor('b', 1), ticketIdFor('b', 1));
  assert.notEqual(ticketIdFor('b', 1), ticketIdFor('b', 2));
  assert.notEqual(ticketIdFor('b', 1), ticketIdFor('c', 1));
});
