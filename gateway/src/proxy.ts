import { Readable } from 'node:stream';
import httpProxy from '@fastify/http-proxy';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { SERVICES, type ServiceName } from '@eventify/contracts';
import {
  type AppError,
  CLIENT_ADDRESS_HEADER,
  REQUEST_ID_HEADER,
  badGateway,
  gatewayTimeout,
  sendProblem,
  serviceUnavailable,
  type App,
  type Mtls,
} from '@eventify/kit';
import { clientAddress, type TrustedProxies } from './client-address.js';
import type { Upstreams } from './config.js';
import { upstreamDispatcher } from './upstream-tls.js';

/**
 * Headers a client must never be able to set on a request that reaches a service: a user is proven by the
 * access token alone and a service by its certificate, never by a header (nor one a proxy would add).
 */
export const STRIPPED_REQUEST_HEADERS = [
  'x-user-id',
  'x-user-roles',
  'x-user-email',
  'x-internal-token',
  'x-forwarded-user',
  'x-authenticated-user',
  'x-forwarded-client-cert',
  'x-client-cert',
];

const UNREACHABLE = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EHOSTUNREACH',
  'ECONNRESET',
  'EAI_AGAIN',
  'UND_ERR_SOCKET',
  'FST_REPLY_FROM_SERVICE_UNAVAILABLE',
]);
const TIMEOUT = new Set([
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
  'UND_ERR_CONNECT_TIMEOUT',
  'FST_REPLY_FROM_GATEWAY_TIMEOUT',
  'FST_REPLY_FROM_TIMEOUT',
  'FST_REPLY_FROM_HTTP_REQUEST_TIMEOUT',
]);

/** Why forwarding failed, as the problem the client should see. */
export function upstreamProblem(service: ServiceName, error: unknown): AppError {
  const codes = new Set<string>();
  for (let e = error as { code?: string; cause?: unknown } | undefined; e; e = e.cause as typeof e) {
    if (e.code) codes.add(e.code);
    if (codes.size > 8) break;
  }
  if ([...codes].some((c) => TIMEOUT.has(c))) return gatewayTimeout(`The ${service} service did not answer in time. Try again shortly.`);
  if ([...codes].some((c) => UNREACHABLE.has(c)))
    return serviceUnavailable(`The ${service} service is unavailable right now. Try again shortly.`);
  return badGateway(`The ${service} service could not be reached properly.`);
}

/** Answers up to this size are buffered and sent in one write (see onResponse below). */
const SMALL_ANSWER_BYTES = 64 * 1024;

export interface ProxyOptions {
  timeoutMs: number;
  /** Proxies in front that may name the client (TRUST_PROXY). */
  trustedProxies: TrustedProxies;
  /** The gateway's certificate, presented to https:// upstreams (mutual TLS). */
  mtls?: Mtls | undefined;
}

export async function registerProxies(app: App, upstreams: Upstreams, options: ProxyOptions): Promise<void> {
  await app.register(async (scope) => {
    // Bodies are forwarded as the exact bytes received (the Stripe webhook signature covers them), but
    // buffered so the body limit holds for chunked uploads too.
    scope.removeAllContentTypeParsers();
    // Handed on as a stream: reply-from would re-encode a parsed JSON body and change its bytes.
    scope.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, body, done) => done(null, Readable.from([body])));
    await registerProxyRoutes(scope as App, upstreams, options);
  });
}

async function registerProxyRoutes(app: App, upstreams: Upstreams, { timeoutMs, trustedProxies, mtls }: ProxyOptions): Promise<void> {
  for (const descriptor of Object.values(SERVICES)) {
    const upstream = upstreams[descriptor.name];
    for (const prefix of descriptor.prefixes) {
      if (!upstream) {
        // A known part of the API whose service is not deployed: say so rather than 404.
        const notDeployed = async (request: FastifyRequest, reply: FastifyReply) =>
          sendProblem(reply, serviceUnavailable(`The ${descriptor.name} service is not running in this deployment.`), request);
        app.all(prefix, { schema: { hide: true } }, notDeployed);
        app.all(`${prefix}/*`, { schema: { hide: true } }, notDeployed);
        continue;
      }
      const dispatcher = upstreamDispatcher(mtls, descriptor.name, upstream, timeoutMs);
      await app.register(httpProxy, {
        // With several replicas the dispatcher picks one per request; the first names the origin reply-from builds URLs on.
        upstream: upstream[0]!,
        prefix,
        rewritePrefix: prefix,
        proxyPayloads: false,
        // The kit's access line says what happened; reply-from's own two lines per request only cost.
        disableRequestLogging: true,
        undici: dispatcher ?? { headersTimeout: timeoutMs, bodyTimeout: timeoutMs, connectTimeout: Math.min(timeoutMs, 3_000) },
        replyOptions: {
          // reply-from retries a GET answered 503 up to ten times (Retry-After or ~42 ms × attempt each), so a
          // service whose database is down held the client far past UPSTREAM_TIMEOUT_MS. The 503 goes straight
          // to the client, who knows best whether to try again.
          retryDelay: () => null,
          // `headers` is reply-from's own copy of the request's: changed in place.
          rewriteRequestHeaders: (request, headers) => {
            const next = headers as Record<string, string | string[] | undefined>;
            for (const name of STRIPPED_REQUEST_HEADERS) delete next[name];
            next[REQUEST_ID_HEADER] = request.id;
            // Always overwritten, never passed on: the auth service believes it (from the gateway's connection only).
            next[CLIENT_ADDRESS_HEADER] = clientAddress(request, trustedProxies);
            next['x-forwarded-proto'] = request.protocol;
            return next;
          },
          // A small answer is read whole and sent in one write, headers and body together: cheaper than piping a
          // stream for the JSON most routes answer. Large, unsized and HEAD answers stream as they come.
          onResponse: (request, reply, res) => {
            // reply-from's types call this a ServerResponse; it is { statusCode, headers, stream: undici's body }.
            const { headers, stream } = res as unknown as {
              headers: Record<string, unknown>;
              stream: Readable & { arrayBuffer?: () => Promise<ArrayBuffer> };
            };
            const length = Number(headers['content-length']);
            const body = stream;
            if (request.method === 'HEAD' || !(length <= SMALL_ANSWER_BYTES) || typeof body.arrayBuffer !== 'function')
              return void reply.send(stream);
            body.arrayBuffer().then(
              (bytes) => reply.send(Buffer.from(bytes)),
              (error: unknown) => {
                if (reply.sent) return;
                const problem = upstreamProblem(descriptor.name, error);
                reply.request.log.warn({ err: error, service: descriptor.name }, problem.message);
                reply.removeHeader('content-length');
                void sendProblem(reply, problem, reply.request);
              },
            );
          },
          onError: (reply, { error }) => {
            const problem = upstreamProblem(descriptor.name, error);
            reply.request.log.warn({ err: error, service: descriptor.name }, problem.message);
            void sendProblem(reply, problem, reply.request);
          },
        },
      });
    }
  }
}
