import type { Collection, Db } from 'mongodb';
import { assertLeasesHeld, insertManyNew, isDuplicateKeyError, type Mutex } from '@eventify/kit';

/**
 * One ledger document per (event, tier) with its counts, and one hold document per booking that holds seats of
 * it (`seat_holds`). Every change to a ledger or its holds happens under the ledger's lock (kit Mutex: FerretDB
 * does not make a guarded update atomic), so capacity holds under any concurrency and across replicas without
 * multi-document transactions. A hold says which booking holds how many seats: that makes taking idempotent per
 * booking and lets a release find what to give back.
 *
 * Holds have a collection of their own so that the cost of a sale does not grow with the seats already sold (in
 * the ledger document they made every take read and rewrite an array of every earlier buyer: measured, a tier of
 * 50,000 with 49,000 sold sold at an eighth of a small tier's rate).
 *
 * Invariant: `available == capacity - sum(holds.q)`. The two writes of a change go in the order whose
 * interruption can only *under*-count what is for sale: a take lowers `available` before it stores its holds, a
 * release deletes its hold before raising `available`. A crash in between leaves seats off sale, never sold
 * twice; `recount` (the reconciler, under the lock) puts them back.
 */
export interface SeatLedger {
  _id: string;
  eventId: string;
  tierId: string;
  capacity: number;
  available: number;
  /** Holds as ledgers of an earlier version kept them; moved to `seat_holds` at start-up (`moveLegacyHolds`). */
  holders?: LegacyHold[];
}

interface LegacyHold {
  b: string;
  q: number;
  at?: Date;
}

export interface SeatHold {
  /** `<ledger id>:<booking id>`: a booking holds seats of a ledger at most once. */
  _id: string;
  ledger: string;
  eventId: string;
  tierId: string;
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

/** A ledger's counts: what views need. */
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
const holdId = (ledger: string, bookingId: string) => `${ledger}:${bookingId}`;

export class SeatsRepository {
  private readonly ledgers: Collection<SeatLedger>;
  private readonly holds: Collection<SeatHold>;
  constructor(
    db: Db,
    private readonly mutex: Mutex,
  ) {
    this.ledgers = db.collection('seat_ledgers');
    this.holds = db.collection('seat_holds');
  }

  async ensureIndexes(): Promise<void> {
    await this.ledgers.createIndex({ eventId: 1 });
    await this.holds.createIndex({ eventId: 1, b: 1 });
    await this.holds.createIndex({ ledger: 1 });
  }

  /**
   * Ledgers written by an earlier version keep their holds in a `holders` array: move them to `seat_holds`, under
   * the ledger's lock. Idempotent (a hold already moved is skipped), so every replica may run it at start-up.
   */
  async moveLegacyHolds(): Promise<number> {
    let moved = 0;
    for (const { _id } of await this.ledgers.find({ holders: { $exists: true } }, { projection: { _id: 1 } }).toArray()) {
      moved += await this.mutex.run(`ledger:${_id}`, async () => {
        const ledger = await this.ledgers.findOne({ _id });
        if (!ledger?.holders) return 0;
        const legacy = ledger.holders;
        assertLeasesHeld();
        await this.insertHolds(
          legacy.map((h) => ({
            _id: holdId(_id, h.b),
            ledger: _id,
            eventId: ledger.eventId,
            tierId: ledger.tierId,
            b: h.b,
            q: h.q,
            ...(h.at ? { at: h.at } : {}),
          })),
        );
        assertLeasesHeld();
        await this.ledgers.updateOne({ _id }, { $unset: { holders: '' } });
        return legacy.length;
      });
    }
    return moved;
  }

  /** Create the ledger of a tier if it does not exist (idempotent). */
  async openLedger(eventId: string, tierId: string, capacity: number): Promise<void> {
    try {
      await this.ledgers.updateOne(
        { _id: ledgerId(eventId, tierId) },
        { $setOnInsert: { eventId, tierId, capacity, available: capacity } },
        { upsert: true },
      );
    } catch (error) {
      if (!isDuplicateKeyError(error)) throw error; // created concurrently
    }
  }

  /** Capacity and availability per tier. */
  ledgersOf(eventId: string): Promise<LedgerCounts[]> {
    return this.ledgers.find({ eventId }, { projection: { holders: 0 } }).toArray();
  }

  /** Tiers of the event in which the booking holds seats, with how many. */
  async heldBy(eventId: string, bookingId: string): Promise<{ tierId: string; quantity: number }[]> {
    const holds = await this.holds.find({ eventId, b: bookingId }).toArray();
    return holds.map((h) => ({ tierId: h.tierId, quantity: h.q }));
  }

  /** Holds taken before `before`, in pages by id: what the reconciler judges. */
  holdsTakenBefore(before: Date, afterId: string, limit: number): Promise<SeatHold[]> {
    return this.holds
      .find({ _id: { $gt: afterId }, $or: [{ at: { $lt: before } }, { at: { $exists: false } }] })
      .sort({ _id: 1 })
      .limit(limit)
      .toArray();
  }

  /** Every ledger's id, in pages: what the recount walks. */
  async ledgerIds(afterId: string, limit: number): Promise<string[]> {
    const page = await this.ledgers
      .find({ _id: { $gt: afterId } }, { projection: { _id: 1 } })
      .sort({ _id: 1 })
      .limit(limit)
      .toArray();
    return page.map((l) => l._id);
  }

  /**
   * Take `quantity` seats for the booking; 'taken' if taken now or earlier by the same booking.
   * Requests for one ledger that arrive while its lock is held queue up here and are decided together
   * under the next lock: a few reads and writes for a whole burst instead of one lock round per buyer.
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
    const ledger = await this.ledgers.findOne({ _id: id }, { projection: { holders: 0 } });
    if (!ledger) return batch.map(() => ({ outcome: 'short', available: 0 }));
    // Decided as if no booking of the burst held seats yet (a retried take is rare); the unique insert of the holds
    // tells which did, and their seats are counted back. Asking first would cost a query over the tier's holds.
    let available = ledger.available;
    const holding = new Set<string>();
    const newHolds: SeatHold[] = [];
    const at = new Date();
    const outcomes = batch.map(({ bookingId, quantity, deadline }): TakeOutcome => {
      if (holding.has(bookingId)) return 'taken';
      if (at.getTime() + 500 > deadline) return 'late';
      if (available < quantity) return 'short';
      available -= quantity;
      holding.add(bookingId);
      newHolds.push({
        _id: holdId(id, bookingId),
        ledger: id,
        eventId: ledger.eventId,
        tierId: ledger.tierId,
        b: bookingId,
        q: quantity,
        at,
      });
      return 'taken';
    });
    if (newHolds.length > 0) {
      // Counted first, stored second: interrupted in between, the seats are off sale (recount returns them), never sold twice.
      assertLeasesHeld();
      await this.ledgers.updateOne({ _id: id }, { $inc: { available: available - ledger.available } });
      assertLeasesHeld();
      const heldBefore = await this.insertHolds(newHolds);
      if (heldBefore.length) {
        // Those bookings held their seats already (a retried take): 'taken' stands, and what was counted again goes back.
        const recounted = heldBefore.reduce((sum, hold) => sum + hold.q, 0);
        assertLeasesHeld();
        await this.ledgers.updateOne({ _id: id }, { $inc: { available: recounted } });
        available += recounted;
      }
    }
    return outcomes.map((outcome) => ({ outcome, available }));
  }

  /** Insert holds; returns those that were there already (left as they are). */
  private async insertHolds(holds: SeatHold[]): Promise<SeatHold[]> {
    return (await insertManyNew(this.holds, holds)).map((index) => holds[index]!);
  }

  /** Return the booking's seats of one tier; a second call finds nothing to return. */
  async giveBack(eventId: string, tierId: string, bookingId: string): Promise<boolean> {
    const id = ledgerId(eventId, tierId);
    return this.mutex.run(`ledger:${id}`, async () => {
      const hold = await this.holds.findOne({ _id: holdId(id, bookingId) });
      if (!hold) return false;
      // Deleted first, counted second: interrupted in between, the seats stay off sale until the recount.
      assertLeasesHeld();
      const deleted = await this.holds.deleteOne({ _id: hold._id });
      if (deleted.deletedCount !== 1) return false;
      assertLeasesHeld();
      await this.ledgers.updateOne({ _id: id }, { $inc: { available: hold.q } });
      return true;
    });
  }

  /**
   * Make the ledger's count agree with its holds again (`available = capacity - sum(q)`), under its lock; what an
   * interrupted take or release left off sale goes back on sale. Returns the seats put back (negative: taken off).
   */
  async recount(id: string): Promise<number> {
    return this.mutex.run(`ledger:${id}`, async () => {
      const ledger = await this.ledgers.findOne({ _id: id });
      if (!ledger) return 0;
      const [sum] = await this.holds
        .aggregate<{ held: number }>([{ $match: { ledger: id } }, { $group: { _id: null, held: { $sum: '$q' } } }])
        .toArray();
      // Holds a replica of the earlier version still keeps in the ledger (during a rolling update) count too.
      const legacy = (ledger.holders ?? []).reduce((total, h) => total + h.q, 0);
      const available = ledger.capacity - (sum?.held ?? 0) - legacy;
      if (available === ledger.available) return 0;
      assertLeasesHeld();
      await this.ledgers.updateOne({ _id: id }, { $set: { available } });
      return available - ledger.available;
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
