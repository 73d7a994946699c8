import { X509Certificate as NodeX509, randomBytes, webcrypto } from 'node:crypto';
import { chmodSync, chownSync, mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type * as X509 from '@peculiar/x509';
import { SERVICE_NAMES, serviceIdentity, type Deployable } from '@eventify/contracts';

/**
 * The development PKI of `npm start`, the tests and the compose stack: one internal CA and one certificate
 * per deployable, each in its own directory laid out as cert-manager lays out its Secrets (tls.crt, tls.key,
 * ca.crt), so every environment hands a process the same files. Made on first use, reused afterwards, and
 * renewed when close to expiry, so nothing is ever rotated by hand. Kubernetes uses cert-manager instead.
 */
type CryptoKey = webcrypto.CryptoKey;
type CryptoKeyPair = webcrypto.CryptoKeyPair;
const crypto = webcrypto;

let x509: typeof X509;
/**
 * @peculiar/x509 (WebCrypto, no native code) is loaded only when something is to be issued: it needs the
 * reflect-metadata polyfill on the global Reflect, which the processes that only reuse certificates do without.
 */
async function loadX509(): Promise<typeof X509> {
  if (!x509) {
    await import('reflect-metadata');
    x509 = await import('@peculiar/x509');
    x509.cryptoProvider.set(crypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);
  }
  return x509;
}

export const DEPLOYABLES: readonly Deployable[] = [...SERVICE_NAMES, 'gateway'];
/** Outside the clone, like the other tools (`~/.cache/eventify`). */
export const DEFAULT_PKI_DIR = join(
  process.env.EVENTIFY_CACHE ?? join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'eventify'),
  'pki',
);

const DAY = 86_400_000;
const ALGORITHM = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;
const CA_DAYS = 3650;
const CA_RENEW_DAYS = 365;
const LEAF_DAYS = 30;
/** A leaf is renewed once a third of its life is left, as cert-manager does by default. */
const LEAF_RENEW_DAYS = 10;

export interface EnsurePkiOptions {
  dir?: string;
  names?: readonly string[];
  /** Make the files belong to this uid (when run as root): the images' `node` user, for the compose stack. */
  owner?: number;
  /** Pretend it is this time (tests of renewal). */
  now?: Date;
}

export interface Pki {
  dir: string;
  /** MTLS_DIR of a deployable. */
  identityDir(name: string): string;
  /** What this call made or renewed ("ca", names). */
  renewed: string[];
}

/** Make whatever is missing or close to expiry; safe to call from several processes at once (a lock). */
export async function ensurePki(options: EnsurePkiOptions = {}): Promise<Pki> {
  const dir = options.dir ?? DEFAULT_PKI_DIR;
  const now = options.now ?? new Date();
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const renewed: string[] = [];
  await withLock(join(dir, '.lock'), async () => {
    let ca = await readCa(dir, now);
    if (!ca) {
      ca = await createCa(now);
      writeFiles(dir, { 'ca.crt': ca.pem, 'ca.key': ca.keyPem }, options.owner);
      renewed.push('ca');
    }
    for (const name of options.names ?? DEPLOYABLES) {
      const own = join(dir, name);
      if (!renewed.includes('ca') && leafIsGood(own, name, ca.pem, now)) continue;
      const leaf = await issue(ca, name, { now });
      mkdirSync(own, { recursive: true, mode: 0o700 });
      if (options.owner !== undefined && process.getuid?.() === 0) chownSync(own, options.owner, options.owner);
      // The key first: a watcher that reads between two renames sees a mismatched pair, skips it and waits.
      writeFiles(own, { 'tls.key': leaf.keyPem, 'tls.crt': leaf.pem, 'ca.crt': ca.pem }, options.owner);
      renewed.push(name);
    }
  });
  return { dir, identityDir: (name) => join(dir, name), renewed };
}

interface Authority {
  pem: string;
  keyPem: string;
  key: CryptoKey;
}

async function createCa(now: Date): Promise<Authority> {
  const x509 = await loadX509();
  const keys = (await crypto.subtle.generateKey(ALGORITHM, true, ['sign', 'verify'])) as CryptoKeyPair;
  const certificate = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: serial(),
    name: 'CN=Eventify internal CA (development), O=Eventify',
    notBefore: new Date(now.getTime() - 5 * 60_000),
    notAfter: new Date(now.getTime() + CA_DAYS * DAY),
    keys,
    signingAlgorithm: ALGORITHM,
    extensions: [
      new x509.BasicConstraintsExtension(true, 0, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    ],
  });
  return { pem: certificate.toString('pem'), keyPem: await keyToPem(keys.privateKey), key: keys.privateKey };
}

export interface IssueOptions {
  now?: Date;
  days?: number;
  /** Leave out the spiffe://eventify/<name> URI (a certificate from our CA that names no service). */
  withoutIdentity?: boolean;
}

/** A certificate for one deployable, for both sides of a connection (server and client auth). */
export async function issue(ca: Authority, name: string, options: IssueOptions = {}): Promise<{ pem: string; keyPem: string }> {
  const x509 = await loadX509();
  const authority = new x509.X509Certificate(ca.pem);
  const now = options.now ?? new Date();
  const keys = (await crypto.subtle.generateKey(ALGORITHM, true, ['sign', 'verify'])) as CryptoKeyPair;
  const names: X509.JsonGeneralName[] = [
    ...(options.withoutIdentity ? [] : [{ type: 'url' as const, value: serviceIdentity(name as Deployable) }]),
    // The names compose and Kubernetes reach it by, and loopback (curl by hand); callers check the URI above.
    { type: 'dns', value: name === 'gateway' ? 'gateway' : `${name}-service` },
    { type: 'dns', value: 'localhost' },
    { type: 'ip', value: '127.0.0.1' },
  ];
  const certificate = await x509.X509CertificateGenerator.create({
    serialNumber: serial(),
    subject: `CN=${name}, O=Eventify`,
    issuer: authority.subject,
    notBefore: new Date(now.getTime() - 5 * 60_000),
    notAfter: new Date(now.getTime() + (options.days ?? LEAF_DAYS) * DAY),
    publicKey: keys.publicKey,
    signingKey: ca.key,
    signingAlgorithm: ALGORITHM,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth, x509.ExtendedKeyUsage.clientAuth]),
      new x509.SubjectAlternativeNameExtension(names),
      await x509.AuthorityKeyIdentifierExtension.create(authority.publicKey),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    ],
  });
  return { pem: certificate.toString('pem'), keyPem: await keyToPem(keys.privateKey) };
}

/** The CA of a PKI directory, to issue extra certificates with (tests). */
export async function loadCa(dir: string): Promise<Authority> {
  const ca = await readCa(dir, new Date(0));
  if (!ca) throw new Error(`${dir} has no usable CA: call ensurePki first`);
  return ca;
}

/** Write one identity's files into `dir` (tests that make certificates of their own). */
export function writeIdentity(dir: string, leaf: { pem: string; keyPem: string }, caPem: string): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  writeFiles(dir, { 'tls.key': leaf.keyPem, 'tls.crt': leaf.pem, 'ca.crt': caPem });
}

/** The CA of `dir`, unless it is missing, unreadable or due for renewal. */
async function readCa(dir: string, now: Date): Promise<Authority | undefined> {
  try {
    const pem = readFileSync(join(dir, 'ca.crt'), 'utf8');
    const keyPem = readFileSync(join(dir, 'ca.key'), 'utf8');
    if (new Date(new NodeX509(pem).validTo).getTime() - now.getTime() < CA_RENEW_DAYS * DAY) return undefined;
    const key = await crypto.subtle.importKey('pkcs8', pemToDer(keyPem), ALGORITHM, false, ['sign']);
    return { pem, keyPem, key };
  } catch {
    return undefined;
  }
}

function leafIsGood(dir: string, name: string, caPem: string, now: Date): boolean {
  try {
    const leaf = new NodeX509(readFileSync(join(dir, 'tls.crt')));
    const ca = new NodeX509(caPem);
    readFileSync(join(dir, 'tls.key'));
    return (
      readFileSync(join(dir, 'ca.crt'), 'utf8') === caPem &&
      leaf.checkIssued(ca) &&
      leaf.verify(ca.publicKey) &&
      (leaf.subjectAltName ?? '').includes(`URI:${serviceIdentity(name as Deployable)}`) &&
      new Date(leaf.validTo).getTime() - now.getTime() > LEAF_RENEW_DAYS * DAY
    );
  } catch {
    return false;
  }
}

/** Each file written whole then renamed into place: a reader never sees half a file. Keys are 0600. */
function writeFiles(dir: string, files: Record<string, string>, owner?: number): void {
  for (const [name, content] of Object.entries(files)) {
    const target = join(dir, name);
    const temporary = `${target}.${randomBytes(4).toString('hex')}.tmp`;
    writeFileSync(temporary, content, { mode: name.endsWith('.key') ? 0o600 : 0o644 });
    chmodSync(temporary, name.endsWith('.key') ? 0o600 : 0o644);
    if (owner !== undefined && process.getuid?.() === 0) chownSync(temporary, owner, owner);
    renameSync(temporary, target);
  }
}

async function keyToPem(key: CryptoKey): Promise<string> {
  const der = Buffer.from(await crypto.subtle.exportKey('pkcs8', key));
  return `-----BEGIN PRIVATE KEY-----\n${der
    .toString('base64')
    .match(/.{1,64}/g)!
    .join('\n')}\n-----END PRIVATE KEY-----\n`;
}

function pemToDer(pem: string): Buffer {
  return Buffer.from(pem.replace(/-----[A-Z ]+-----/g, '').replace(/\s+/g, ''), 'base64');
}

/** A positive 128-bit serial number. */
function serial(): string {
  const bytes = randomBytes(16);
  bytes[0]! &= 0x7f;
  return bytes.toString('hex');
}

/** An exclusive lock between processes (test files start stacks in parallel): a directory, stale after 60 s. */
async function withLock<T>(path: string, work: () => Promise<T>): Promise<T> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    try {
      mkdirSync(path);
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      try {
        if (Date.now() - statSync(path).mtimeMs > 60_000) rmSync(path, { recursive: true, force: true });
      } catch {
        // gone already
      }
      if (Date.now() > deadline) throw new Error(`${path}: another process holds the PKI lock`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  try {
    return await work();
  } finally {
    rmSync(path, { recursive: true, force: true });
  }
}
