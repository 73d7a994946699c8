import type { Collection, Db } from 'mongodb';
import { assertLeasesHeld, isDuplicateKeyError, type Mutex } from '@eventify/kit';

/**
 * One ledger document per (event, tier). Every change to a ledger happens under its lock (kit Mutex:
 * FerretDB does not make a guarded update atomic), so capacity holds under any concurrency and across
 * replicas without multi-document transactions. `holders` says which bookings hold how many seats: that
 * makes taking idempotent per booking and lets a release find what to give back, from the ledger alone.
 */
export interface SeatLedger {
  _id: string;
  eventId: string;
  tierId: string;
  capacity: number;
  available: number;
  holders: SeatHold[];
}

export interface SeatHold {
  /** Booking id (or the key a late payment takes seats again under). */
  b: string;
  q: number;
  /** When the seats were taken: the reconciler leaves young holds alone (absent on holds from before it existed). */
  at?: Date;
}

/** How a take ended: taken (now or earlier, by the same booking), too few seats, or its deadline passed first. */
export type TakeOutcome = 'taken' | 'short' | 'late';

/** A take's outcome and the seats the ledger had left once the take's batch was decided. */
export interface TakeResult {
  outcome: TakeOutcome;
  available: number;
}

/** A ledger without its holders: what views need. */
export type LedgerCounts = Omit<SeatLedger, 'holders'>;

interface PendingTake {
  bookingId: string;
  quantity: number;
  /** Epoch ms after which nothing may be taken for this request (its caller has given up). */
  deadline: number;
  resolve: (result: TakeResult) => void;
  reject: (error: unknown) => void;
}

const MAX_BATCH = 500;

export const ledgerId = (eventId: string, tierId: string) => `${eventId}:${tierId}`;

export class SeatsRepository {
  private readonly ledgers: Collection<SeatLedger>;
  constructor(
    db: Db,
    private readonly mutex: Mutex,
  ) {
    this.ledgers = db.collection('seat_ledgers');
  }

  async ensureIndexes(): Promise<void> {
    await this.ledgers.createIndex({ eventId: 1 });
  }

  /** Create the ledger of a tier if it does not exist (idempotent). */
  async openLedger(eventId: string, tierId: string, capacity: number): Promise<void> {
    try {
      await this.ledgers.updateOne(
        { _id: ledgerId(eventId, tierId) },
        { $setOnInsert: { eventId, tierId, capacity, available: capacity, holders: [] as SeatHold[] } },
        { upsert: true },
      );
    } catch (error) {
      if (!isDuplicateKeyError(error)) throw error; // created concurrently
    }
  }

  /** Capacity and availability per tier, without the (possibly long) list of holders. */
  ledgersOf(eventId: string): Promise<LedgerCounts[]> {
    return this.ledgers.find({ eventId }, { projection: { holders: 0 } }).toArray();
  }

  /** Tiers of the event in which the booking holds seats, with how many. */
  async heldBy(eventId: string, bookingId: string): Promise<{ tierId: string; quantity: number }[]> {
    const ledgers = await this.ledgers.find({ eventId, 'holders.b': bookingId }).toArray();
    return ledgers.flatMap((l) => (l.holders ?? []).filter((h) => h.b === bookingId).map((h) => ({ tierId: l.tierId, quantity: h.q })));
  }

  /**
   * Every ledger, in pages: what the reconciler checks. A plain scan: there is one ledger per ticket tier,
   * and FerretDB would scan for a filter on array elements anyway.
   */
  page(afterId: string, limit: number): Promise<SeatLedger[]> {
    return this.ledgers.find({ _id: { $gt: afterId } }).sort({ _id: 1 }).limit(limit).toArray();
  }

  /**
   * Take `quantity` seats for the booking; 'taken' if taken now or earlier by the same booking.
   * Requests for one ledger that arrive while its lock is held queue up here and are decided together
   * under the next lock: one read and one write for a whole burst instead of one lock round per buyer.
   */
  take(eventId: string, tierId: string, bookingId: string, quantity: number, deadline = Infinity): Promise<TakeResult> {
    const id = ledgerId(eventId, tierId);
    return new Promise((resolve, reject) => {
      const queue = this.waiting.get(id);
      if (queue) {
        queue.push({ bookingId, quantity, deadline, resolve, reject });
        return;
      }
      this.waiting.set(id, [{ bookingId, quantity, deadline, resolve, reject }]);
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

  /**
   * Runs under the ledger's lock, so reading, deciding and writing cannot interleave with another replica.
   * A request whose deadline has passed takes nothing: its caller has stopped waiting and would never
   * record the seats (the deadline is checked with the write's own margin, 500 ms).
   */
  private async takeBatch(id: string, batch: PendingTake[]): Promise<TakeResult[]> {
    const ledger = await this.ledgers.findOne({ _id: id });
    if (!ledger) return batch.map(() => ({ outcome: 'short', available: 0 }));
    const holders = new Set((ledger.holders ?? []).map((h) => h.b)); // FerretDB may not store an empty array set on insert
    let available = ledger.available;
    const newHolders: SeatHold[] = [];
    const at = new Date();
    const outcomes = batch.map(({ bookingId, quantity, deadline }): TakeOutcome => {
      if (holders.has(bookingId)) return 'taken';
      if (at.getTime() + 500 > deadline) return 'late';
      if (available < quantity) return 'short';
      available -= quantity;
      holders.add(bookingId);
      newHolders.push({ b: bookingId, q: quantity, at });
      return 'taken';
    });
    if (newHolders.length > 0) {
      assertLeasesHeld();
      await this.ledgers.updateOne({ _id: id }, { $inc: { available: available - ledger.available }, $push: { holders: { $each: newHolders } } });
    }
    return outcomes.map((outcome) => ({ outcome, available }));
  }

  /** Return the booking's seats of one tier; a second call finds nothing to return. */
  async giveBack(eventId: string, tierId: string, bookingId: string): Promise<boolean> {
    const id = ledgerId(eventId, tierId);
    return this.mutex.run(`ledger:${id}`, async () => {
      const ledger = await this.ledgers.findOne({ _id: id });
      const hold = ledger?.holders?.find((h) => h.b === bookingId);
      if (!ledger || !hold) return false;
      assertLeasesHeld();
      await this.ledgers.updateOne(
        { _id: id },
        { $set: { available: ledger.available + hold.q, holders: ledger.holders.filter((h) => h.b !== bookingId) } },
      );
      return true;
    });
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
      assertLeasesHeld();
      const updated = await this.ledgers.updateOne(
        { _id: ledger._id, capacity: ledger.capacity, available: ledger.available },
        { $set: { capacity, available: capacity - taken } },
      );
      if (updated.modifiedCount === 1 || capacity === ledger.capacity) return 'ok';
    }
    throw new Error('seat ledger kept changing while resizing');
  }
}
