import type { Collection, Db } from 'mongodb';
import type { JWK } from 'jose';

export interface StoredKey {
  kid: string;
  privateJwk: JWK;
  createdAt: Date;
  /** null while active; set when a newer key took over. */
  retiresAt: Date | null;
}

export class KeysRepository {
  private readonly keys: Collection<StoredKey & { _id: string }>;
  constructor(db: Db) {
    this.keys = db.collection('signing_keys');
  }

  /** Active key first, then keys still inside their retirement window. */
  async usable(now: Date): Promise<StoredKey[]> {
    const keys = await this.keys.find({ $or: [{ retiresAt: null }, { retiresAt: { $gt: now } }] }).toArray();
    return keys.sort((a, b) => Number(a.retiresAt !== null) - Number(b.retiresAt !== null) || b.createdAt.getTime() - a.createdAt.getTime());
  }

  async insert(key: StoredKey): Promise<void> {
    await this.keys.insertOne({ _id: key.kid, ...key });
  }

  async retireAllExcept(kid: string, retiresAt: Date): Promise<string[]> {
    const active = await this.keys.find({ retiresAt: null, kid: { $ne: kid } }).toArray();
    await this.keys.updateMany({ retiresAt: null, kid: { $ne: kid } }, { $set: { retiresAt } });
    return active.map((k) => k.kid);
  }
}
