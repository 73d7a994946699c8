import type { Logger } from 'pino';
import type { HeldSeatsResponse } from '@eventify/contracts';
import type { ServiceClient } from '@eventify/kit';
import type { SeatLedger, SeatsRepository } from '../data/seats-repository.js';

/**
 * The net under every seat hold: seats held for a booking that failed, expired, was cancelled or never
 * existed are given back, whatever crashed where (a reservation that completed after the booking service
 * gave up on it, a release call lost with its caller, a late payment's take never recorded).
 *
 * Invariant it restores: seats held in a ledger == seats of the bookings that hold them (reserving,
 * awaiting payment or confirmed, under that reservation key). Only holds older than `graceMs` are
 * judged, far longer than any reservation may take (its deadline), so a booking still being made is
 * never mistaken for a dead one. The booking service is the judge; when it cannot be asked, nothing is
 * released. Releasing is idempotent and under the ledger's lock, like every other ledger change.
 */
export class SeatReconciler {
  constructor(
    private readonly seats: SeatsRepository,
    private readonly bookings: ServiceClient,
    private readonly options: { graceMs: number; log: Logger },
  ) {}

  async run(now = new Date()): Promise<number> {
    let released = 0;
    for (let after = '', ledgers = await this.seats.page(after, 200); ledgers.length; ledgers = await this.seats.page(after, 200)) {
      after = ledgers.at(-1)!._id;
      released += await this.reconcile(ledgers, new Date(now.getTime() - this.options.graceMs));
    }
    return released;
  }

  private async reconcile(ledgers: SeatLedger[], cutoff: Date): Promise<number> {
    const old = ledgers.flatMap((ledger) =>
      (ledger.holders ?? []).filter((h) => !h.at || new Date(h.at) < cutoff).map((h) => ({ eventId: ledger.eventId, tierId: ledger.tierId, key: h.b })),
    );
    let released = 0;
    for (let i = 0; i < old.length; i += 500) {
      const chunk = old.slice(i, i + 500);
      const { body } = await this.bookings<HeldSeatsResponse>('POST', '/internal/bookings/holds', {
        body: { keys: [...new Set(chunk.map((h) => h.key))] },
      });
      const held = new Set(body.held);
      for (const hold of chunk) {
        if (held.has(hold.key)) continue;
        if (await this.seats.giveBack(hold.eventId, hold.tierId, hold.key)) {
          released++;
          this.options.log.warn({ eventId: hold.eventId, tierId: hold.tierId, reservationKey: hold.key }, 'released seats no booking holds');
        }
      }
    }
    return released;
  }
}
