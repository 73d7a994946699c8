import { randomUUID } from 'node:crypto';
import { SignJWT, exportJWK, generateKeyPair, importJWK, type JWK, type KeyObject, type CryptoKey } from 'jose';
import type { Role } from '@eventify/contracts';
import type { KeysRepository, StoredKey } from '../data/keys-repository.js';

type PrivateKey = KeyObject | CryptoKey | Uint8Array;

interface LoadedKey {
  kid: string;
  privateKey: PrivateKey;
  publicJwk: JWK;
  /** After this instant the key no longer appears in the JWKS. */
  retiresAt: Date | null;
}

export interface SigningKeyOptions {
  issuer: string;
  audience: string;
  accessTokenTtlSeconds: number;
  /** Keys from configuration (operators manage rotation themselves); otherwise MongoDB. */
  configuredJwks?: string | undefined;
}

/**
 * Access-token signing keys. One active key signs; retired keys stay published until every token they
 * signed has expired, so rotation never logs anybody out. Keys live in MongoDB so every replica and every
 * restart signs with the same key (stored encrypted: see KeysRepository), or come from configuration (JWT_PRIVATE_JWKS).
 */
export class SigningKeys {
  private cache: { loadedAt: number; keys: LoadedKey[] } | undefined;

  constructor(
    private readonly repository: KeysRepository,
    private readonly options: SigningKeyOptions,
  ) {}

  private async load(): Promise<LoadedKey[]> {
    // Short cache: a rotation done by another replica is picked up within seconds.
    if (this.cache && Date.now() - this.cache.loadedAt < 5_000) return this.cache.keys;
    let keys: LoadedKey[];
    if (this.options.configuredJwks) {
      keys = await Promise.all(parseConfiguredJwks(this.options.configuredJwks).map((jwk) => toLoaded(jwk, null)));
    } else {
      let stored = await this.repository.usable(new Date());
      if (stored.length === 0) {
        await this.repository.insert(await newStoredKey());
        stored = await this.repository.usable(new Date());
      }
      keys = await Promise.all(stored.map((k) => toLoaded(k.privateJwk, k.retiresAt)));
    }
    this.cache = { loadedAt: Date.now(), keys };
    return keys;
  }

  async sign(claims: { userId: string; roles: Role[] }): Promise<string> {
    const keys = await this.load();
    const active = keys.find((k) => k.retiresAt === null) ?? keys[0]!;
    return new SignJWT({ roles: claims.roles })
      .setProtectedHeader({ alg: 'EdDSA', kid: active.kid, typ: 'JWT' })
      .setSubject(claims.userId)
      .setIssuer(this.options.issuer)
      .setAudience(this.options.audience)
      .setIssuedAt()
      .setJti(randomUUID())
      .setExpirationTime(`${this.options.accessTokenTtlSeconds}s`)
      .sign(active.privateKey);
  }

  async jwks(): Promise<{ keys: JWK[] }> {
    return { keys: (await this.load()).map((k) => k.publicJwk) };
  }

  /** Make a new active key; the previous one verifies until its last token has expired (+60 s of clock skew). */
  async rotate(): Promise<{ activeKid: string; retiringKids: string[] }> {
    if (this.options.configuredJwks) {
      throw new Error('signing keys come from JWT_PRIVATE_JWKS; rotate them in the configuration');
    }
    const now = new Date();
    const retiresAt = new Date(now.getTime() + (this.options.accessTokenTtlSeconds + 60) * 1000);
    const fresh = await newStoredKey();
    await this.repository.insert(fresh);
    const retiring = await this.repository.retireAllExcept(fresh.kid, retiresAt);
    this.cache = undefined;
    return { activeKid: fresh.kid, retiringKids: retiring };
  }
}

function parseConfiguredJwks(raw: string): JWK[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    throw new Error('JWT_PRIVATE_JWKS is not valid JSON');
  }
  if (!Array.isArray(parsed) || parsed.length === 0) throw new Error('JWT_PRIVATE_JWKS must be a non-empty JSON array of JWKs');
  for (const jwk of parsed as JWK[]) {
    if (jwk.kty !== 'OKP' || jwk.crv !== 'Ed25519' || !jwk.d || !jwk.kid) {
      throw new Error('JWT_PRIVATE_JWKS: every key must be a private Ed25519 JWK (kty OKP, crv Ed25519, d) with a kid');
    }
  }
  return parsed as JWK[];
}

async function newStoredKey(): Promise<StoredKey> {
  const { privateKey } = await generateKeyPair('EdDSA', { crv: 'Ed25519', extractable: true });
  const kid = randomUUID();
  const privateJwk = { ...(await exportJWK(privateKey)), kid, alg: 'EdDSA', use: 'sig' };
  return { kid, privateJwk, createdAt: new Date(), retiresAt: null };
}

async function toLoaded(privateJwk: JWK, retiresAt: Date | null): Promise<LoadedKey> {
  const { d: _private, ...publicPart } = privateJwk;
  return {
    kid: privateJwk.kid!,
    privateKey: await importJWK({ ...privateJwk, alg: 'EdDSA' }, 'EdDSA'),
    publicJwk: { kty: publicPart.kty, crv: publicPart.crv, x: publicPart.x, kid: privateJwk.kid, alg: 'EdDSA', use: 'sig' },
    retiresAt,
  };
}
