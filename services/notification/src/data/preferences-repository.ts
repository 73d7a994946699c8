import type { Collection, Db } from 'mongodb';
import type { ChannelSettings, NotificationKind } from '../domain/kinds.js';

export type ChosenChannels = Partial<Record<NotificationKind, Partial<ChannelSettings>>>;

interface PreferencesRecord {
  /** The user id. */
  _id: string;
  /** Only what the person chose; everything else follows the defaults (which may improve over time). */
  kinds: ChosenChannels;
  updatedAt: Date;
}

export class PreferencesRepository {
  private readonly preferences: Collection<PreferencesRecord>;
  constructor(db: Db) {
    this.preferences = db.collection('preferences');
  }

  async chosen(userId: string): Promise<ChosenChannels> {
    return (await this.preferences.findOne({ _id: userId }))?.kinds ?? {};
  }

  /** Sets the channels named (dotted paths), leaving the others as they were. */
  async choose(userId: string, changes: ChosenChannels): Promise<void> {
    const set: Record<string, unknown> = { updatedAt: new Date() };
    for (const [kind, channels] of Object.entries(changes)) {
      for (const [channel, on] of Object.entries(channels ?? {})) set[`kinds.${kind}.${channel}`] = on;
    }
    await this.preferences.updateOne({ _id: userId }, { $set: set }, { upsert: true });
  }
}
