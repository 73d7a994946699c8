import type { Collection, Db } from 'mongodb';
import { isDuplicateKeyError } from '@eventify/kit';

interface PushTokenRecord {
  /** The Expo push token: one device, so it belongs to whoever registered it last. */
  _id: string;
  userId: string;
  createdAt: Date;
}

export class PushTokensRepository {
  private readonly tokens: Collection<PushTokenRecord>;
  constructor(db: Db) {
    this.tokens = db.collection('push_tokens');
  }

  async ensureIndexes(): Promise<void> {
    await this.tokens.createIndex({ userId: 1 });
  }

  async assign(token: string, userId: string): Promise<void> {
    const upsert = () =>
      this.tokens.updateOne({ _id: token }, { $set: { userId }, $setOnInsert: { createdAt: new Date() } }, { upsert: true });
    try {
      await upsert();
    } catch (error) {
      // Two devices' requests racing to insert the same token: the second becomes an update.
      if (!isDuplicateKeyError(error)) throw error;
      await upsert();
    }
  }

  async remove(token: string, userId: string): Promise<void> {
    await this.tokens.deleteOne({ _id: token, userId });
  }

  async ofUser(userId: string): Promise<string[]> {
    const tokens = await this.tokens.find({ userId }).sort({ createdAt: 1 }).toArray();
    return tokens.map((t) => t._id);
  }
}
