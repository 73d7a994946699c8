import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { z } from 'zod';

/**
 * AES-256-GCM envelopes for secrets kept at rest or handed through the event bus. A key ring holds one or more
 * 32-byte keys: the first seals, any opens, so a key is rotated by putting the new one first and dropping the
 * old one once nothing sealed with it is left. Each envelope names its key by a short fingerprint (not secret:
 * a hash prefix), and binds a context string (AAD) so an envelope cannot be replayed in another place.
 *
 * Format: `v1.<key fingerprint>.<iv>.<ciphertext+tag>` (base64url parts).
 */
export class KeyRing {
  private readonly keys: { id: string; key: Buffer }[];

  constructor(keys: readonly Buffer[]) {
    if (keys.length === 0) throw new Error('a key ring needs at least one key');
    for (const key of keys) if (key.length !== 32) throw new Error('every key must be 32 bytes (AES-256)');
    this.keys = keys.map((key) => ({ id: fingerprint(key), key }));
  }

  seal(plaintext: string, context: string): string {
    const { id, key } = this.keys[0]!;
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', key, iv).setAAD(Buffer.from(context));
    const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final(), cipher.getAuthTag()]);
    return ['v1', id, iv.toString('base64url'), body.toString('base64url')].join('.');
  }

  /** The plaintext; throws when the envelope is malformed, sealed with a key not in the ring, or tampered with. */
  open(envelope: string, context: string): string {
    const [version, id, ivPart, bodyPart, ...rest] = envelope.split('.');
    if (version !== 'v1' || !id || !ivPart || !bodyPart || rest.length) throw new Error('not a sealed envelope');
    const entry = this.keys.find((k) => k.id === id);
    if (!entry) throw new Error('sealed with a key that is not configured (was it rotated out too early?)');
    const body = Buffer.from(bodyPart, 'base64url');
    const decipher = createDecipheriv('aes-256-gcm', entry.key, Buffer.from(ivPart, 'base64url')).setAAD(Buffer.from(context));
    decipher.setAuthTag(body.subarray(body.length - 16));
    return Buffer.concat([decipher.update(body.subarray(0, body.length - 16)), decipher.final()]).toString('utf8');
  }

  /** True when the envelope was sealed with another key than the current (first) one: worth re-sealing. */
  isStale(envelope: string): boolean {
    return envelope.split('.')[1] !== this.keys[0]!.id;
  }
}

const fingerprint = (key: Buffer) => createHash('sha256').update(key).digest('base64url').slice(0, 8);

/**
 * Config setting: a comma separated list of base64 32-byte keys (`openssl rand -base64 32`), newest first. Parsed
 * into a KeyRing; too short or malformed values stop the start with the setting named (never its value).
 */
export const keyRingSetting = () =>
  z
    .string()
    .min(44, 'must be at least one base64 32-byte key (openssl rand -base64 32)')
    .transform((value, context) => {
      const keys = value
        .split(',')
        .map((part) => part.trim())
        .filter(Boolean)
        .map((part) => Buffer.from(part, 'base64'));
      if (keys.length === 0 || keys.some((key) => key.length !== 32)) {
        context.addIssue({ code: 'custom', message: 'every key must be 32 bytes, base64 encoded (openssl rand -base64 32)' });
        return z.NEVER;
      }
      return new KeyRing(keys);
    });
