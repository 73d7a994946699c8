import type { Logger } from 'pino';
import type { HeldSeatsResponse } from '@eventify/contracts';
import type { ServiceClient } from '@eventify/kit';
import type { SeatHold, SeatsRepository } from '../data/seats-repository.js';

/**
 * The net under every seat hold: seats held for a booking that failed, expired, was cancelled or never
 * existed are given back, whatever crashed where (a reservation that completed after the booking service
 * gave up on it, a release call lost with its caller, a late payment's take never recorded). Then every
 * ledger's count is checked against its holds, which puts back seats a take or release interrupted between
 * its two writes left off sale.
 *
 * Invariant it restores: seats held in a ledger == seats of the bookings that hold them (reserving,
 * awaiting payment or confirmed, under that reservation key) == capacity − available. Only holds older than
 * `graceMs` are judged, far longer than any reservation may take (its deadline), so a booking still being made
 * is never mistaken for a dead one. The booking service is the judge; when it cannot be asked, nothing is
 * released. Releasing and recounting are idempotent and under the ledger's lock, like every other ledger change.
 */
export class SeatReconciler {
  constructor(
    private readonly seats: SeatsRepository,
    private readonly bookings: ServiceClient,
    private readonly options: { graceMs: number; log: Logger },
  ) {}

  async run(now = new Date()): Promise<number> {
    const cutoff = new Date(now.getTime() - this.options.graceMs);
    // During a rolling update, replicas of the earlier version may still write holds into the ledger.
    const moved = await this.seats.moveLegacyHolds();
    if (moved) this.options.log.info({ holds: moved }, 'seat holds moved out of their ledgers');
    let released = 0;
    for (
      let after = '', holds = await this.seats.holdsTakenBefore(cutoff, after, 500);
      holds.length;
      holds = await this.seats.holdsTakenBefore(cutoff, after, 500)
    ) {
      after = holds.at(-1)!._id;
      released += await this.releaseOrphans(holds);
    }
    for (let after = '', ids = await this.seats.ledgerIds(after, 200); ids.length; ids = await this.seats.ledgerIds(after, 200)) {
      after = ids.at(-1)!;
      for (const id of ids) {
        const putBack = await this.seats.recount(id);
        if (putBack !== 0) this.options.log.warn({ ledger: id, seats: putBack }, 'seat count did not match the holds; corrected');
      }
    }
    return released;
  }

  private async releaseOrphans(holds: SeatHold[]): Promise<number> {
    const { body } = await this.bookings<HeldSeatsResponse>('POST', '/internal/bookings/holds', {
      body: { keys: [...new Set(holds.map((h) => h.b))] },
    });
    const held = new Set(body.held);
    let released = 0;
    for (const hold of holds) {
      if (held.has(hold.b)) continue;
      if (await this.seats.giveBack(hold.eventId, hold.tierId, hold.b)) {
        released++;
        this.options.log.warn({ eventId: hold.eventId, tierId: hold.tierId, reservationKey: hold.b }, 'released seats no booking holds');
      }
    }
    return released;
  }
}
