import type { Collection, Db } from 'mongodb';

export interface ResetTokenRecord {
  /** SHA-256 of the one-time token. */
  _id: string;
  userId: string;
  createdAt: Date;
  expiresAt: Date;
  usedAt: Date | null;
}

export class ResetTokensRepository {
  private readonly tokens: Collection<ResetTokenRecord>;
  constructor(db: Db) {
    this.tokens = db.collection('password_reset_tokens');
  }

  async insert(record: ResetTokenRecord): Promise<void> {
    await this.tokens.insertOne(record);
  }

  /** Atomically use a live token once. */
  use(hash: string, now: Date) {
    return this.tokens.findOneAndUpdate(
      { _id: hash, usedAt: null, expiresAt: { $gt: now } },
      { $set: { usedAt: now } },
      { returnDocument: 'after' },
    );
  }
}
