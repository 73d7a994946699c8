import { createHash, createHmac, sign, timingSafeEqual, verify } from 'node:crypto';
import type { TicketKeys } from './ticket-keys.js';

/**
 * What a ticket's QR code says.
 *
 * `ET2.<ticketId>.<eventId>.<kid>.<signature>` (tickets issued now): an Ed25519 signature, base64url, over
 * the UTF-8 text before the last dot (`ET2.<ticketId>.<eventId>.<kid>`: version, ticket, event and key id).
 * Anyone with the public key of `kid` can check it, so a door decides offline; only this service, holding
 * the private key, can make one. The event id in clear lets a door say "wrong event" before any lookup.
 *
 * `ET1.<ticketId>.<eventId>.<signature>` (tickets issued before): an HMAC-SHA256 (128 bits) with
 * QR_SIGNING_SECRET. Still verified here, so they keep scanning online; a door cannot check them offline.
 */
export interface TicketCode {
  ticketId: string;
  eventId: string;
}

const ID = /^[A-Za-z0-9_-]{1,64}$/;
const KID = /^[A-Za-z0-9_-]{1,16}$/;
const ED25519_SIGNATURE = /^[A-Za-z0-9_-]{86}$/;
const HMAC_SIGNATURE = /^[A-Za-z0-9_-]{22}$/;

export class TicketCodes {
  constructor(
    private readonly keys: TicketKeys,
    /** QR_SIGNING_SECRET: verifies ET1 codes only; nothing is signed with it any more. */
    private readonly legacySecret: string,
  ) {}

  async sign(code: TicketCode): Promise<string> {
    const { kid, privateKey } = await this.keys.signer();
    const signed = ['ET2', code.ticketId, code.eventId, kid].join('.');
    return `${signed}.${sign(null, Buffer.from(signed), privateKey).toString('base64url')}`;
  }

  /** The ticket and event a code names, or undefined when it is malformed, unknown or its signature does not match. */
  async verify(text: string): Promise<TicketCode | undefined> {
    const parts = text.trim().split('.');
    if (parts[0] === 'ET2' && parts.length === 5) return this.verifyEd25519(parts as [string, string, string, string, string]);
    if (parts[0] === 'ET1' && parts.length === 4) return this.verifyHmac(parts as [string, string, string, string]);
    return undefined;
  }

  private async verifyEd25519([version, ticketId, eventId, kid, signature]: [string, string, string, string, string]) {
    if (!ID.test(ticketId) || !ID.test(eventId) || !KID.test(kid) || !ED25519_SIGNATURE.test(signature)) return undefined;
    const bytes = Buffer.from(signature, 'base64url');
    // base64url leaves spare bits in the last character: only the one spelling of a signature counts.
    if (bytes.toString('base64url') !== signature) return undefined;
    const publicKey = await this.keys.publicKey(kid);
    if (!publicKey) return undefined;
    return verify(null, Buffer.from([version, ticketId, eventId, kid].join('.')), publicKey, bytes) ? { ticketId, eventId } : undefined;
  }

  private verifyHmac([, ticketId, eventId, signature]: [string, string, string, string]) {
    if (!ticketId || !eventId || !HMAC_SIGNATURE.test(signature)) return undefined;
    const expected = Buffer.from(legacyMac(this.legacySecret, { ticketId, eventId }));
    const given = Buffer.from(signature);
    return given.length === expected.length && timingSafeEqual(given, expected) ? { ticketId, eventId } : undefined;
  }
}

/** The ET1 signature. Kept so tickets issued before ET2 keep scanning online (and tests can make such a ticket). */
export function legacyMac(secret: string, code: TicketCode): string {
  return createHmac('sha256', secret).update(`ET1|${code.ticketId}|${code.eventId}`).digest().subarray(0, 16).toString('base64url');
}

export function legacyCode(secret: string, code: TicketCode): string {
  return ['ET1', code.ticketId, code.eventId, legacyMac(secret, code)].join('.');
}

/** Ticket ids follow from the booking and seat number, so issuing again (a redelivered event) finds the same tickets. */
export function ticketIdFor(bookingId: string, seat: number): string {
  return `tkt_${createHash('sha256').update(`${bookingId}:${seat}`).digest('base64url').slice(0, 22)}`;
}
