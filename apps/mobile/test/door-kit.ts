import { generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import type { DoorKit } from '@eventify/contracts';

/**
 * Real ticket codes, signed as the qr service signs them: `ET2.<ticketId>.<eventId>.<kid>.<signature>`, an Ed25519
 * signature (base64url) over the UTF-8 text before the last dot. The door kit carries the raw 32-byte public keys,
 * base64url, by key id; so the app's own verification runs on codes it could meet at a real door.
 */
export class SigningKey {
  private readonly privateKey: KeyObject;
  /** The raw public key, base64url, as the door kit lists it. */
  readonly publicKey: string;

  constructor(readonly kid: string) {
    const pair = generateKeyPairSync('ed25519');
    this.privateKey = pair.privateKey;
    this.publicKey = pair.publicKey.export({ format: 'jwk' }).x!;
  }

  /** The QR code's text of a ticket of `eventId`, signed with this key. */
  code(ticketId: string, eventId = 'event-1'): string {
    const signed = `ET2.${ticketId}.${eventId}.${this.kid}`;
    return `${signed}.${sign(null, Buffer.from(signed, 'utf8'), this.privateKey).toString('base64url')}`;
  }
}

/** The key in use now, and the one before it (retired, but tickets signed with it still admit). */
export const CURRENT_KEY = new SigningKey('k2');
export const RETIRED_KEY = new SigningKey('k1');

export function doorKit(overrides: Partial<DoorKit> = {}): DoorKit {
  return {
    eventId: 'event-1',
    keys: [CURRENT_KEY, RETIRED_KEY].map(({ kid, publicKey }) => ({ kid, publicKey })),
    cancelled: [],
    checkedIn: [],
    generatedAt: '2027-05-01T16:00:00.000Z',
    ...overrides,
  };
}
