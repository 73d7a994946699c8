import type { Collection, Db, Filter } from 'mongodb';
import {
  assertLeasesHeld,
  GroupCommit,
  insertManyNew,
  isDuplicateKeyError,
  pushOutbox,
  type MongoOutbox,
  type OutboxEntry,
  type OutboxRelay,
  type Mutex,
  type WithOutbox,
} from '@eventify/kit';

export type BookingStatus = 'reserving' | 'pending_payment' | 'confirmed' | 'cancelled' | 'expired' | 'failed';

export interface BookingItem {
  tierId: string;
  tierName: string;
  quantity: number;
  unitPrice: number;
  currency: string;
}

export interface Booking extends WithOutbox {
  _id: string;
  userId: string;
  eventId: string;
  items: BookingItem[];
  requested: { tierId: string; quantity: number }[];
  amount: number;
  currency: string;
  status: BookingStatus;
  /** Key the seats are held under at the event service (changes when a late payment takes seats again). */
  reservationKey: string;
  expiresAt: Date | null;
  eventStartsAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
  confirmedAt: Date | null;
  cancelledAt: Date | null;
  cancelReason: string | null;
  refund: { status: 'requested' | 'refunded' | 'none'; amount: number; at: Date | null } | null;
  /** The last failed payment attempt, shown to the attendee while the hold lasts. */
  paymentFailure?: { reason: string; at: Date } | null;
}

export type StoreOutcome = 'stored' | 'exists' | 'late';

export interface IdempotencyRecord {
  /** userId + ':' + Idempotency-Key */
  _id: string;
  bookingId: string;
  requestHash: string;
  createdAt: Date;
}

export class BookingsRepository {
  private readonly bookings: Collection<Booking>;
  private readonly keys: Collection<IdempotencyRecord>;
  private readonly outbox: MongoOutbox<Booking>;
  constructor(db: Db, relay: OutboxRelay, mutex: Mutex) {
    this.bookings = db.collection('bookings');
    this.keys = db.collection('idempotency_keys');
    // The relay takes the same lock as every other writer of a booking (see Bookings).
    this.outbox = relay.mongo(this.bookings, { mutex, lockKey: (id) => `booking:${id}` });
  }

  /**
   * New bookings, written together: one insertMany for every booking that arrived while the last one ran. A booking
   * whose `keepUntil` has passed by the time its batch is sent is left out ('late'): its seats may be judged orphans.
   */
  private readonly inserts = new GroupCommit<{ booking: Booking; keepUntil: number }, StoreOutcome>(
    async (batch) => {
      const now = Date.now();
      const due = batch.filter(({ keepUntil }) => now < keepUntil);
      const duplicates = await insertManyNew(
        this.bookings,
        due.map(({ booking }) => booking),
      );
      const existed = new Set(duplicates.map((index) => due[index]));
      for (const item of due) if (!existed.has(item) && item.booking.outboxPending) this.outbox.changed(item.booking._id);
      return batch.map((item) => (now >= item.keepUntil ? 'late' : existed.has(item) ? 'exists' : 'stored'));
    },
    { maxBatch: 200 },
  );

  async ensureIndexes(): Promise<void> {
    await this.bookings.createIndex({ userId: 1, createdAt: -1, _id: -1 });
    await this.bookings.createIndex({ status: 1, expiresAt: 1 });
    await this.bookings.createIndex({ eventId: 1, status: 1 });
  }

  /** The claim of an Idempotency-Key, if it was used: a read, for answers that must not write. */
  findKey(userId: string, key: string): Promise<IdempotencyRecord | null> {
    return this.keys.findOne({ _id: `${userId}:${key}` });
  }

  /** Claim an Idempotency-Key for a new booking; returns the earlier claim when the key was used before. */
  async claimKey(userId: string, key: string, bookingId: string, requestHash: string): Promise<IdempotencyRecord | null> {
    try {
      await this.keys.insertOne({ _id: `${userId}:${key}`, bookingId, requestHash, createdAt: new Date() });
      return null;
    } catch (error) {
      if (!isDuplicateKeyError(error)) throw error;
      return this.keys.findOne({ _id: `${userId}:${key}` });
    }
  }

  /**
   * Store a new booking (with its events in its outbox: one write, atomic), batched with the others being made
   * at the same moment (group commit), if that write goes out before `keepUntil` (epoch ms). 'exists': a booking with
   * this id was stored before (a retry, a race); 'late': not written, `keepUntil` passed while it waited.
   */
  store(booking: Booking, keepUntil: number): Promise<StoreOutcome> {
    return this.inserts.submit({ booking, keepUntil });
  }

  /** Withdraw an Idempotency-Key's claim whose request stored nothing, so that its retry is a new request. */
  async releaseKey(userId: string, key: string, bookingId: string): Promise<void> {
    await this.keys.deleteOne({ _id: `${userId}:${key}`, bookingId });
  }

  find(id: string) {
    return this.bookings.findOne({ _id: id });
  }

  /**
   * Change a booking that is in one of `from`, storing the events the change implies in the same write;
   * null otherwise. Callers hold the booking's lock (the status condition alone is not atomic on FerretDB).
   */
  async update(id: string, from: BookingStatus[], changes: Partial<Booking>, events: OutboxEntry[] = []) {
    assertLeasesHeld();
    const updated = await this.bookings.findOneAndUpdate(
      { _id: id, status: { $in: from } },
      pushOutbox<Booking>({ $set: { ...changes, updatedAt: new Date() } }, events),
      { returnDocument: 'after' },
    );
    if (updated && events.length) this.outbox.changed(id);
    return updated;
  }

  /** Fields that are no state change (a refund shown, a failed attempt). Callers hold the booking's lock. */
  async setFields(id: string, fields: Pick<Partial<Booking>, 'refund' | 'paymentFailure' | 'eventStartsAt'>): Promise<void> {
    assertLeasesHeld();
    await this.bookings.updateOne({ _id: id }, { $set: { ...fields, updatedAt: new Date() } });
  }

  findMany(ids: string[]) {
    return this.bookings.find({ _id: { $in: ids } }, { projection: { status: 1, reservationKey: 1 } }).toArray();
  }

  ofUser(userId: string, after: { createdAt: Date; id: string } | undefined, limit: number) {
    const filter: Filter<Booking> = { userId };
    if (after) filter.$or = [{ createdAt: { $lt: after.createdAt } }, { createdAt: after.createdAt, _id: { $lt: after.id } }];
    return this.bookings.find(filter).sort({ createdAt: -1, _id: -1 }).limit(limit).toArray();
  }

  /**
   * Unpaid holds past their time, and bookings stuck half-way (a crash while reserving). Two plain
   * equality queries rather than one `$or`: FerretDB hands equality filters to PostgreSQL but scans the
   * whole collection for `$or`, and every replica runs this every few seconds.
   */
  async dueForSweep(now: Date, stuckBefore: Date, limit: number) {
    const expired = await this.bookings
      .find({ status: 'pending_payment', expiresAt: { $lte: now } })
      .limit(limit)
      .toArray();
    const stuck = await this.bookings
      .find({ status: 'reserving', createdAt: { $lte: stuckBefore } })
      .limit(limit)
      .toArray();
    return [...expired, ...stuck];
  }

  /**
   * Owners of confirmed bookings of the event after `after`, in user id order, one entry per booking (so a page
   * may name someone twice; the next page starts after the last one named).
   */
  async holdersOf(eventId: string, after: string | undefined, limit: number): Promise<string[]> {
    const filter: Filter<Booking> = { eventId, status: 'confirmed' };
    if (after) filter.userId = { $gt: after };
    const rows = await this.bookings
      .find(filter, { projection: { userId: 1 } })
      .sort({ userId: 1 })
      .limit(limit)
      .toArray();
    return rows.map((r) => r.userId);
  }

  activeOfEvent(eventId: string) {
    return this.bookings.find({ eventId, status: { $in: ['pending_payment', 'confirmed', 'reserving'] } }).toArray();
  }
}
