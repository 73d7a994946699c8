import type { Collection, Db, Filter } from 'mongodb';
import { assertLeasesHeld, isDuplicateKeyError } from '@eventify/kit';
import type { NotificationKind, OptionalChannel } from '../domain/kinds.js';

export interface DeliveryAttempt {
  at: Date;
  ok: boolean;
  error: string | null;
}

/** One e-mail or push to one address or device, with every attempt made. */
export interface Delivery {
  channel: OptionalChannel;
  to: string;
  status: 'pending' | 'sent' | 'failed';
  attempts: DeliveryAttempt[];
  nextAttemptAt: Date | null;
  /** Id the provider gave (SMTP message id, Expo ticket id). */
  providerId: string | null;
}

export interface NotificationRecord {
  _id: string;
  userId: string;
  kind: NotificationKind;
  sourceId: string;
  /** The integration event it came from. */
  eventId: string;
  title: string;
  body: string;
  data: Record<string, string | number | boolean | null>;
  /** Address and name the event named, when it did (registration, password reset). */
  recipient: { email: string; name: string } | null;
  createdAt: Date;
  readAt: Date | null;
  /** null until worked out from the preferences and contact details. */
  deliveries: Delivery[] | null;
  /** Why working out the deliveries failed last (the user service was unreachable…), and how often. */
  planning: { attempts: number; error: string | null };
  /** When the delivery worker looks at it next; null when nothing is left to send. */
  dueAt: Date | null;
  /**
   * The replica holding the password reset token in memory (it is never stored), and when the token expires:
   * only that replica can send the e-mail; after expiry anyone may give up on it.
   */
  secretHolder: string | null;
  secretExpiresAt: Date | null;
}

export type DeliveryState = Pick<NotificationRecord, 'deliveries' | 'planning' | 'dueAt'> &
  Partial<Pick<NotificationRecord, 'recipient' | 'secretHolder'>>;

export interface PagePosition {
  createdAt: Date;
  id: string;
}

export class NotificationsRepository {
  private readonly notifications: Collection<NotificationRecord>;
  constructor(db: Db) {
    this.notifications = db.collection('notifications');
  }

  async ensureIndexes(): Promise<void> {
    // The same news for the same person once, whichever event (or redelivery of it) brings it.
    await this.notifications.createIndex({ userId: 1, kind: 1, sourceId: 1 }, { unique: true });
    await this.notifications.createIndex({ eventId: 1, userId: 1 }, { unique: true });
    await this.notifications.createIndex({ userId: 1, createdAt: -1, _id: -1 });
    await this.notifications.createIndex({ userId: 1, readAt: 1 });
    await this.notifications.createIndex({ dueAt: 1 });
  }

  /** False when this notification exists already (a redelivered or repeated event). */
  async insert(record: NotificationRecord): Promise<boolean> {
    try {
      await this.notifications.insertOne(record);
      return true;
    } catch (error) {
      if (isDuplicateKeyError(error)) return false;
      throw error;
    }
  }

  find(id: string) {
    return this.notifications.findOne({ _id: id });
  }

  findOwned(id: string, userId: string) {
    return this.notifications.findOne({ _id: id, userId });
  }

  ofUser(userId: string, unreadOnly: boolean, after: PagePosition | undefined, limit: number) {
    const filter: Filter<NotificationRecord> = { userId };
    if (unreadOnly) filter.readAt = null;
    if (after) filter.$or = [{ createdAt: { $lt: after.createdAt } }, { createdAt: after.createdAt, _id: { $lt: after.id } }];
    return this.notifications.find(filter).sort({ createdAt: -1, _id: -1 }).limit(limit).toArray();
  }

  countUnread(userId: string) {
    return this.notifications.countDocuments({ userId, readAt: null });
  }

  /** Marks it read if it is not yet; reading twice keeps the first time. Under the notification's lock. */
  async markRead(id: string, userId: string, at: Date) {
    assertLeasesHeld();
    await this.notifications.updateOne({ _id: id, userId, readAt: null }, { $set: { readAt: at } });
    return this.findOwned(id, userId);
  }

  /** Ids of the person's unread notifications in id order, `limit` after `after`. */
  async unreadIds(userId: string, after: string | undefined, limit: number): Promise<string[]> {
    const filter: Filter<NotificationRecord> = { userId, readAt: null };
    if (after) filter._id = { $gt: after };
    const rows = await this.notifications
      .find(filter, { projection: { _id: 1 } })
      .sort({ _id: 1 })
      .limit(limit)
      .toArray();
    return rows.map((r) => r._id);
  }

  /** Marks these read (those still unread); under each one's lock. */
  async markManyRead(userId: string, ids: string[], at: Date): Promise<number> {
    assertLeasesHeld();
    const result = await this.notifications.updateMany({ _id: { $in: ids }, userId, readAt: null }, { $set: { readAt: at } });
    return result.modifiedCount;
  }

  /**
   * Notifications with something to send now, that this replica can send: those needing no secret, those
   * whose secret it holds, and those whose secret expired (to be given up). Separate equality queries rather
   * than one `$or`: FerretDB scans the whole collection for `$or`, and this runs every poll.
   */
  async due(now: Date, holder: string, limit: number): Promise<NotificationRecord[]> {
    const open = await this.notifications
      .find({ dueAt: { $lte: now }, secretHolder: null })
      .sort({ dueAt: 1 })
      .limit(limit)
      .toArray();
    const mine = await this.notifications
      .find({ dueAt: { $lte: now }, secretHolder: holder })
      .limit(limit)
      .toArray();
    const orphaned = await this.notifications
      .find({ secretExpiresAt: { $lte: now }, dueAt: { $lte: now } })
      .limit(limit)
      .toArray();
    const seen = new Set<string>();
    return [...mine, ...open, ...orphaned].filter((n) => !seen.has(n._id) && seen.add(n._id));
  }

  /** Under the notification's lock (Deliveries): refused once its lease may be lost. */
  async saveDeliveryState(id: string, state: DeliveryState): Promise<void> {
    assertLeasesHeld();
    await this.notifications.updateOne({ _id: id }, { $set: state });
  }
}
