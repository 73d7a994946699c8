import type { Collection, Db, Filter } from 'mongodb';
import { assertLeasesHeld, isDuplicateKeyError, pushOutbox, withOutbox, type MongoOutbox, type Mutex, type OutboxEntry, type OutboxRelay, type WithOutbox } from '@eventify/kit';

export interface Ticket {
  _id: string;
  bookingId: string;
  userId: string;
  eventId: string;
  tierId: string;
  tierName: string;
  /** 1-based seat number within the booking. */
  seat: number;
  code: string;
  status: 'valid' | 'cancelled';
  issuedAt: Date;
  cancelledAt: Date | null;
}

/**
 * What the tickets of one booking are: issued, or void for good. Written under the booking's ticket lock,
 * with the event announcing the change in the same write. `voided` is final: a BookingConfirmed that
 * arrives after the BookingCancelled (other stream, redelivery) finds it and issues nothing.
 */
export interface TicketSet extends WithOutbox {
  _id: string;
  status: 'issued' | 'voided';
  at: Date;
}

/** One per admitted ticket. Its _id is the ticket id: a unique insert is the one atomic step, so two gates cannot both admit. */
export interface CheckIn extends WithOutbox {
  _id: string;
  eventId: string;
  tierId: string;
  gate: string;
  scannedBy: string;
  at: Date;
}

/** The lock every writer of one booking's tickets holds. */
export const ticketSetLock = (bookingId: string) => `tickets:${bookingId}`;

export class TicketsRepository {
  private readonly tickets: Collection<Ticket>;
  private readonly checkIns: Collection<CheckIn>;
  private readonly sets: Collection<TicketSet>;
  private readonly setsOutbox: MongoOutbox<TicketSet>;
  private readonly checkInsOutbox: MongoOutbox<CheckIn>;

  constructor(db: Db, relay: OutboxRelay, mutex: Mutex) {
    this.tickets = db.collection('tickets');
    this.checkIns = db.collection('check_ins');
    this.sets = db.collection('ticket_sets');
    this.setsOutbox = relay.mongo(this.sets, { mutex, lockKey: ticketSetLock });
    // Check-ins are never changed after their insert: the relay is their only other writer, no lock needed.
    this.checkInsOutbox = relay.mongo(this.checkIns);
  }

  async ensureIndexes(): Promise<void> {
    await this.tickets.createIndex({ userId: 1, issuedAt: -1, _id: -1 });
    await this.tickets.createIndex({ bookingId: 1 });
    await this.tickets.createIndex({ eventId: 1 });
    await this.checkIns.createIndex({ eventId: 1 });
  }

  /** Insert the tickets that do not exist yet (idempotent). */
  async insertMissing(tickets: Ticket[]): Promise<void> {
    for (const ticket of tickets) {
      try {
        await this.tickets.insertOne(ticket);
      } catch (error) {
        if (!isDuplicateKeyError(error)) throw error;
      }
    }
  }

  ticketSet(bookingId: string) {
    return this.sets.findOne({ _id: bookingId });
  }

  /** Record what the booking's tickets now are, with the event announcing it. Under `ticketSetLock`. */
  async setTicketSet(bookingId: string, status: TicketSet['status'], events: OutboxEntry[]): Promise<void> {
    assertLeasesHeld();
    await this.sets.updateOne({ _id: bookingId }, pushOutbox<TicketSet>({ $set: { status, at: new Date() } }, events), { upsert: true });
    if (events.length) this.setsOutbox.changed(bookingId);
  }

  find(id: string) {
    return this.tickets.findOne({ _id: id });
  }

  ofBooking(bookingId: string) {
    return this.tickets.find({ bookingId }).sort({ seat: 1 }).toArray();
  }

  ofUser(userId: string, eventId: string | undefined, after: { issuedAt: Date; id: string } | undefined, limit: number) {
    const filter: Filter<Ticket> = { userId };
    if (eventId) filter.eventId = eventId;
    if (after) filter.$or = [{ issuedAt: { $lt: after.issuedAt } }, { issuedAt: after.issuedAt, _id: { $lt: after.id } }];
    return this.tickets.find(filter).sort({ issuedAt: -1, _id: -1 }).limit(limit).toArray();
  }

  /** Cancel every valid ticket of a booking; returns the ids that changed. */
  async cancelOfBooking(bookingId: string): Promise<string[]> {
    const valid = await this.tickets.find({ bookingId, status: 'valid' }, { projection: { _id: 1 } }).toArray();
    if (valid.length === 0) return [];
    await this.tickets.updateMany({ bookingId, status: 'valid' }, { $set: { status: 'cancelled', cancelledAt: new Date() } });
    return valid.map((t) => t._id);
  }

  /** Admit a ticket: the check-in, or null with the earlier one when it was already used. */
  async checkIn(record: CheckIn, events: OutboxEntry[]): Promise<{ admitted: true; checkIn: CheckIn } | { admitted: false; checkIn: CheckIn }> {
    try {
      await this.checkIns.insertOne(withOutbox(record, events));
      this.checkInsOutbox.changed(record._id);
      return { admitted: true, checkIn: record };
    } catch (error) {
      if (!isDuplicateKeyError(error)) throw error;
      return { admitted: false, checkIn: (await this.checkIns.findOne({ _id: record._id }))! };
    }
  }

  checkInOf(ticketId: string) {
    return this.checkIns.findOne({ _id: ticketId });
  }

  ticketsOfEvent(eventId: string) {
    return this.tickets.find({ eventId }, { projection: { tierId: 1, tierName: 1, status: 1 } }).toArray();
  }

  checkInsOfEvent(eventId: string) {
    return this.checkIns.find({ eventId }).toArray();
  }
}
