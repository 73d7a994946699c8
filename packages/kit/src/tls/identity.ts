import { X509Certificate } from 'node:crypto';
import type { Socket } from 'node:net';
import type { PeerCertificate, TLSSocket } from 'node:tls';
import { SERVICE_IDENTITY_PREFIX } from '@eventify/contracts';

/** The files of an internal identity, named as cert-manager names them in its Secrets. */
export const MTLS_FILES = { cert: 'tls.crt', key: 'tls.key', ca: 'ca.crt' } as const;

const URI_ENTRY = /^URI:(.*)$/;
const NAME = /^[a-z][a-z0-9-]{0,62}$/;

/**
 * The deployable a certificate names: its one `spiffe://eventify/<name>` URI SAN. Undefined when it has
 * none, or several (ambiguous), or anything else there. Only our CA's certificates get this far (the TLS
 * handshake checked the chain), so the SAN is as trustworthy as the CA.
 */
export function identityFromSubjectAltName(subjectAltName: string | undefined): string | undefined {
  if (!subjectAltName) return undefined;
  const uris = subjectAltName
    .split(', ')
    .map((entry) => URI_ENTRY.exec(entry)?.[1])
    .filter((uri): uri is string => uri !== undefined && uri.startsWith(SERVICE_IDENTITY_PREFIX));
  if (uris.length !== 1) return undefined;
  const name = uris[0]!.slice(SERVICE_IDENTITY_PREFIX.length);
  return NAME.test(name) ? name : undefined;
}

export function identityOfCertificate(certificate: X509Certificate | PeerCertificate | undefined): string | undefined {
  if (!certificate) return undefined;
  return identityFromSubjectAltName(certificate instanceof X509Certificate ? certificate.subjectAltName : certificate.subjectaltname);
}

const bySocket = new WeakMap<Socket, string | null>();

/** The service on the other end of a connection, from its client certificate (cached per connection). */
export function peerIdentity(socket: Socket): string | undefined {
  const known = bySocket.get(socket);
  if (known !== undefined) return known ?? undefined;
  const tlsSocket = socket as Partial<TLSSocket>;
  const identity =
    tlsSocket.authorized && tlsSocket.getPeerX509Certificate ? identityOfCertificate(tlsSocket.getPeerX509Certificate()) : undefined;
  bySocket.set(socket, identity ?? null);
  return identity;
}
