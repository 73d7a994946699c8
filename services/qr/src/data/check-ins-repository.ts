import type { Collection, Db } from 'mongodb';
import {
  insertManyNew,
  isDuplicateKeyError,
  withOutbox,
  type MongoOutbox,
  type OutboxEntry,
  type OutboxRelay,
  type WithOutbox,
} from '@eventify/kit';

/**
 * The admission of a ticket: one per ticket, ever. Its _id is the ticket id, so the insert is the one atomic
 * step that decides who admitted it (two gates, online or uploading offline admissions, cannot both).
 */
export interface CheckIn extends WithOutbox {
  _id: string;
  eventId: string;
  tierId: string;
  gate: string;
  /** The account that scanned. */
  scannedBy: string;
  /** The device that scanned, when it said (a retried upload from the same device is no conflict). */
  scannerId?: string | null;
  /** When the person was let in: now for an online scan, the scanner's time for an offline admission. */
  at: Date;
  /** Decided by a scanner offline and uploaded later. */
  offline?: boolean;
  /** When the server learnt of it. */
  recordedAt?: Date;
  /**
   * Which admission this is (online scans): a batch written again after a crash finds its own record by it and
   * knows the admission was its own, not someone else's that came first.
   */
  admissionId?: string;
}

/**
 * A second admission of a ticket already admitted, uploaded by another scanner after being offline: the
 * first admission counts, this one is kept for the figures. One per ticket and scanner, so a retried upload
 * records nothing twice.
 */
export interface CheckInConflict {
  _id: string;
  ticketId: string;
  eventId: string;
  gate: string;
  at: Date;
  scannerId: string;
  scannedBy: string;
  firstGate: string;
  firstAt: Date;
  recordedAt: Date;
}

export const conflictId = (ticketId: string, scannerId: string) => `${ticketId}:${scannerId}`;

/** Check-ins and conflicts are never changed after their insert (the relay is the check-ins' only other writer): no locks. */
export class CheckInsRepository {
  private readonly checkIns: Collection<CheckIn>;
  private readonly conflicts: Collection<CheckInConflict>;
  private readonly outbox: MongoOutbox<CheckIn>;

  constructor(db: Db, relay: OutboxRelay) {
    this.checkIns = db.collection('check_ins');
    this.conflicts = db.collection('check_in_conflicts');
    this.outbox = relay.mongo(this.checkIns);
  }

  async ensureIndexes(): Promise<void> {
    await this.checkIns.createIndex({ eventId: 1 });
    await this.conflicts.createIndex({ eventId: 1, at: 1 });
  }

  /** Admit a ticket, with its TicketCheckedIn: admitted, or not with the admission that came first. */
  async admit(record: CheckIn, events: OutboxEntry[]): Promise<{ admitted: boolean; checkIn: CheckIn }> {
    try {
      await this.checkIns.insertOne(withOutbox(record, events));
      this.outbox.changed(record._id);
      return { admitted: true, checkIn: record };
    } catch (error) {
      if (!isDuplicateKeyError(error)) throw error;
      return { admitted: false, checkIn: (await this.checkIns.findOne({ _id: record._id }))! };
    }
  }

  /**
   * Write a batch of admissions in one round trip (group commit). Idempotent: a ticket whose record exists
   * already is not written again, and the record that came first is returned for it. Their TicketCheckedIn
   * events are not stored here: the door's pending stream in Redis carries them (CheckInWriter), because a
   * relay's read-back and clearing of each record would cost the database more than the insert itself.
   * Returns the first admission of every ticket in the batch.
   */
  async admitMany(records: CheckIn[]): Promise<Map<string, CheckIn>> {
    // Keyed by ticket id: a duplicate is a ticket admitted already (by this batch before a crash, or by another).
    const failed = new Set(await insertManyNew(this.checkIns, records));
    const firsts = new Map(records.filter((_, index) => !failed.has(index)).map((r) => [r._id, r]));
    if (failed.size)
      for (const [id, first] of await this.ofTickets(records.filter((_, index) => failed.has(index)).map((r) => r._id)))
        firsts.set(id, first);
    return firsts;
  }

  /** Record a conflict once; false when this scanner's upload of it was recorded before. */
  async recordConflict(conflict: CheckInConflict): Promise<boolean> {
    try {
      await this.conflicts.insertOne(conflict);
      return true;
    } catch (error) {
      if (isDuplicateKeyError(error)) return false;
      throw error;
    }
  }

  of(ticketId: string) {
    return this.checkIns.findOne({ _id: ticketId });
  }

  /** The admissions among these tickets, by ticket id. */
  async ofTickets(ticketIds: string[]): Promise<Map<string, CheckIn>> {
    if (ticketIds.length === 0) return new Map();
    return new Map((await this.checkIns.find({ _id: { $in: ticketIds } }, { projection: { outbox: 0 } }).toArray()).map((c) => [c._id, c]));
  }

  ofEvent(eventId: string) {
    return this.checkIns.find({ eventId }, { projection: { outbox: 0 } }).toArray();
  }

  /** When, where and by which admission each ticket of an event was first let in: what the door state is rebuilt from. */
  firstsOfEvent(eventId: string) {
    return this.checkIns.find({ eventId }, { projection: { _id: 1, at: 1, gate: 1, admissionId: 1 } }).toArray();
  }

  conflictsOfEvent(eventId: string) {
    return this.conflicts.find({ eventId }).sort({ at: 1, _id: 1 }).toArray();
  }
}
