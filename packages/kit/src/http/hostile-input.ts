import { once } from 'node:events';
import type { Socket } from 'node:net';
import { PROBLEM_CONTENT_TYPE } from '../errors.js';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { badRequest } from '../errors.js';

/**
 * Text no field of ours may hold: NUL (PostgreSQL, and FerretDB on it, cannot store it; C libraries cut
 * strings at it) and lone UTF-16 surrogates (not Unicode: encoders fail or replace them). Refused with 400
 * for every route at once, before validation, wherever it hides in params, query or body.
 */
export async function rejectMalformedText(request: FastifyRequest): Promise<void> {
  for (const [where, value] of [
    ['params', request.params],
    ['query', request.query],
    ['body', request.body],
  ] as const) {
    const field = malformedTextAt(value, where, 0);
    if (field)
      throw badRequest(`${field} contains a NUL character or broken Unicode.`, [
        { field, message: 'must be valid Unicode text without NUL characters' },
      ]);
  }
}

// eslint-disable-next-line no-control-regex -- NUL is exactly what this looks for
const MALFORMED = /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

function malformedTextAt(value: unknown, path: string, depth: number): string | undefined {
  if (typeof value === 'string') return MALFORMED.test(value) ? path : undefined;
  if (depth > 32 || value === null || typeof value !== 'object') return undefined;
  // Parsed JSON, params and query only: the gateway's bodies are raw streams, forwarded byte for byte.
  if (typeof (value as { pipe?: unknown }).pipe === 'function' || ArrayBuffer.isView(value)) return undefined;
  for (const [key, inner] of Object.entries(value)) {
    const found = malformedTextAt(key, `${path}.${key}`, depth + 1) ?? malformedTextAt(inner, `${path}.${key}`, depth + 1);
    if (found) return found;
  }
  return undefined;
}

const DRAIN_LIMIT_BYTES = 64 * 1024 * 1024;
const DRAIN_LIMIT_MS = 10_000;

/**
 * A body refused as too large (413) is read to its end, and thrown away, before the answer goes out. If the
 * server answered and closed while the client was still uploading, the client would see a connection reset
 * (EPIPE) instead of the 413 it should read. Bounded: past 64 MB or 10 s the connection is closed anyway.
 */
export async function drainRefusedBody(request: FastifyRequest, reply: FastifyReply, payload: unknown): Promise<unknown> {
  const raw = request.raw;
  if (reply.statusCode !== 413 || raw.complete || raw.destroyed) return payload;
  reply.header('connection', 'close');
  let received = 0;
  const count = (chunk: Buffer) => {
    received += chunk.length;
    if (received > DRAIN_LIMIT_BYTES) raw.destroy();
  };
  raw.on('data', count);
  raw.resume();
  await Promise.race([once(raw, 'end'), once(raw, 'close'), new Promise((r) => setTimeout(r, DRAIN_LIMIT_MS).unref())]).catch(
    () => undefined,
  );
  raw.off('data', count);
  return payload;
}

/**
 * Requests Node's HTTP parser refuses before Fastify sees them (headers or URL over 16 kB, garbage that is
 * not HTTP, a client too slow to send its headers): answered as problem+json too, then the socket is closed.
 */
export function problemForClientError(error: Error & { code?: string }, socket: Socket): void {
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const [status, title, detail] =
    error.code === 'HPE_HEADER_OVERFLOW'
      ? [431, 'Request Header Fields Too Large', 'The request line or headers are larger than 16 kB.']
      : error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
        ? [408, 'Request Timeout', 'The request was not received in time.']
        : [400, 'Bad Request', 'The request is not valid HTTP.'];
  const body = JSON.stringify({
    type: `https://eventify.dev/problems/${status === 400 ? 'malformed-http' : status === 408 ? 'request-timeout' : 'headers-too-large'}`,
    title,
    status,
    detail,
  });
  socket.end(
    `HTTP/1.1 ${status} ${title}\r\nContent-Type: ${PROBLEM_CONTENT_TYPE}\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
}
