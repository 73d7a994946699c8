import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { after, before, describe, it } from 'node:test';
import { SignJWT, exportJWK, generateKeyPair, type CryptoKey } from 'jose';
import { cacheVerifications, createAccessTokenVerifier, type AccessTokenVerifier } from '../src/index.js';

// The real verifier against a real JWKS endpoint; the cache in front of it is what is under test.
let server: Server;
let privateKey: CryptoKey;
let verifier: AccessTokenVerifier;
let verifications = 0;
const counted: AccessTokenVerifier = (token) => {
  verifications++;
  return verifier(token);
};
const sign = (subject: string, expiresAt: number) =>
  new SignJWT({ roles: ['attendee'] })
    .setProtectedHeader({ alg: 'EdDSA', kid: 'k1' })
    .setSubject(subject)
    .setIssuer('iss')
    .setAudience('aud')
    .setIssuedAt()
    .setExpirationTime(Math.floor(expiresAt / 1000))
    .sign(privateKey);

before(async () => {
  const pair = await generateKeyPair('EdDSA', { crv: 'Ed25519' });
  privateKey = pair.privateKey;
  const jwks = JSON.stringify({ keys: [{ ...(await exportJWK(pair.publicKey)), kid: 'k1', alg: 'EdDSA' }] });
  server = createServer((_request, response) => response.setHeader('content-type', 'application/json').end(jwks));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  verifier = createAccessTokenVerifier({ jwksUrl: `http://127.0.0.1:${port}/jwks`, issuer: 'iss', audience: 'aud' });
});
after(() => server?.close());

describe('cached token verification', () => {
  it('checks a token once, then answers from the cache with the same principal', async () => {
    const verify = cacheVerifications(counted);
    const token = await sign('u1', Date.now() + 600_000);
    verifications = 0;
    const first = await verify(token);
    const second = await verify(token);
    assert.equal(verifications, 1);
    assert.deepEqual(second, first);
    assert.equal(first.userId, 'u1');
  });

  it('never uses an entry past the token expiry: the expired token is checked again and refused', async () => {
    const verify = cacheVerifications(counted);
    const token = await sign('u2', Date.now() + 1_500);
    verifications = 0;
    await verify(token);
    await new Promise((r) => setTimeout(r, 2_100));
    await assert.rejects(verify(token), (error: Error & { status?: number }) => error.status === 401);
    assert.equal(verifications, 2);
  });

  it('remembers no failure, and forgets the least recently used beyond its size', async () => {
    const verify = cacheVerifications(counted, { maxEntries: 2 });
    verifications = 0;
    for (let i = 0; i < 2; i++) await assert.rejects(verify('not.a.token'));
    assert.equal(verifications, 2);
    const [t1, t2, t3] = await Promise.all(['a', 'b', 'c'].map((s) => sign(s, Date.now() + 600_000)));
    verifications = 0;
    for (const token of [t1!, t2!, t1!, t3!]) await verify(token); // t2 is now the least recently used: dropped for t3
    assert.equal(verifications, 3);
    await verify(t1!);
    assert.equal(verifications, 3);
    await verify(t2!);
    assert.equal(verifications, 4);
  });
});
