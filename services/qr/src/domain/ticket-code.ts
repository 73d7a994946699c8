import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

/**
 * What a ticket's QR code says: `ET1.<ticketId>.<eventId>.<signature>`. The signature (HMAC-SHA256 over
 * version, ticket and event, truncated to 128 bits) makes codes unforgeable without the secret; the event id
 * in clear lets a door tell "wrong event" before any lookup. Short enough for a small, quickly read QR.
 */
const VERSION = 'ET1';

export interface TicketCode {
  ticketId: string;
  eventId: string;
}

export class TicketCodes {
  constructor(private readonly secret: string) {}

  sign(code: TicketCode): string {
    return [VERSION, code.ticketId, code.eventId, this.mac(code)].join('.');
  }

  /** The ticket and event a code names, or undefined when it is malformed or its signature does not match. */
  verify(text: string): TicketCode | undefined {
    const parts = text.trim().split('.');
    if (parts.length !== 4 || parts[0] !== VERSION) return undefined;
    const [, ticketId, eventId, signature] = parts as [string, string, string, string];
    if (!ticketId || !eventId || !/^[A-Za-z0-9_-]{22}$/.test(signature)) return undefined;
    const expected = Buffer.from(this.mac({ ticketId, eventId }));
    const given = Buffer.from(signature);
    return given.length === expected.length && timingSafeEqual(given, expected) ? { ticketId, eventId } : undefined;
  }

  private mac(code: TicketCode): string {
    return createHmac('sha256', this.secret).update(`${VERSION}|${code.ticketId}|${code.eventId}`).digest().subarray(0, 16).toString('base64url');
  }
}

/** Ticket ids follow from the booking and seat number, so issuing again (a redelivered event) finds the same tickets. */
export function ticketIdFor(bookingId: string, seat: number): string {
  return `tkt_${createHash('sha256').update(`${bookingId}:${seat}`).digest('base64url').slice(0, 22)}`;
}
