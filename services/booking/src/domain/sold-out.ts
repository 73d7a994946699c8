import { conflict } from '@eventify/kit';

interface Remembered {
  available: number;
  detail: string;
  until: number;
}

/**
 * What this process last heard from the event service about tiers that could not cover a request: for a short
 * while, a buyer asking for more than that is told "sold out" at once, without a booking written, a seat ledger
 * read or a call made. During a flash sale that is every loser after the first few.
 *
 * Invariant: the memo only ever refuses, so it can never oversell; its error is the other way, refusing a seat
 * that came back. That is bounded by `ttlMs` (a release by another replica or by the event service's reconciler
 * is seen at most that late) and cut short for releases made by this process, which forget the tier at once.
 * A refusal from the memo stores nothing, so a retry under the same Idempotency-Key is decided afresh.
 */
export class SoldOutMemo {
  private readonly tiers = new Map<string, Remembered>();

  constructor(
    private readonly ttlMs: number,
    private readonly maxEntries = 10_000,
  ) {}

  /** The event service refused a tier: it had `available` seats left when the refusal was decided. */
  remember(eventId: string, tierId: string, available: number, detail: string, now = Date.now()): void {
    if (this.ttlMs <= 0) return;
    if (this.tiers.size >= this.maxEntries) this.tiers.clear(); // forgetting only costs a round trip
    this.tiers.set(key(eventId, tierId), { available, detail, until: now + this.ttlMs });
  }

  /** Seats of these tiers may have come back: ask the event service again. */
  forget(eventId: string, tierIds: Iterable<string>): void {
    for (const tierId of tierIds) this.tiers.delete(key(eventId, tierId));
  }

  /** Throws the sold-out conflict when a remembered tier cannot cover what is asked (quantities summed per tier). */
  check(eventId: string, items: { tierId: string; quantity: number }[], now = Date.now()): void {
    if (this.tiers.size === 0) return;
    const asked = new Map<string, number>();
    for (const item of items) asked.set(item.tierId, (asked.get(item.tierId) ?? 0) + item.quantity);
    for (const [tierId, quantity] of asked) {
      const remembered = this.tiers.get(key(eventId, tierId));
      if (!remembered) continue;
      if (remembered.until <= now) {
        this.tiers.delete(key(eventId, tierId));
        continue;
      }
      if (quantity > remembered.available) {
        throw conflict(remembered.detail, 'sold-out', { tierId, available: remembered.available });
      }
    }
  }
}

const key = (eventId: string, tierId: string) => `${eventId}\u0000${tierId}`;
