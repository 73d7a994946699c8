import type { EntryStats, ScanAnswer } from '@eventify/contracts';
import type { Principal } from '@eventify/kit';
import type { CheckInsRepository } from '../data/check-ins-repository.js';
import type { TicketsRepository } from '../data/tickets-repository.js';
import type { Admissions } from './admissions.js';
import type { DoorAccess } from './door-access.js';
import type { TicketDirectory } from './ticket-directory.js';
import type { TicketCodes } from './ticket-code.js';
import { ticketView } from './tickets.js';

export interface ScanRequest {
  qr: string;
  gate?: string | undefined;
  /** The event this door is for; when given, a ticket of another event is `wrong_event`. */
  eventId?: string | undefined;
  /** The scanning device: an offline upload of the same admission from it later is recognised as a retry. */
  scannerId?: string | undefined;
}

/**
 * The door. A scan is answered with a result, not an HTTP error: the scanner shows it to the person in front
 * of it. The first scan of a valid ticket admits; every later one, at any gate, is `already_used` with when
 * and where it was first used. Forged or unreadable codes are `invalid`. Hot path: the code is checked in
 * memory (keys cached), the ticket comes from memory (TicketDirectory), the admission is decided in Redis and
 * written to MongoDB in a batch with others (Admissions); a rescan is one Redis round trip.
 */
export class Entry {
  constructor(
    private readonly tickets: TicketsRepository,
    private readonly checkIns: CheckInsRepository,
    private readonly directory: TicketDirectory,
    private readonly admissions: Admissions,
    private readonly codes: TicketCodes,
    private readonly door: DoorAccess,
  ) {}

  async scan(scanner: Principal, request: ScanRequest): Promise<ScanAnswer> {
    const gate = request.gate?.trim() || 'main';
    if (request.eventId) await this.door.require(scanner, request.eventId);
    const code = await this.codes.verify(request.qr);
    if (!code) return { result: 'invalid' };
    if (request.eventId && code.eventId !== request.eventId) return { result: 'wrong_event' };
    if (!request.eventId && !(await this.door.mayScan(scanner, code.eventId))) return { result: 'wrong_event' };

    const ticket = await this.directory.find(code.eventId, code.ticketId);
    if (!ticket || ticket.eventId !== code.eventId) return { result: 'invalid' };
    const cancelled = { result: 'cancelled', ticket: ticketView({ ...ticket, status: 'cancelled' }) } as const;
    if (ticket.status !== 'valid') return cancelled;

    const answer = await this.admissions.admit(ticket, { gate, scannedBy: scanner.userId, scannerId: request.scannerId ?? null });
    if (answer.kind === 'cancelled') return cancelled;
    return {
      result: answer.kind === 'admitted' ? 'admitted' : 'already_used',
      ticket: ticketView(ticket, answer.first.at),
      checkedInAt: answer.first.at.toISOString(),
      gate: answer.first.gate,
    };
  }

  /** Checked in against sold, by gate and by tier, and tickets admitted twice while offline, for the organizer and the door staff. */
  async stats(caller: Principal, eventId: string): Promise<EntryStats> {
    await this.door.require(caller, eventId);
    const [tickets, checkIns, conflicts] = await Promise.all([
      this.tickets.ticketsOfEvent(eventId),
      this.checkIns.ofEvent(eventId),
      this.checkIns.conflictsOfEvent(eventId),
    ]);
    const tiers = new Map<string, { tierId: string; tierName: string; sold: number; checkedIn: number }>();
    for (const ticket of tickets) {
      const tier = tiers.get(ticket.tierId) ?? { tierId: ticket.tierId, tierName: ticket.tierName, sold: 0, checkedIn: 0 };
      if (ticket.status === 'valid') tier.sold += 1;
      tiers.set(ticket.tierId, tier);
    }
    const gates = new Map<string, number>();
    for (const checkIn of checkIns) {
      gates.set(checkIn.gate, (gates.get(checkIn.gate) ?? 0) + 1);
      const tier = tiers.get(checkIn.tierId);
      if (tier) tier.checkedIn += 1;
    }
    return {
      eventId,
      sold: [...tiers.values()].reduce((sum, t) => sum + t.sold, 0),
      checkedIn: checkIns.length,
      byGate: [...gates].map(([gate, checkedIn]) => ({ gate, checkedIn })).sort((a, b) => a.gate.localeCompare(b.gate)),
      byTier: [...tiers.values()],
      conflicts: conflicts.map((c) => ({
        ticketId: c.ticketId,
        gate: c.gate,
        at: c.at.toISOString(),
        firstGate: c.firstGate,
        firstAt: c.firstAt.toISOString(),
      })),
    };
  }
}
