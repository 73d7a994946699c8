import { isIP } from 'node:net';
import type { FastifyRequest } from 'fastify';
import { peerIdentity } from '../tls/identity.js';

/**
 * The header the gateway puts the client's address in, on every request it forwards. The gateway always
 * overwrites it (with the address it derived, honouring only its trusted proxies), so a client's own value never
 * reaches a service through it.
 */
export const CLIENT_ADDRESS_HEADER = 'x-forwarded-for';

/**
 * The address of the person behind a request, for per-address limits. A service believes the forwarded address
 * only when the connection is the gateway's (its client certificate says so): anyone else, another service
 * included, could write any value there, so for them it is the connection's own address.
 */
export function clientAddressOf(request: FastifyRequest): string {
  const socketAddress = request.raw.socket.remoteAddress ?? 'unknown';
  if (peerIdentity(request.raw.socket) !== 'gateway') return socketAddress;
  const forwarded = request.headers[CLIENT_ADDRESS_HEADER];
  return typeof forwarded === 'string' && isIP(forwarded.trim()) ? forwarded.trim() : socketAddress;
}
