import type { Collection, Db } from 'mongodb';
import { isDuplicateKeyError, withOutbox, type MongoOutbox, type OutboxEntry, type OutboxRelay, type WithOutbox } from '@eventify/kit';

export interface ResetTokenRecord extends WithOutbox {
  /** SHA-256 of the one-time token. */
  _id: string;
  userId: string;
  createdAt: Date;
  expiresAt: Date;
  usedAt: Date | null;
}

/**
 * One-time password reset tokens. A token document is never changed after its insert: using it is a
 * unique insert into `used_reset_tokens` (atomic on FerretDB too, unlike a conditional update), so no
 * lock is needed, and the outbox relay, the only other writer, cannot collide with anyone.
 */
export class ResetTokensRepository {
  private readonly tokens: Collection<ResetTokenRecord>;
  private readonly used: Collection<{ _id: string; at: Date }>;
  private readonly outbox: MongoOutbox<ResetTokenRecord>;
  constructor(db: Db, relay: OutboxRelay) {
    this.tokens = db.collection('password_reset_tokens');
    this.used = db.collection('used_reset_tokens');
    this.outbox = relay.mongo(this.tokens);
  }

  /**
   * The token's hash and the event that mails it (PasswordResetRequested) in one insert. The event carries the
   * token sealed for the notification service only, so the database never holds it in clear.
   */
  async insert(record: ResetTokenRecord, events: OutboxEntry[]): Promise<void> {
    await this.tokens.insertOne(withOutbox(record, events));
    this.outbox.changed(record._id);
  }

  /** Use a live token once: of two concurrent uses exactly one inserts the marker. */
  async use(hash: string, now: Date): Promise<ResetTokenRecord | null> {
    const token = await this.tokens.findOne({ _id: hash });
    if (!token || token.expiresAt <= now) return null;
    try {
      await this.used.insertOne({ _id: hash, at: now });
      return { ...token, usedAt: now };
    } catch (error) {
      if (isDuplicateKeyError(error)) return null;
      throw error;
    }
  }
}
