import type { Collection, Db } from 'mongodb';
import { isDuplicateKeyError, type Mutex } from '@eventify/kit';

/**
 * One ledger document per (event, tier). Every change to a ledger happens under its lock (kit Mutex:
 * FerretDB does not make a guarded update atomic), so capacity holds under any concurrency and across
 * replicas without multi-document transactions.
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

interface PendingTake {
  bookingId: string;
  quantity: number;
  resolve: (taken: boolean) => void;
  reject: (error: unknown) => void;
}

const MAX_BATCH = 500;

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

  /**
   * Take `quantity` seats for the booking; true if taken now or earlier by the same booking.
   * Requests for one ledger that arrive while its lock is held queue up here and are decided together
   * under the next lock: one read and one write for a whole burst instead of one lock round per buyer.
   */
  take(eventId: string, tierId: string, bookingId: string, quantity: number): Promise<boolean> {
    const id = ledgerId(eventId, tierId);
    return new Promise((resolve, reject) => {
      const queue = this.waiting.get(id);
      if (queue) {
        queue.push({ bookingId, quantity, resolve, reject });
        return;
      }
      this.waiting.set(id, [{ bookingId, quantity, resolve, reject }]);
      void this.drain(id);
    });
  }

  private readonly waiting = new Map<string, PendingTake[]>();

  private async drain(id: string): Promise<void> {
    for (;;) {
      const batch = this.waiting.get(id)!.splice(0, MAX_BATCH);
      if (batch.length === 0) {
        this.waiting.delete(id);
        return;
      }
      try {
        const taken = await this.mutex.run(`ledger:${id}`, () => this.takeBatch(id, batch), { waitMs: 60_000 });
        batch.forEach((pending, i) => pending.resolve(taken[i]!));
      } catch (error) {
        for (const pending of batch) pending.reject(error);
      }
    }
  }

  /** Runs under the ledger's lock, so reading, deciding and writing cannot interleave with another replica. */
  private async takeBatch(id: string, batch: PendingTake[]): Promise<boolean[]> {
    const ledger = await this.ledgers.findOne({ _id: id });
    if (!ledger) return batch.map(() => false);
    const holders = new Set(ledger.holders ?? []); // FerretDB may not store an empty array set on insert
    let available = ledger.available;
    const newHolders: string[] = [];
    const taken = batch.map(({ bookingId, quantity }) => {
      if (holders.has(bookingId)) return true;
      if (available < quantity) return false;
      available -= quantity;
      holders.add(bookingId);
      newHolders.push(bookingId);
      return true;
    });
    if (newHolders.length > 0) {
      await this.ledgers.updateOne({ _id: id }, { $inc: { available: available - ledger.available }, $push: { holders: { $each: newHolders } } });
    }
    return taken;
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
