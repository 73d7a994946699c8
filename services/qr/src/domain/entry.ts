import { forbidden, notFound, outboxEvent, type Principal } from '@eventify/kit';
import type { TicketsRepository } from '../data/tickets-repository.js';
import type { EventAccessCache } from './event-access.js';
import type { TicketCodes } from './ticket-code.js';
import { ticketView } from './tickets.js';

export type ScanResult = 'admitted' | 'already_used' | 'invalid' | 'wrong_event' | 'cancelled';

export interface ScanRequest {
  qr: string;
  gate?: string | undefined;
  /** The event this door is for; when given, a ticket of another event is `wrong_event`. */
  eventId?: string | undefined;
}

/**
 * The door. A scan is answered with a result, not an HTTP error: the scanner shows it to the person in front
 * of it. The first scan of a valid ticket admits; every later one, at any gate, is `already_used` with when
 * and where it was first used. Forged or unreadable codes are `invalid`.
 */
export class Entry {
  constructor(
    private readonly repository: TicketsRepository,
    private readonly codes: TicketCodes,
    private readonly access: EventAccessCache,
  ) {}

  async scan(scanner: Principal, request: ScanRequest) {
    const gate = request.gate?.trim() || 'main';
    if (request.eventId) await this.requireDoorAccess(scanner, request.eventId);
    const code = this.codes.verify(request.qr);
    if (!code) return { result: 'invalid' as ScanResult };
    if (request.eventId && code.eventId !== request.eventId) return { result: 'wrong_event' as ScanResult };
    if (!request.eventId && !(await this.mayScan(scanner, code.eventId))) return { result: 'wrong_event' as ScanResult };

    const ticket = await this.repository.find(code.ticketId);
    if (!ticket || ticket.eventId !== code.eventId) return { result: 'invalid' as ScanResult };
    if (ticket.status !== 'valid') return { result: 'cancelled' as ScanResult, ticket: ticketView(ticket) };

    const at = new Date();
    const checkedIn = outboxEvent('TicketCheckedIn', { ticketId: ticket._id, bookingId: ticket.bookingId, userId: ticket.userId, eventId: ticket.eventId, gate, checkedInAt: at.toISOString() });
    const outcome = await this.repository.checkIn({ _id: ticket._id, eventId: ticket.eventId, tierId: ticket.tierId, gate, scannedBy: scanner.userId, at }, [checkedIn]);
    if (!outcome.admitted) {
      return {
        result: 'already_used' as ScanResult,
        ticket: ticketView(ticket, outcome.checkIn.at),
        checkedInAt: outcome.checkIn.at.toISOString(),
        gate: outcome.checkIn.gate,
      };
    }
    return { result: 'admitted' as ScanResult, ticket: ticketView(ticket, outcome.checkIn.at), checkedInAt: outcome.checkIn.at.toISOString(), gate };
  }

  /** Checked in against sold, by gate and by tier, for the organizer and the door staff. */
  async stats(caller: Principal, eventId: string) {
    await this.requireDoorAccess(caller, eventId);
    const [tickets, checkIns] = await Promise.all([this.repository.ticketsOfEvent(eventId), this.repository.checkInsOfEvent(eventId)]);
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
    };
  }

  private async mayScan(caller: Principal, eventId: string): Promise<boolean> {
    if (caller.roles.includes('admin')) return true;
    const access = await this.access.get(eventId);
    return !!access && (access.organizerId === caller.userId || access.staffIds.includes(caller.userId));
  }

  private async requireDoorAccess(caller: Principal, eventId: string): Promise<void> {
    const access = caller.roles.includes('admin') ? true : await this.access.get(eventId);
    if (!access) throw notFound('event');
    if (!(await this.mayScan(caller, eventId))) throw forbidden('Only the door staff and the organizer of this event can do this.');
  }
}
