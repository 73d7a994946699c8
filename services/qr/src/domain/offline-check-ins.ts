import type { OfflineCheckInResult } from '@eventify/contracts';
import { outboxEvent, type Logger, type Principal } from '@eventify/kit';
import { conflictId, type CheckIn, type CheckInsRepository } from '../data/check-ins-repository.js';
import type { TicketsRepository } from '../data/tickets-repository.js';
import type { Admissions } from './admissions.js';
import type { DoorAccess } from './door-access.js';
import type { TicketCodes } from './ticket-code.js';

export interface OfflineAdmission {
  qr: string;
  gate: string;
  scannedAt: Date;
  scannerId: string;
}

type Outcome = OfflineCheckInResult['results'][number];

/**
 * Admissions a scanner decided offline, uploaded when it is back online. Each code is verified again here.
 *
 * - The first admission of a ticket the server learns of is recorded, with the scanner's time and gate, by the
 *   same unique insert an online scan makes: online or offline, a ticket is admitted once. "First" is the
 *   first to reach the server: device clocks are not trusted to reorder what the server already answered.
 * - The same scanner sending it again (a retried upload, or an online scan whose answer it never got) is a
 *   `duplicate`: nothing changes.
 * - Another scanner's admission of a ticket already admitted is a `conflict`: the first one counts, this one
 *   is recorded once beside it (figures list conflicts).
 * - A code that does not verify, names another event, an unknown or a cancelled ticket is `invalid`; nothing
 *   is recorded for it.
 *
 * Safe to retry at any point: every write is an insert keyed so that doing it again finds it done.
 */
export class OfflineCheckIns {
  constructor(
    private readonly tickets: TicketsRepository,
    private readonly checkIns: CheckInsRepository,
    private readonly codes: TicketCodes,
    private readonly door: DoorAccess,
    private readonly admissions: Admissions,
    private readonly log: Logger,
  ) {}

  async upload(caller: Principal, eventId: string, admissions: OfflineAdmission[]): Promise<OfflineCheckInResult> {
    await this.door.require(caller, eventId);
    const now = new Date();
    const codes = await Promise.all(admissions.map((a) => this.codes.verify(a.qr)));
    const ids = [...new Set(codes.flatMap((c) => (c?.eventId === eventId ? [c.ticketId] : [])))];
    // One read each for the whole upload; the map of admissions is kept current as this upload adds to it.
    const [tickets, firsts] = await Promise.all([this.tickets.findMany(ids), this.checkIns.ofTickets(ids)]);
    const results: Outcome[] = [];
    for (const [index, admission] of admissions.entries()) {
      const code = codes[index];
      if (!code || code.eventId !== eventId) {
        results.push({ ticketId: null, outcome: 'invalid' });
        continue;
      }
      const ticket = tickets.get(code.ticketId);
      if (!ticket || ticket.eventId !== eventId || ticket.status !== 'valid') {
        results.push({ ticketId: code.ticketId, outcome: 'invalid' });
        continue;
      }
      let first = firsts.get(ticket._id);
      if (!first) {
        // A check-in cannot be in the future, whatever the device's clock said.
        const at = admission.scannedAt > now ? now : admission.scannedAt;
        const record: CheckIn = {
          _id: ticket._id,
          eventId,
          tierId: ticket.tierId,
          gate: admission.gate,
          scannedBy: caller.userId,
          scannerId: admission.scannerId,
          at,
          offline: true,
          recordedAt: now,
        };
        const checkedIn = outboxEvent('TicketCheckedIn', {
          ticketId: ticket._id,
          bookingId: ticket.bookingId,
          userId: ticket.userId,
          eventId,
          gate: admission.gate,
          checkedInAt: at.toISOString(),
        });
        const outcome = await this.checkIns.admit(record, [checkedIn]);
        firsts.set(ticket._id, outcome.checkIn);
        if (outcome.admitted) {
          await this.admissions.recorded(outcome.checkIn);
          results.push({ ticketId: ticket._id, outcome: 'recorded' });
          continue;
        }
        first = outcome.checkIn; // an online scan got there a moment before
      }
      const earlier = { firstAt: first.at.toISOString(), firstGate: first.gate };
      if (first.scannerId === admission.scannerId) {
        results.push({ ticketId: ticket._id, outcome: 'duplicate', ...earlier });
        continue;
      }
      const recorded = await this.checkIns.recordConflict({
        _id: conflictId(ticket._id, admission.scannerId),
        ticketId: ticket._id,
        eventId,
        gate: admission.gate,
        at: admission.scannedAt > now ? now : admission.scannedAt,
        scannerId: admission.scannerId,
        scannedBy: caller.userId,
        firstGate: first.gate,
        firstAt: first.at,
        recordedAt: now,
      });
      if (recorded)
        this.log.warn(
          { eventId, ticketId: ticket._id, gate: admission.gate, firstGate: first.gate },
          'ticket admitted twice while offline; the first admission counts',
        );
      results.push({ ticketId: ticket._id, outcome: 'conflict', ...earlier });
    }
    return { results };
  }
}
