import QRCode from 'qrcode';
import type { EventPayloads, Ticket as TicketView } from '@eventify/contracts';
import { notFound, outboxEvent, type Mutex } from '@eventify/kit';
import type { CheckInsRepository } from '../data/check-ins-repository.js';
import { ticketSetLock, type Ticket, type TicketsRepository } from '../data/tickets-repository.js';
import type { Admissions } from './admissions.js';
import { ticketIdFor, type TicketCodes } from './ticket-code.js';

export const ticketView = (ticket: Ticket, checkedInAt: Date | null = null): TicketView => ({
  id: ticket._id,
  bookingId: ticket.bookingId,
  eventId: ticket.eventId,
  tierId: ticket.tierId,
  tierName: ticket.tierName,
  seat: ticket.seat,
  status: ticket.status,
  qr: ticket.status === 'valid' ? ticket.code : null,
  issuedAt: ticket.issuedAt.toISOString(),
  checkedInAt: checkedInAt?.toISOString() ?? null,
});

/**
 * Tickets: one per seat of a confirmed booking, each with a signed QR code; voided when the booking is
 * cancelled. BookingConfirmed and BookingCancelled travel on different streams and may arrive in either
 * order, or again: both handlers run under the booking's ticket lock and consult its ticket set, where
 * `voided` is final, so the tickets end as the booking ended whatever the order, and a redelivery
 * changes nothing. Each change is stored with its event (the ticket set's outbox).
 */
export class Tickets {
  constructor(
    private readonly repository: TicketsRepository,
    private readonly checkIns: CheckInsRepository,
    private readonly codes: TicketCodes,
    private readonly mutex: Mutex,
    private readonly admissions: Admissions,
  ) {}

  /** BookingConfirmed: issue the tickets, unless the booking was cancelled already. */
  async issue(booking: EventPayloads['BookingConfirmed']): Promise<void> {
    await this.mutex.run(ticketSetLock(booking.bookingId), () => this.issueLocked(booking));
  }

  private async issueLocked(booking: EventPayloads['BookingConfirmed']): Promise<void> {
    const set = await this.repository.ticketSet(booking.bookingId);
    if (set?.status === 'voided') return;
    const issuedAt = new Date(booking.confirmedAt);
    const tickets: Ticket[] = [];
    for (const item of booking.items) {
      for (let i = 0; i < item.quantity; i++) {
        const seat = tickets.length + 1;
        const id = ticketIdFor(booking.bookingId, seat);
        tickets.push({
          _id: id,
          bookingId: booking.bookingId,
          userId: booking.userId,
          eventId: booking.eventId,
          tierId: item.tierId,
          tierName: item.tierName,
          seat,
          // A redelivery may sign again (another key after a rotation): the ticket stored first keeps its code.
          code: await this.codes.sign({ ticketId: id, eventId: booking.eventId }),
          status: 'valid',
          issuedAt,
          cancelledAt: null,
        });
      }
    }
    // Tickets first (idempotent by id), then the set with its event: a crash in between is redone by the redelivery.
    await this.repository.insertMissing(tickets);
    if (set?.status === 'issued') return;
    const issued = outboxEvent('TicketsIssued', {
      bookingId: booking.bookingId,
      userId: booking.userId,
      eventId: booking.eventId,
      ticketIds: tickets.map((t) => t._id),
    });
    await this.repository.setTicketSet(booking.bookingId, 'issued', [issued]);
  }

  /** BookingCancelled: the tickets stop admitting anyone, and none are issued for this booking any more. */
  async voidBooking(booking: EventPayloads['BookingCancelled']): Promise<void> {
    await this.mutex.run(ticketSetLock(booking.bookingId), async () => {
      const tickets = await this.repository.ofBooking(booking.bookingId);
      const ids = tickets.map((t) => t._id);
      // The door's copy in Redis, before MongoDB (no scan admits a ticket MongoDB already calls cancelled) and
      // after it (a door state loaded from MongoDB in between misses nothing).
      await this.admissions.voided(booking.eventId, ids);
      const set = await this.repository.ticketSet(booking.bookingId);
      if (set?.status !== 'voided') {
        const valid = tickets.filter((t) => t.status === 'valid').map((t) => t._id);
        const voided = valid.length
          ? [
              outboxEvent('TicketsVoided', {
                bookingId: booking.bookingId,
                userId: booking.userId,
                eventId: booking.eventId,
                ticketIds: valid,
              }),
            ]
          : [];
        await this.repository.setTicketSet(booking.bookingId, 'voided', voided);
      }
      // Also after a crash between the line above and this one: the redelivery finds `voided` and finishes.
      await this.repository.cancelOfBooking(booking.bookingId);
      await this.admissions.voided(booking.eventId, ids);
    });
  }

  async list(userId: string, eventId: string | undefined, after: { issuedAt: Date; id: string } | undefined, limit: number) {
    const rows = await this.repository.ofUser(userId, eventId, after, limit + 1);
    const page = rows.slice(0, limit);
    return { items: page.map((t) => ticketView(t)), last: rows.length > limit ? page.at(-1) : undefined };
  }

  async read(id: string, userId: string) {
    const ticket = await this.owned(id, userId);
    return ticketView(ticket, (await this.checkIns.of(id))?.at ?? null);
  }

  /** The QR code as SVG, for the app or for printing. */
  async svg(id: string, userId: string): Promise<string> {
    const ticket = await this.owned(id, userId);
    if (ticket.status !== 'valid') throw notFound('ticket', 'This ticket was cancelled and has no QR code any more.');
    return QRCode.toString(ticket.code, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 });
  }

  private async owned(id: string, userId: string): Promise<Ticket> {
    const ticket = await this.repository.find(id);
    if (!ticket || ticket.userId !== userId) throw notFound('ticket');
    return ticket;
  }
}
