import type { Collection, Db, Filter } from 'mongodb';
import {
  assertLeasesHeld,
  isDuplicateKeyError,
  pushOutbox,
  type MongoOutbox,
  type Mutex,
  type OutboxEntry,
  type OutboxRelay,
  type WithOutbox,
} from '@eventify/kit';

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

/** The lock every writer of one booking's tickets holds. */
export const ticketSetLock = (bookingId: string) => `tickets:${bookingId}`;

export class TicketsRepository {
  private readonly tickets: Collection<Ticket>;
  private readonly sets: Collection<TicketSet>;
  private readonly setsOutbox: MongoOutbox<TicketSet>;

  constructor(db: Db, relay: OutboxRelay, mutex: Mutex) {
    this.tickets = db.collection('tickets');
    this.sets = db.collection('ticket_sets');
    this.setsOutbox = relay.mongo(this.sets, { mutex, lockKey: ticketSetLock });
  }

  async ensureIndexes(): Promise<void> {
    await this.tickets.createIndex({ userId: 1, issuedAt: -1, _id: -1 });
    await this.tickets.createIndex({ bookingId: 1 });
    await this.tickets.createIndex({ eventId: 1 });
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

  /** The tickets among these ids, by id: one round trip for an uploaded batch of check-ins. */
  async findMany(ids: string[]): Promise<Map<string, Ticket>> {
    if (ids.length === 0) return new Map();
    return new Map((await this.tickets.find({ _id: { $in: ids } }).toArray()).map((t) => [t._id, t]));
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

  /** Every ticket of an event, whole: what the door keeps in memory (TicketDirectory). */
  allOfEvent(eventId: string) {
    return this.tickets.find({ eventId }).toArray();
  }

  ticketsOfEvent(eventId: string) {
    return this.tickets.find({ eventId }, { projection: { tierId: 1, tierName: 1, status: 1 } }).toArray();
  }

  /** Ids of the event's tickets that no longer admit anyone. */
  async cancelledOfEvent(eventId: string): Promise<string[]> {
    return (await this.tickets.find({ eventId, status: 'cancelled' }, { projection: { _id: 1 } }).toArray()).map((t) => t._id);
  }
}
