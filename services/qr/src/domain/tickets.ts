import QRCode from 'qrcode';
import type { EventPayloads, Ticket as TicketView } from '@eventify/contracts';
import { notFound, type EventBus } from '@eventify/kit';
import type { Ticket, TicketsRepository } from '../data/tickets-repository.js';
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

/** Tickets: one per seat of a confirmed booking, each with a signed QR code; voided when the booking is cancelled. */
export class Tickets {
  constructor(
    private readonly repository: TicketsRepository,
    private readonly codes: TicketCodes,
    private readonly bus: EventBus,
  ) {}

  /** BookingConfirmed: issue the tickets. A redelivery finds them already there and announces nothing twice. */
  async issue(booking: EventPayloads['BookingConfirmed']): Promise<void> {
    const issuedAt = new Date(booking.confirmedAt);
    let seat = 0;
    const tickets: Ticket[] = booking.items.flatMap((item) =>
      Array.from({ length: item.quantity }, () => {
        seat += 1;
        const id = ticketIdFor(booking.bookingId, seat);
        return {
          _id: id,
          bookingId: booking.bookingId,
          userId: booking.userId,
          eventId: booking.eventId,
          tierId: item.tierId,
          tierName: item.tierName,
          seat,
          code: this.codes.sign({ ticketId: id, eventId: booking.eventId }),
          status: 'valid' as const,
          issuedAt,
          cancelledAt: null,
        };
      }),
    );
    await this.repository.insertMissing(tickets);
    if (await this.repository.recordIssuance(booking.bookingId)) {
      await this.bus.publish<EventPayloads['TicketsIssued']>('TicketsIssued', {
        bookingId: booking.bookingId,
        userId: booking.userId,
        eventId: booking.eventId,
        ticketIds: tickets.map((t) => t._id),
      });
    }
  }

  /** BookingCancelled: the tickets stop admitting anyone. */
  async voidBooking(booking: EventPayloads['BookingCancelled']): Promise<void> {
    const cancelled = await this.repository.cancelOfBooking(booking.bookingId);
    if (cancelled.length === 0) return;
    await this.bus.publish<EventPayloads['TicketsVoided']>('TicketsVoided', {
      bookingId: booking.bookingId,
      userId: booking.userId,
      eventId: booking.eventId,
      ticketIds: cancelled,
    });
  }

  async list(userId: string, eventId: string | undefined, after: { issuedAt: Date; id: string } | undefined, limit: number) {
    const rows = await this.repository.ofUser(userId, eventId, after, limit + 1);
    const page = rows.slice(0, limit);
    return { items: page.map((t) => ticketView(t)), last: rows.length > limit ? page.at(-1) : undefined };
  }

  async read(id: string, userId: string) {
    const ticket = await this.owned(id, userId);
    return ticketView(ticket, (await this.repository.checkInOf(id))?.at ?? null);
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
