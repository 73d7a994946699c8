import type { Collection, Db } from 'mongodb';
import type { JWK } from 'jose';
import type { KeyRing } from '@eventify/kit';

/** A signing key as the service uses it: the private JWK in clear, in memory only. */
export interface StoredKey {
  kid: string;
  privateJwk: JWK;
  createdAt: Date;
  /** null while active; set when a newer key took over. */
  retiresAt: Date | null;
}

/** As MongoDB holds it: the private JWK sealed (AES-256-GCM, AUTH_KEY_ENCRYPTION_KEY), bound to the kid. */
interface KeyDocument {
  _id: string;
  kid: string;
  sealedPrivateJwk?: string;
  /** Only in documents written before keys were encrypted; sealed by `sealAll` at start. */
  privateJwk?: JWK;
  createdAt: Date;
  retiresAt: Date | null;
}

const context = (kid: string) => `signing-key:${kid}`;

export class KeysRepository {
  private readonly keys: Collection<KeyDocument>;
  constructor(
    db: Db,
    private readonly ring: KeyRing,
  ) {
    this.keys = db.collection('signing_keys');
  }

  /** Active key first, then keys still inside their retirement window. */
  async usable(now: Date): Promise<StoredKey[]> {
    const docs = await this.keys.find({ $or: [{ retiresAt: null }, { retiresAt: { $gt: now } }] }).toArray();
    return docs
      .map((doc) => ({ kid: doc.kid, privateJwk: this.privateJwkOf(doc), createdAt: doc.createdAt, retiresAt: doc.retiresAt }))
      .sort((a, b) => Number(a.retiresAt !== null) - Number(b.retiresAt !== null) || b.createdAt.getTime() - a.createdAt.getTime());
  }

  async insert(key: StoredKey): Promise<void> {
    await this.keys.insertOne({
      _id: key.kid,
      kid: key.kid,
      sealedPrivateJwk: this.seal(key.kid, key.privateJwk),
      createdAt: key.createdAt,
      retiresAt: key.retiresAt,
    });
  }

  async retireAllExcept(kid: string, retiresAt: Date): Promise<string[]> {
    const active = await this.keys.find({ retiresAt: null, kid: { $ne: kid } }).toArray();
    await this.keys.updateMany({ retiresAt: null, kid: { $ne: kid } }, { $set: { retiresAt } });
    return active.map((k) => k.kid);
  }

  /**
   * At start: encrypt keys stored in clear by an earlier version, and re-seal keys sealed with an older
   * encryption key than the current one, so that one can be dropped from the configuration. Idempotent, so
   * replicas starting together may both do it.
   */
  async sealAll(): Promise<{ sealed: number; resealed: number }> {
    let sealed = 0;
    let resealed = 0;
    for (const doc of await this.keys.find({}).toArray()) {
      if (doc.privateJwk) {
        await this.keys.updateOne(
          { _id: doc._id },
          { $set: { sealedPrivateJwk: this.seal(doc.kid, doc.privateJwk) }, $unset: { privateJwk: '' } },
        );
        sealed++;
      } else if (doc.sealedPrivateJwk && this.ring.isStale(doc.sealedPrivateJwk)) {
        await this.keys.updateOne({ _id: doc._id }, { $set: { sealedPrivateJwk: this.seal(doc.kid, this.privateJwkOf(doc)) } });
        resealed++;
      }
    }
    return { sealed, resealed };
  }

  private seal(kid: string, jwk: JWK): string {
    return this.ring.seal(JSON.stringify(jwk), context(kid));
  }

  private privateJwkOf(doc: KeyDocument): JWK {
    if (doc.privateJwk) return doc.privateJwk; // not sealed yet: another replica of the old version wrote it
    if (!doc.sealedPrivateJwk) throw new Error(`signing key ${doc.kid} has no private part`);
    try {
      return JSON.parse(this.ring.open(doc.sealedPrivateJwk, context(doc.kid))) as JWK;
    } catch (error) {
      throw new Error(`signing key ${doc.kid} cannot be decrypted with AUTH_KEY_ENCRYPTION_KEY: ${(error as Error).message}`);
    }
  }
}
