import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { KeyRing, keyRingSetting } from '../src/crypto/envelope.js';

const key = () => randomBytes(32);

describe('KeyRing (AES-256-GCM envelopes)', () => {
  it('opens what it sealed, in the same context only', () => {
    const ring = new KeyRing([key()]);
    const sealed = ring.seal('the secret', 'signing-key:k1');
    assert.ok(!sealed.includes('the secret'));
    assert.notEqual(ring.seal('the secret', 'signing-key:k1'), sealed, 'a fresh IV each time');
    assert.equal(ring.open(sealed, 'signing-key:k1'), 'the secret');
    assert.throws(() => ring.open(sealed, 'signing-key:k2'));
  });

  it('refuses a tampered envelope', () => {
    const ring = new KeyRing([key()]);
    const [v, id, iv, body] = ring.seal('the secret', 'c').split('.');
    const flipped = Buffer.from(body!, 'base64url');
    flipped[0]! ^= 1;
    assert.throws(() => ring.open([v, id, iv, flipped.toString('base64url')].join('.'), 'c'));
    assert.throws(() => ring.open('not an envelope', 'c'), /not a sealed envelope/);
  });

  it('rotates: the first key seals, any opens, and envelopes under an older key are stale', () => {
    const [older, newer] = [key(), key()];
    const before = new KeyRing([older]).seal('kept', 'c');
    const ring = new KeyRing([newer, older]);
    assert.equal(ring.open(before, 'c'), 'kept');
    assert.ok(ring.isStale(before));
    assert.ok(!ring.isStale(ring.seal('kept', 'c')));
    assert.throws(() => new KeyRing([newer]).open(before, 'c'), /not configured/);
  });

  it('is configured as base64 32-byte keys, comma separated, refusing anything else', () => {
    const [a, b] = [key(), key()];
    const ring = keyRingSetting().parse(`${a.toString('base64')}, ${b.toString('base64')}`);
    assert.equal(ring.open(new KeyRing([b]).seal('x', 'c'), 'c'), 'x');
    assert.throws(() => keyRingSetting().parse('too-short'));
    assert.throws(() => keyRingSetting().parse(randomBytes(40).toString('base64')), /32 bytes/);
  });
});
