import {
  createCipheriv,
  createDecipheriv,
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  hkdfSync,
  randomBytes,
  type KeyObject,
} from 'node:crypto';
import type { Logger, Mutex } from '@eventify/kit';
import type { SealedKey, StoredTicketKey, TicketKeysRepository } from '../data/ticket-keys-repository.js';

interface LoadedKey {
  kid: string;
  /** Raw public key, base64url: what door kits carry. */
  raw: string;
  publicKey: KeyObject;
  sealed: SealedKey;
  createdAt: Date;
  retiredAt: Date | null;
}

const LOCK = 'qr:ticket-keys';
/** Keys change only on rotation: re-read this often, in the background, so a scan never waits for it. */
const REFRESH_MS = 30_000;
/**
 * An unknown key id may be a rotation another replica made: re-read at once (a small collection), but not
 * more often than this, so a flood of made-up key ids costs at most ten reads a second.
 */
const UNKNOWN_KID_REFRESH_MS = 100;

/** The key that seals private keys at rest, from configuration: HKDF, so any long secret will do. */
export function sealingKeyFrom(secret: string): Buffer {
  return Buffer.from(hkdfSync('sha256', secret, 'eventify', 'qr ticket signing keys v1', 32));
}

/**
 * The Ed25519 keys that sign ticket codes (ET2). One key signs new tickets; every other key is retired and
 * keeps verifying, so a rotation never voids a ticket already issued. Keys live in the service's database
 * (every replica signs with the same key, a restart changes nothing) with the private half sealed by
 * AES-256-GCM under a key from configuration; the public halves are what door kits carry. A private key
 * never leaves this class: not in an answer, an event or a log line.
 */
export class TicketKeys {
  private keys: LoadedKey[] = [];
  private loadedAt = 0;
  private loading: Promise<void> | undefined;
  private readonly privateKeys = new Map<string, KeyObject>();

  constructor(
    private readonly repository: TicketKeysRepository,
    private readonly mutex: Mutex,
    private readonly sealingKey: Buffer,
    private readonly log: Logger,
  ) {}

  /** At start-up: a key to sign with exists (made once, under the lock, however many replicas start together). */
  async ensureSigningKey(): Promise<void> {
    await this.mutex.run(LOCK, async () => {
      const stored = await this.repository.all();
      if (!stored.some((k) => k.retiredAt === null)) await this.repository.insert(this.newKey());
    });
    await this.reload();
    // Fails the start-up, not the first ticket, when the sealing key in configuration is not the one that sealed it.
    this.signingKey();
  }

  /** Make a new signing key; the others retire and keep verifying. */
  async rotate(): Promise<{ activeKid: string; retiredKids: string[] }> {
    const result = await this.mutex.run(LOCK, async () => {
      const fresh = this.newKey();
      await this.repository.insert(fresh);
      return { activeKid: fresh._id, retiredKids: await this.repository.retireAllExcept(fresh._id, new Date()) };
    });
    await this.reload();
    this.log.info({ activeKid: result.activeKid, retiredKids: result.retiredKids }, 'ticket signing key rotated');
    return result;
  }

  /** The key that signs new tickets, with its id. */
  async signer(): Promise<{ kid: string; privateKey: KeyObject }> {
    await this.fresh();
    return this.signingKey();
  }

  /** The public key for a key id; undefined when no such key exists. Never a database round trip on the hot path. */
  async publicKey(kid: string): Promise<KeyObject | undefined> {
    await this.fresh();
    let key = this.keys.find((k) => k.kid === kid);
    if (!key && Date.now() - this.loadedAt > UNKNOWN_KID_REFRESH_MS) {
      await this.reload();
      key = this.keys.find((k) => k.kid === kid);
    }
    return key?.publicKey;
  }

  /** Every public key, retired ones too (tickets they signed still admit): what door kits carry. */
  async publicKeys(): Promise<{ kid: string; publicKey: string }[]> {
    await this.fresh();
    return this.keys.map((k) => ({ kid: k.kid, publicKey: k.raw }));
  }

  private signingKey(): { kid: string; privateKey: KeyObject } {
    // Newest first: if two keys sign (two replicas rotated at once), the newest wins, and both verify anyway.
    const active = this.keys.find((k) => k.retiredAt === null) ?? this.keys[0];
    if (!active) throw new Error('no ticket signing key (ensureSigningKey was not called)');
    let privateKey = this.privateKeys.get(active.kid);
    if (!privateKey) {
      privateKey = createPrivateKey({ key: this.unseal(active.kid, active.sealed), format: 'der', type: 'pkcs8' });
      this.privateKeys.set(active.kid, privateKey);
    }
    return { kid: active.kid, privateKey };
  }

  /** Loaded once; later refreshed in the background while the cached keys go on serving. */
  private async fresh(): Promise<void> {
    if (this.loadedAt === 0) return this.reload();
    if (Date.now() - this.loadedAt > REFRESH_MS)
      void this.reload().catch((error) => this.log.warn({ err: error }, 'ticket keys not refreshed; the cached ones serve'));
  }

  private reload(): Promise<void> {
    this.loading ??= this.repository
      .all()
      .then((stored) => {
        this.keys = stored.map(toLoaded);
        this.loadedAt = Date.now();
      })
      .finally(() => (this.loading = undefined));
    return this.loading;
  }

  private newKey(): StoredTicketKey {
    const { publicKey, privateKey } = generateKeyPairSync('ed25519');
    const kid = randomBytes(6).toString('base64url');
    return {
      _id: kid,
      publicKey: publicKey.export({ format: 'jwk' }).x!,
      privateKey: this.seal(kid, privateKey.export({ format: 'der', type: 'pkcs8' })),
      createdAt: new Date(),
      retiredAt: null,
    };
  }

  /** AES-256-GCM; the key id is authenticated with it, so a sealed key cannot be passed off under another id. */
  private seal(kid: string, plain: Buffer): SealedKey {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.sealingKey, iv).setAAD(Buffer.from(kid));
    const data = Buffer.concat([cipher.update(plain), cipher.final()]);
    return { iv: iv.toString('base64url'), tag: cipher.getAuthTag().toString('base64url'), data: data.toString('base64url') };
  }

  private unseal(kid: string, sealed: SealedKey): Buffer {
    try {
      const decipher = createDecipheriv('aes-256-gcm', this.sealingKey, Buffer.from(sealed.iv, 'base64url')).setAAD(Buffer.from(kid));
      decipher.setAuthTag(Buffer.from(sealed.tag, 'base64url'));
      return Buffer.concat([decipher.update(Buffer.from(sealed.data, 'base64url')), decipher.final()]);
    } catch {
      throw new Error(
        `ticket signing key ${kid} cannot be unsealed: QR_KEY_ENCRYPTION_KEY (or QR_SIGNING_SECRET it defaults to) is not the one it was sealed with`,
      );
    }
  }
}

function toLoaded(stored: StoredTicketKey): LoadedKey {
  return {
    kid: stored._id,
    raw: stored.publicKey,
    publicKey: createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: stored.publicKey }, format: 'jwk' }),
    sealed: stored.privateKey,
    createdAt: stored.createdAt,
    retiredAt: stored.retiredAt,
  };
}
