import type { Collection, Db } from 'mongodb';

interface DeadPushTokenRecord {
  /** The Expo push token. */
  _id: string;
  userId: string;
  reason: string;
  at: Date;
}

/**
 * Push tokens Expo called DeviceNotRegistered (the app was uninstalled or the token rotated). The user service
 * owns the tokens and has no internal route to drop one, so they are remembered here and skipped for a while.
 * Why only a while: the app may register the same token again (a reinstall on some devices), and nothing tells
 * this service; after the pause one more push is tried, and a token that is still dead is marked again.
 */
const PAUSE_MS = 30 * 86_400_000;

export class DeadPushTokensRepository {
  private readonly tokens: Collection<DeadPushTokenRecord>;
  constructor(db: Db) {
    this.tokens = db.collection('dead_push_tokens');
  }

  async add(token: string, userId: string, reason: string): Promise<void> {
    await this.tokens.updateOne({ _id: token }, { $set: { userId, reason, at: new Date() } }, { upsert: true });
  }

  async filterDead(tokens: string[]): Promise<Set<string>> {
    if (tokens.length === 0) return new Set();
    const dead = await this.tokens.find({ _id: { $in: tokens }, at: { $gt: new Date(Date.now() - PAUSE_MS) } }).toArray();
    return new Set(dead.map((d) => d._id));
  }
}
