import { conflict } from '@eventify/kit';

interface Remembered {
  available: number;
  detail: string;
  /** Until then the memo answers by itself. */
  freshUntil: number;
  /** A request let through to ask the event service again, and until when the others wait for its outcome. */
  probeUntil: number;
}

/** A tier nobody asked about for this long is dropped (the next request asks the event service). */
const FORGET_AFTER_MS = 60_000;

/**
 * What this process last heard from the event service about tiers that could not cover a request, or whose last
 * seats it just took: a buyer asking for more than that is told "sold out" at once, without a booking written, a
 * seat ledger read or a call made. During a flash sale that is every loser once the first has been refused.
 *
 * Once the memo is `ttlMs` old, one request is let through to ask the event service again (the probe) while the
 * others are still answered from memory; the probe's outcome renews the memo or forgets it.
 *
 * Invariant: the memo only ever refuses, so it can never oversell. Its error is the other way, refusing a seat that
 * came back: for at most `ttlMs` plus one probe when it came back through another replica or the event service's
 * reconciler; not at all when this process gave it back (a release forgets the tier at once). A refusal from memory
 * stores nothing, so a retry under the same Idempotency-Key is decided afresh.
 */
export class SoldOutMemo {
  private readonly tiers = new Map<string, Remembered>();

  constructor(
    private readonly ttlMs: number,
    private readonly maxEntries = 10_000,
  ) {}

  /** The event service had `available` seats of the tier left once it decided (refusing, or taking the last). */
  remember(eventId: string, tierId: string, available: number, detail: string, now = Date.now()): void {
    if (this.ttlMs <= 0) return;
    if (this.tiers.size >= this.maxEntries) this.tiers.clear(); // forgetting only costs a round trip
    this.tiers.set(key(eventId, tierId), { available, detail, freshUntil: now + this.ttlMs, probeUntil: 0 });
  }

  /** Seats of these tiers may be for sale again: ask the event service next time. */
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
      if (!remembered || quantity <= remembered.available) continue;
      if (now >= remembered.freshUntil && now >= remembered.probeUntil) {
        if (now - remembered.freshUntil > FORGET_AFTER_MS) {
          this.tiers.delete(key(eventId, tierId));
          continue;
        }
        // This request is the probe: it asks the event service; the others wait on its outcome, refused meanwhile.
        remembered.probeUntil = now + Math.max(this.ttlMs, 5_000);
        continue;
      }
      throw conflict(remembered.detail, 'sold-out', { tierId, available: remembered.available });
    }
  }
}

const key = (eventId: string, tierId: string) => `${eventId}\u0000${tierId}`;
