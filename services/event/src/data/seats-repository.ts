import type { Collection, Db } from 'mongodb';
import { isDuplicateKeyError, type Mutex } from '@eventify/kit';

/**
 * One ledger document per (event, tier): taking or returning seats is a single atomic update of that
 * document, guarded by its filter, so capacity holds under any concurrency without transactions.
 * `holders` records which bookings hold seats, which makes taking and returning idempotent per booking.
 */
export interface SeatLedger {
  _id: string;
  eventId: string;
  tierId: string;
  capacity: number;
  available: number;
  holders: string[];
}

/** What one booking asked for, stored before any seat is taken, so a retry or a release knows the quantities. */
export interface Reservation {
  _id: string;
  eventId: string;
  items: { tierId: string; quantity: number }[];
  status: 'taking' | 'held' | 'failed' | 'released';
  createdAt: Date;
  updatedAt: Date;
}

export const ledgerId = (eventId: string, tierId: string) => `${eventId}:${tierId}`;

export class SeatsRepository {
  private readonly ledgers: Collection<SeatLedger>;
  private readonly reservations: Collection<Reservation>;
  constructor(
    db: Db,
    private readonly mutex: Mutex,
  ) {
    this.ledgers = db.collection('seat_ledgers');
    this.reservations = db.collection('reservations');
  }

  async ensureIndexes(): Promise<void> {
    await this.ledgers.createIndex({ eventId: 1 });
  }

  /** Create the ledger of a tier if it does not exist (idempotent). */
  async openLedger(eventId: string, tierId: string, capacity: number): Promise<void> {
    try {
      await this.ledgers.updateOne(
        { _id: ledgerId(eventId, tierId) },
        { $setOnInsert: { eventId, tierId, capacity, available: capacity, holders: [] } },
        { upsert: true },
      );
    } catch (error) {
      if (!isDuplicateKeyError(error)) throw error; // created concurrently
    }
  }

  ledgersOf(eventId: string) {
    return this.ledgers.find({ eventId }).toArray();
  }

  /** Take `quantity` seats for the booking; true if taken now or earlier by the same booking. */
  async take(eventId: string, tierId: string, bookingId: string, quantity: number): Promise<boolean> {
    return this.mutex.run(`ledger:${ledgerId(eventId, tierId)}`, () => this.takeUnlocked(eventId, tierId, bookingId, quantity));
  }

  private async takeUnlocked(eventId: string, tierId: string, bookingId: string, quantity: number): Promise<boolean> {
    const taken = await this.ledgers.findOneAndUpdate(
      { _id: ledgerId(eventId, tierId), available: { $gte: quantity }, holders: { $ne: bookingId } },
      { $inc: { available: -quantity }, $push: { holders: bookingId } },
    );
    if (taken) return true;
    return (await this.ledgers.countDocuments({ _id: ledgerId(eventId, tierId), holders: bookingId })) > 0;
  }

  /** Return the booking's seats; a second call finds nothing to return. */
  async giveBack(eventId: string, tierId: string, bookingId: string, quantity: number): Promise<boolean> {
    const returned = await this.mutex.run(`ledger:${ledgerId(eventId, tierId)}`, () =>
      this.ledgers.findOneAndUpdate(
        { _id: ledgerId(eventId, tierId), holders: bookingId },
        { $inc: { available: quantity }, $pull: { holders: bookingId } },
      ),
    );
    return returned !== null;
  }

  /** Change capacity without ever going below what is taken; optimistic, retried on a concurrent change. */
  async resize(eventId: string, tierId: string, capacity: number): Promise<'ok' | 'below-taken'> {
    return this.mutex.run(`ledger:${ledgerId(eventId, tierId)}`, () => this.resizeUnlocked(eventId, tierId, capacity));
  }

  private async resizeUnlocked(eventId: string, tierId: string, capacity: number): Promise<'ok' | 'below-taken'> {
    for (let attempt = 0; attempt < 20; attempt++) {
      const ledger = await this.ledgers.findOne({ _id: ledgerId(eventId, tierId) });
      if (!ledger) return 'ok';
      const taken = ledger.capacity - ledger.available;
      if (capacity < taken) return 'below-taken';
      const updated = await this.ledgers.updateOne(
        { _id: ledger._id, capacity: ledger.capacity, available: ledger.available },
        { $set: { capacity, available: capacity - taken } },
      );
      if (updated.modifiedCount === 1 || capacity === ledger.capacity) return 'ok';
    }
    throw new Error('seat ledger kept changing while resizing');
  }

  /** Record the request; returns the stored one when this booking asked before. */
  async recordReservation(reservation: Reservation): Promise<Reservation> {
    try {
      await this.reservations.insertOne(reservation);
      return reservation;
    } catch (error) {
      if (!isDuplicateKeyError(error)) throw error;
      return (await this.reservations.findOne({ _id: reservation._id }))!;
    }
  }

  findReservation(bookingId: string) {
    return this.reservations.findOne({ _id: bookingId });
  }

  async setReservationStatus(bookingId: string, status: Reservation['status']): Promise<void> {
    await this.reservations.updateOne({ _id: bookingId }, { $set: { status, updatedAt: new Date() } });
  }
}
