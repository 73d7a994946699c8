import { ed25519 } from '@noble/curves/ed25519.js';
import type { DoorKit } from '@eventify/contracts';

/**
 * Reading a ticket's QR code at the door without asking the server. Codes `ET2.<ticketId>.<eventId>.<kid>.<signature>`
 * carry an Ed25519 signature (base64url) over everything before it, made by the qr service; the door kit holds the
 * public keys, which can check a code but never make one. Older `ET1.…` codes are HMAC-signed with a secret no
 * scanner has: they can only be checked online.
 */
export type ParsedCode =
  | { version: 'ET2'; ticketId: string; eventId: string; kid: string; signed: string; signature: string }
  | { version: 'ET1'; ticketId: string; eventId: string };

export function parseCode(text: string): ParsedCode | null {
  const parts = text.trim().split('.');
  if (parts[0] === 'ET2' && parts.length === 5 && parts.every(Boolean)) {
    const [, ticketId, eventId, kid, signature] = parts as [string, string, string, string, string];
    return { version: 'ET2', ticketId, eventId, kid, signed: parts.slice(0, 4).join('.'), signature };
  }
  if (parts[0] === 'ET1' && parts.length === 4 && parts.every(Boolean)) return { version: 'ET1', ticketId: parts[1]!, eventId: parts[2]! };
  return null;
}

function fromBase64Url(text: string): Uint8Array | null {
  if (!/^[A-Za-z0-9_-]*$/.test(text)) return null;
  const base64 = text
    .replace(/-/g, '+')
    .replace(/_/g, '/')
    .padEnd(Math.ceil(text.length / 4) * 4, '=');
  try {
    const binary = globalThis.atob(base64);
    return Uint8Array.from(binary, (c) => c.charCodeAt(0));
  } catch {
    return null;
  }
}

function toBase64Url(bytes: Uint8Array): string {
  return globalThis
    .btoa(String.fromCharCode(...bytes))
    .replace(/\+/g, '-')
    .replace(/\//g, '_')
    .replace(/=+$/, '');
}

/** Whether an ET2 code was signed by one of the kit's keys (retired ones included). */
export function signedByKit(code: Extract<ParsedCode, { version: 'ET2' }>, kit: Pick<DoorKit, 'keys'>): boolean {
  const key = kit.keys.find((k) => k.kid === code.kid);
  const publicKey = key ? fromBase64Url(key.publicKey) : null;
  const signature = fromBase64Url(code.signature);
  if (!publicKey || publicKey.length !== 32 || !signature || signature.length !== 64) return false;
  // base64url leaves spare bits in the last character: only the one spelling the server accepts counts here too.
  if (toBase64Url(signature) !== code.signature) return false;
  try {
    return ed25519.verify(signature, new TextEncoder().encode(code.signed), publicKey);
  } catch {
    return false;
  }
}
