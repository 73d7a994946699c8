import { randomUUID } from 'node:crypto';
import { outboxEvent, type Mutex } from '@eventify/kit';
import type { CheckIn, CheckInsRepository } from '../data/check-ins-repository.js';
import type { DoorState, FirstAdmission } from '../data/door-state.js';
import type { Ticket, TicketsRepository } from '../data/tickets-repository.js';
import { firstAdmissionOf, pendingEntry, type CheckInWriter } from './check-in-writer.js';

export type AdmissionAnswer = { kind: 'admitted' | 'used'; first: { at: Date; gate: string } } | { kind: 'cancelled' };

const loadLock = (eventId: string) => `door-state:${eventId}`;

/**
 * Admission at the door: decided in Redis (DoorState's script: the first SET of a ticket's check-in key wins),
 * written to MongoDB in batches (CheckInWriter), answered once written. One Redis round trip for a rescan, one
 * plus a share of a batch insert for a first scan; the ticket itself comes from memory (TicketDirectory).
 *
 * The fence: an event's door state is loaded from MongoDB (check-ins, voided tickets) before Redis decides
 * anything for it, once per event and per Redis lifetime: a Redis that lost its data has no fence and is
 * reloaded before the next admission. Even a check-in key lost some other way admits nobody twice: the
 * writer's unique insert finds the first admission and the scan says `already_used`.
 */
export class Admissions {
  private readonly loading = new Map<string, Promise<void>>();

  constructor(
    private readonly state: DoorState,
    private readonly writer: CheckInWriter,
    private readonly tickets: TicketsRepository,
    private readonly checkIns: CheckInsRepository,
    private readonly mutex: Mutex,
  ) {}

  async admit(ticket: Ticket, scan: { gate: string; scannedBy: string; scannerId: string | null }): Promise<AdmissionAnswer> {
    const at = new Date();
    const admissionId = randomUUID();
    const record: CheckIn = {
      _id: ticket._id,
      eventId: ticket.eventId,
      tierId: ticket.tierId,
      gate: scan.gate,
      scannedBy: scan.scannedBy,
      scannerId: scan.scannerId,
      at,
      recordedAt: at,
      admissionId,
    };
    const event = outboxEvent('TicketCheckedIn', {
      ticketId: ticket._id,
      bookingId: ticket.bookingId,
      userId: ticket.userId,
      eventId: ticket.eventId,
      gate: scan.gate,
      checkedInAt: at.toISOString(),
    });
    const first: FirstAdmission = { at: at.toISOString(), gate: scan.gate, id: admissionId };
    for (let attempt = 0; ; attempt++) {
      const outcome = await this.state.admit(ticket.eventId, ticket._id, first, pendingEntry(record, event));
      if (outcome.kind === 'cancelled') return outcome;
      if (outcome.kind === 'used') return { kind: 'used', first: { at: new Date(outcome.first.at), gate: outcome.first.gate } };
      if (outcome.kind === 'admitted') {
        const written = await this.writer.write({ record, event, pendingId: outcome.pendingId });
        return { kind: written.admissionId === admissionId ? 'admitted' : 'used', first: { at: written.at, gate: written.gate } };
      }
      if (attempt > 0) throw new Error(`the door state of event ${ticket.eventId} did not stay loaded`);
      await this.load(ticket.eventId);
    }
  }

  /** Load an event's door state (once per process at a time, once across replicas under the lock). */
  private load(eventId: string): Promise<void> {
    let loading = this.loading.get(eventId);
    if (!loading) {
      loading = this.mutex
        .run(loadLock(eventId), async () => {
          if (await this.state.isReady(eventId)) return;
          const [checkIns, voided] = await Promise.all([this.checkIns.firstsOfEvent(eventId), this.tickets.cancelledOfEvent(eventId)]);
          await this.state.load(
            eventId,
            checkIns.map((c) => ({ ticketId: c._id, first: firstAdmissionOf(c as CheckIn) })),
            voided,
          );
        })
        .finally(() => this.loading.delete(eventId));
      this.loading.set(eventId, loading);
    }
    return loading;
  }

  /** A booking was cancelled (its tickets voided in MongoDB): no scan admits them from now on. */
  voided(eventId: string, ticketIds: string[]): Promise<void> {
    return this.state.void(eventId, ticketIds);
  }

  /** An admission recorded in MongoDB some other way (an offline upload): later scans say so at once. */
  recorded(checkIn: CheckIn): Promise<void> {
    return this.state.remember(checkIn._id, firstAdmissionOf(checkIn));
  }
}
