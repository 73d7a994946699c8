import { X509Certificate, createHash } from 'node:crypto';
import { readFileSync, watch, type FSWatcher } from 'node:fs';
import { join } from 'node:path';
import { createSecureContext, type PeerCertificate, type SecureContextOptions } from 'node:tls';
import type { Logger } from 'pino';
import { Agent, BalancedPool, Dispatcher, fetch as undiciFetch } from 'undici';
import { withFailover } from '../http/replicas.js';
import { MTLS_FILES, identityOfCertificate } from './identity.js';

interface Material {
  cert: Buffer;
  key: Buffer;
  ca: Buffer;
  /** Of the three files together: tells a renewal from a re-read of the same files. */
  fingerprint: string;
  identity: string;
  notAfter: Date;
}

function readMaterial(dir: string): Material {
  const [cert, key, ca] = [MTLS_FILES.cert, MTLS_FILES.key, MTLS_FILES.ca].map((file) => readFileSync(join(dir, file)));
  const fingerprint = createHash('sha256').update(cert!).update(key!).update(ca!).digest('hex');
  // Throws when the key does not belong to the certificate (say, a renewal caught half-written).
  createSecureContext({ cert: cert!, key: key!, ca: ca! });
  const certificate = new X509Certificate(cert!);
  const authorities = (ca!.toString('utf8').match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? []).map(
    (pem) => new X509Certificate(pem),
  );
  if (!authorities.some((authority) => certificate.checkIssued(authority) && certificate.verify(authority.publicKey))) {
    throw new Error(`${join(dir, MTLS_FILES.cert)} is not signed by the CA in ${join(dir, MTLS_FILES.ca)}`);
  }
  const identity = identityOfCertificate(certificate);
  if (!identity) throw new Error(`${join(dir, MTLS_FILES.cert)} names no service: it needs one URI SAN spiffe://eventify/<name>`);
  return { cert: cert!, key: key!, ca: ca!, fingerprint, identity, notAfter: new Date(certificate.validTo) };
}

/**
 * A dispatcher whose connections present the current certificate: a renewal swaps in a new undici Agent and
 * lets the old one finish its requests, so calls in flight are not cut and new ones use the new certificate.
 * Keep-alive pooling and TLS session resumption are undici's (each Agent caches sessions per origin).
 */
class RenewingDispatcher extends Dispatcher {
  private agent: Dispatcher;
  constructor(private readonly make: () => Dispatcher) {
    super();
    this.agent = make();
  }
  renew(): void {
    const old = this.agent;
    this.agent = this.make();
    void old.close().catch(() => undefined);
  }
  override dispatch(options: Dispatcher.DispatchOptions, handler: Dispatcher.DispatchHandler): boolean {
    return this.agent.dispatch(options, handler);
  }
  override close(): Promise<void>;
  override close(callback: () => void): void;
  override close(callback?: () => void): Promise<void> | void {
    const closed = this.agent.close();
    if (!callback) return closed;
    void closed.then(callback, callback);
  }
  override destroy(): Promise<void>;
  override destroy(error: Error | null): Promise<void>;
  override destroy(callback: () => void): void;
  override destroy(error: Error | null, callback: () => void): void;
  override destroy(...args: unknown[]): Promise<void> | void {
    const callback = args.find((a): a is () => void => typeof a === 'function');
    const error = args.find((a): a is Error => a instanceof Error) ?? null;
    const destroyed = this.agent.destroy(error);
    if (!callback) return destroyed;
    void destroyed.then(callback, callback);
  }
}

const MAX_CONNECTIONS_PER_PEER = 128;

export type MtlsFetch = (url: string | URL, init?: RequestInit) => Promise<Response>;

/**
 * This process's identity inside the platform: its certificate and key, and the internal CA it trusts, read
 * from MTLS_DIR (tls.crt, tls.key, ca.crt). Servers built on it accept only clients holding a certificate from
 * that CA; clients built on it present the certificate and accept only the one service they meant to reach.
 * `watch` follows renewals (cert-manager, `npm start`'s renewals, a compose re-run) without a restart.
 */
export class Mtls {
  private material: Material;
  private readonly dispatchers = new Map<string, RenewingDispatcher>();
  /** The failover layer over a dispatcher spread across replicas, by the same key. */
  private readonly failovers = new Map<string, Dispatcher>();
  private readonly listeners: ((mtls: Mtls) => void)[] = [];

  private constructor(readonly dir: string) {
    this.material = readMaterial(dir);
  }

  /** Reads and checks the files; a readable error names the directory and what is wrong. */
  static load(dir: string): Mtls {
    try {
      return new Mtls(dir);
    } catch (error) {
      throw new Error(`MTLS_DIR=${dir}: cannot use the internal certificate: ${(error as Error).message}`);
    }
  }

  /** The deployable this certificate names (e.g. "booking"). */
  get identity(): string {
    return this.material.identity;
  }

  get notAfter(): Date {
    return this.material.notAfter;
  }

  /** Certificate, key and trusted CA, for a server's or a client's secure context. */
  secureContextOptions(): SecureContextOptions {
    return { cert: this.material.cert, key: this.material.key, ca: this.material.ca };
  }

  /** An HTTPS server that completes a handshake only with a client certificate from the internal CA. */
  serverOptions(): SecureContextOptions & { requestCert: true; rejectUnauthorized: true } {
    return { ...this.secureContextOptions(), requestCert: true, rejectUnauthorized: true };
  }

  /**
   * An undici dispatcher for calls to the deployable `peer`: presents this certificate, trusts only the
   * internal CA, and accepts only a server whose certificate names `peer` (its address does not matter:
   * 127.0.0.1, a compose name or a Kubernetes Service all work). One per peer, options and replicas, shared.
   * With several `replicas` (origins of the peer's processes), requests are spread over them and a replica that
   * is down is skipped (`replicaDispatcher` in http/replicas.ts); the request's own origin is then ignored.
   */
  dispatcher(peer: string, options: Agent.Options = {}, replicas: readonly string[] = []): Dispatcher {
    const key = `${peer} ${JSON.stringify(options)} ${replicas.join(',')}`;
    let dispatcher = this.dispatchers.get(key);
    if (!dispatcher) {
      const connect = typeof options.connect === 'object' ? options.connect : {};
      // Built again at every renewal: the connections must present the certificate current then.
      const pool = () => ({
        // A bounded pool per peer (per replica): a burst of 1,000 requests queues for a kept-alive connection
        // instead of opening 1,000 (a TLS handshake each, which on a busy machine outlasts the connect timeout).
        connections: MAX_CONNECTIONS_PER_PEER,
        ...options,
        connect: {
          ...connect,
          // One secure context for every connection until the next renewal: given the certificate, key and CA
          // instead, each new connection would parse all three again (seen in a profile of a burst of bookings).
          secureContext: createSecureContext(this.secureContextOptions()),
          checkServerIdentity: expectIdentity(peer),
        },
      });
      const spread = replicas.length > 1;
      const renewing = new RenewingDispatcher(() => (spread ? new BalancedPool([...replicas], pool()) : new Agent(pool())));
      dispatcher = renewing;
      this.dispatchers.set(key, renewing);
      if (spread) this.failovers.set(key, withFailover(renewing, replicas.length));
    }
    return this.failovers.get(key) ?? dispatcher;
  }

  /** `fetch` for calls to `peer` over mutual TLS (undici's fetch with `dispatcher(peer)`), over its replicas if several. */
  fetcher(peer: string, options: Agent.Options = {}, replicas: readonly string[] = []): MtlsFetch {
    const dispatcher = this.dispatcher(peer, options, replicas);
    return (url, init = {}) =>
      undiciFetch(url, { ...(init as Parameters<typeof undiciFetch>[1]), dispatcher }) as unknown as Promise<Response>;
  }

  /** Called after every renewal, with the new certificate in place. */
  onRenew(listener: (mtls: Mtls) => void): void {
    this.listeners.push(listener);
  }

  /**
   * Follows the files: a change seen by the file watcher (or by a poll every `intervalMs`, for mounts whose
   * changes the watcher misses) is read, checked and swapped in. A half-written or mismatched pair is
   * skipped until it is whole; the current certificate stays in use meanwhile. Returns the stop function.
   */
  watch(log: Logger, { intervalMs = 30_000 }: { intervalMs?: number } = {}): () => void {
    let refused = '';
    let warnedExpiry = 0;
    const check = () => {
      let next: Material;
      try {
        next = readMaterial(this.dir);
      } catch (error) {
        const message = (error as Error).message;
        if (message !== refused)
          log.warn(
            { dir: this.dir, reason: message },
            'internal certificate files changed but cannot be used (yet); keeping the current one',
          );
        refused = message;
        return;
      }
      refused = '';
      if (next.fingerprint !== this.material.fingerprint) {
        this.material = next;
        for (const dispatcher of this.dispatchers.values()) dispatcher.renew();
        for (const listener of this.listeners) listener(this);
        log.info({ identity: next.identity, notAfter: next.notAfter.toISOString() }, 'internal certificate renewed: now in use');
      }
      const left = this.material.notAfter.getTime() - Date.now();
      if (left < 7 * 86_400_000 && Date.now() - warnedExpiry > 86_400_000) {
        warnedExpiry = Date.now();
        log.warn(
          { identity: this.identity, notAfter: this.material.notAfter.toISOString() },
          'internal certificate expires within 7 days and has not been renewed',
        );
      }
    };
    let debounce: NodeJS.Timeout | undefined;
    let watcher: FSWatcher | undefined;
    try {
      watcher = watch(this.dir, () => {
        clearTimeout(debounce);
        debounce = setTimeout(check, 100);
      });
      watcher.on('error', () => undefined);
    } catch {
      // No watcher (some mounts): the poll below still sees renewals.
    }
    const timer = setInterval(check, intervalMs);
    timer.unref();
    check();
    return () => {
      clearInterval(timer);
      clearTimeout(debounce);
      watcher?.close();
    };
  }

  /** Closes every dispatcher (in-flight requests finish first). */
  async close(): Promise<void> {
    await Promise.allSettled([...this.dispatchers.values()].map((d) => d.close()));
  }
}

/** Server verification by identity: the URI SAN must name the peer we meant to call. */
function expectIdentity(peer: string) {
  return (_host: string, certificate: PeerCertificate): Error | undefined => {
    const identity = identityOfCertificate(certificate);
    if (identity === peer) return undefined;
    const error = new Error(
      `expected the ${peer} service's certificate, got ${identity ? `the ${identity} service's` : 'one naming no service'}`,
    );
    (error as Error & { code: string }).code = 'ERR_MTLS_WRONG_PEER';
    return error;
  };
}
