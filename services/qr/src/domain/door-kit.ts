import type { DoorKit } from '@eventify/contracts';
import type { Principal } from '@eventify/kit';
import type { CheckInsRepository } from '../data/check-ins-repository.js';
import type { TicketsRepository } from '../data/tickets-repository.js';
import type { DoorAccess } from './door-access.js';
import type { TicketKeys } from './ticket-keys.js';

/**
 * What a scanner needs to decide at the door without a network: the public keys (retired ones too), the
 * tickets that no longer admit anyone, and the admissions so far. Nothing in it can make a ticket.
 */
export class DoorKits {
  constructor(
    private readonly tickets: TicketsRepository,
    private readonly checkIns: CheckInsRepository,
    private readonly keys: TicketKeys,
    private readonly door: DoorAccess,
  ) {}

  async forEvent(caller: Principal, eventId: string): Promise<DoorKit> {
    await this.door.require(caller, eventId);
    // Taken before reading: what changes while the kit is read is newer than `generatedAt`, never older.
    const generatedAt = new Date().toISOString();
    const [keys, cancelled, checkIns] = await Promise.all([
      this.keys.publicKeys(),
      this.tickets.cancelledOfEvent(eventId),
      this.checkIns.ofEvent(eventId),
    ]);
    return {
      eventId,
      keys,
      cancelled,
      checkedIn: checkIns.map((c) => ({ ticketId: c._id, at: c.at.toISOString(), gate: c.gate })),
      generatedAt,
    };
  }
}
