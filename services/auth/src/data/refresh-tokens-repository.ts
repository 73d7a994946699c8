import type { Collection, Db } from 'mongodb';

export interface RefreshTokenRecord {
  /** SHA-256 of the token: the token itself is never stored. */
  _id: string;
  userId: string;
  /** All tokens descending from one login share a family; reuse of a spent token revokes the family. */
  familyId: string;
  createdAt: Date;
  expiresAt: Date;
  usedAt: Date | null;
  revokedAt: Date | null;
}

export class RefreshTokensRepository {
  private readonly tokens: Collection<RefreshTokenRecord>;
  constructor(db: Db) {
    this.tokens = db.collection('refresh_tokens');
  }

  async ensureIndexes(): Promise<void> {
    await this.tokens.createIndex({ familyId: 1 });
    await this.tokens.createIndex({ userId: 1 });
  }

  async insert(record: RefreshTokenRecord): Promise<void> {
    await this.tokens.insertOne(record);
  }

  /** Atomically spend a live token: of two concurrent refreshes, only one gets it. */
  spend(hash: string, now: Date) {
    return this.tokens.findOneAndUpdate(
      { _id: hash, usedAt: null, revokedAt: null, expiresAt: { $gt: now } },
      { $set: { usedAt: now } },
      { returnDocument: 'after' },
    );
  }

  find(hash: string) {
    return this.tokens.findOne({ _id: hash });
  }

  async revokeFamily(familyId: string, now: Date): Promise<void> {
    await this.tokens.updateMany({ familyId, revokedAt: null }, { $set: { revokedAt: now } });
  }

  async revokeAllOfUser(userId: string, now: Date): Promise<void> {
    await this.tokens.updateMany({ userId, revokedAt: null }, { $set: { revokedAt: now } });
  }
}
