import type { Collection, Db } from 'mongodb';
import { assertLeasesHeld } from '@eventify/kit';

/** A private key as stored: AES-256-GCM ciphertext, its nonce and tag (base64url). */
export interface SealedKey {
  iv: string;
  tag: string;
  data: string;
}

/**
 * One Ed25519 key that signs ticket codes. The public key is stored in clear (it is public: door kits carry
 * it), so verifying never depends on decrypting anything; the private key only sealed.
 */
export interface StoredTicketKey {
  /** The key id codes name (`ET2.<ticket>.<event>.<kid>.<signature>`). */
  _id: string;
  /** Raw 32-byte public key, base64url. */
  publicKey: string;
  privateKey: SealedKey;
  createdAt: Date;
  /** null while it signs new tickets; set when a newer key took over. A retired key keeps verifying. */
  retiredAt: Date | null;
}

/** Every write here happens under the qr service's `ticket-keys` lock (TicketKeys), so rotations never interleave. */
export class TicketKeysRepository {
  private readonly keys: Collection<StoredTicketKey>;
  constructor(db: Db) {
    this.keys = db.collection('ticket_keys');
  }

  /** Every key ever made, newest first: the few there are all verify. */
  all(): Promise<StoredTicketKey[]> {
    return this.keys.find({}).sort({ createdAt: -1, _id: -1 }).toArray();
  }

  async insert(key: StoredTicketKey): Promise<void> {
    assertLeasesHeld();
    await this.keys.insertOne(key);
  }

  /** Retire every key that still signs, except `kid`; returns the ids retired. */
  async retireAllExcept(kid: string, at: Date): Promise<string[]> {
    const signing = await this.keys.find({ retiredAt: null, _id: { $ne: kid } }, { projection: { _id: 1 } }).toArray();
    assertLeasesHeld();
    if (signing.length) await this.keys.updateMany({ _id: { $in: signing.map((k) => k._id) } }, { $set: { retiredAt: at } });
    return signing.map((k) => k._id);
  }
}
