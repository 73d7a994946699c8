import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import fastifySwagger from '@fastify/swagger';
import Fastify, { type FastifyBaseLogger, type FastifyInstance, type RawServerDefault } from 'fastify';
import {
  jsonSchemaTransform,
  jsonSchemaTransformObject,
  serializerCompiler,
  validatorCompiler,
  type ZodTypeProvider,
} from 'fastify-type-provider-zod';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Server as TlsServer } from 'node:tls';
import type { BaseConfig } from '../config.js';
import { AppError } from '../errors.js';
import { registerHealth, type ReadinessCheck } from '../health.js';
import { loggerOptions } from '../logger.js';
import { tracingConfigured } from '../tracing.js';
import type { Registry } from 'prom-client';
import { registerMetrics } from '../metrics.js';
import { REQUEST_ID_HEADER, requestContext } from '../request-context.js';
import { registerProblemHandlers, sendProblem, toAppError } from './problem-handler.js';
import { drainRefusedBody, problemForClientError, rejectMalformedText } from './hostile-input.js';
import { AccessLog } from './access-log.js';
import type { Mtls } from '../tls/mtls.js';

class AppErrorFallback extends AppError {
  constructor() {
    super({ status: 400, code: 'bad-request', title: 'Bad request', detail: 'The request could not be understood.' });
  }
}

declare module 'fastify' {
  interface FastifyInstance {
    /** The app's Prometheus registry (unless created with `metrics: 'none'`). */
    metrics?: Registry;
  }
}

export type App = FastifyInstance<RawServerDefault, IncomingMessage, ServerResponse, FastifyBaseLogger, ZodTypeProvider>;

export interface AppOptions {
  /** Service name: appears in logs, metrics and the OpenAPI title. */
  name: string;
  config: BaseConfig;
  /** Dependencies `/readyz` checks. A function so checks added after creation are seen. */
  readiness?: () => readonly ReadinessCheck[];
  openapi?: { title?: string; description?: string; version?: string };
  /** The gateway answers /healthz and /readyz itself. */
  healthRoutes?: boolean;
  /**
   * 'serve' (default): `GET /metrics` on this app. 'collect': count, but serve nothing here (the gateway serves
   * `app.metrics` on its ops listener, away from the public port). 'none': no metrics (the ops listener itself).
   */
  metrics?: 'serve' | 'collect' | 'none';
  /**
   * Run each request inside `requestContext` (default), so calls and events it causes carry its request id. The
   * gateway, which passes the id on itself, turns it off: on Node 20 an AsyncLocalStorage in use puts a hook
   * on every promise of the process.
   */
  requestContext?: boolean;
  /** With TLS: serve HTTP/2, falling back to HTTP/1.1 for clients that do not speak it. */
  http2?: boolean;
  /**
   * Serve HTTPS to holders of an internal certificate only (every service; see tls/mtls.ts). Renewed
   * certificates are put in place without a restart. Without it: TLS_CERT_FILE/TLS_KEY_FILE, or plain HTTP.
   */
  mtls?: Mtls;
}

/** Request ids we accept from upstream: short and harmless in logs. Anything else is replaced. */
const SAFE_REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/**
 * The Fastify app every service starts from: structured logs with the caller's request id, zod request
 * validation that also feeds the OpenAPI document (`GET /openapi.json`), problem+json errors,
 * `/healthz`, `/readyz` and `/metrics`. Services add their routes and start it with `runService`.
 */
export async function createApp(options: AppOptions): Promise<App> {
  const { name, config } = options;
  const https = options.mtls
    ? options.mtls.serverOptions()
    : config.TLS_CERT_FILE && config.TLS_KEY_FILE
      ? { cert: readFileSync(config.TLS_CERT_FILE), key: readFileSync(config.TLS_KEY_FILE) }
      : null;

  const withContext = options.requestContext !== false;
  // One App type for every flavour: the HTTP/2 server answers HTTP/1.1 too, and routes do not care.
  const createFastify = Fastify as unknown as (options: Record<string, unknown>) => FastifyInstance;
  const app = createFastify({
    logger: loggerOptions(name, config.LOG_LEVEL, { correlation: withContext || tracingConfigured() }),
    bodyLimit: config.BODY_LIMIT_BYTES,
    ...(https ? (options.http2 && !options.mtls ? { http2: true, https: { ...https, allowHTTP1: true } } : { https }) : {}),
    genReqId: (req: IncomingMessage) => {
      const incoming = req.headers[REQUEST_ID_HEADER];
      return typeof incoming === 'string' && SAFE_REQUEST_ID.test(incoming) ? incoming : randomUUID();
    },
    logController: new AccessLog(),
    // Closing idle keep-alive sockets lets shutdown finish promptly once in-flight requests are done.
    forceCloseConnections: 'idle',
    return503OnClosing: true,
    ajv: { customOptions: { coerceTypes: 'array', removeAdditional: false } },
    clientErrorHandler: problemForClientError,
    // Errors Fastify meets before routing (a broken URL, an over-long path segment) are problems like any other.
    frameworkErrors: (error: Error, request: Parameters<typeof sendProblem>[2], reply: Parameters<typeof sendProblem>[0]) =>
      sendProblem(reply, toAppError(error) ?? new AppErrorFallback(), request),
  }).withTypeProvider<ZodTypeProvider>() as unknown as App;

  if (options.mtls) followRenewals(app, options.mtls);
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  registerProblemHandlers(app);
  app.addHook('preValidation', rejectMalformedText);
  app.addHook('onSend', drainRefusedBody);

  app.addHook('onRequest', (request, reply, done) => {
    reply.header(REQUEST_ID_HEADER, request.id);
    if (!withContext) return done();
    const authorization = request.headers.authorization;
    requestContext.run({ requestId: request.id, authorization }, done);
  });

  await app.register(fastifySwagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: options.openapi?.title ?? `Eventify ${name} service`,
        description: options.openapi?.description ?? '',
        version: options.openapi?.version ?? '0.1.0',
      },
      components: {
        securitySchemes: { bearerAuth: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } },
      },
    },
    transform: jsonSchemaTransform,
    // Contracts' schemas with an id (`.meta({ id })`) become components the routes refer to.
    transformObject: jsonSchemaTransformObject,
  });
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());

  if (options.healthRoutes !== false) registerHealth(app, options.readiness ?? (() => []), name);
  const metrics = options.metrics ?? 'serve';
  if (metrics !== 'none') {
    const expiry = options.mtls ? { certificateExpiry: () => options.mtls!.notAfter } : {};
    app.decorate('metrics', registerMetrics(app, name, { ...expiry, serve: metrics === 'serve' }));
  }
  return app;
}

/** New connections get the renewed certificate; open ones keep theirs until they close. */
function followRenewals(app: App, mtls: Mtls): void {
  const stop = mtls.watch(app.log as unknown as Parameters<Mtls['watch']>[0]);
  mtls.onRenew((renewed) => (app.server as unknown as TlsServer).setSecureContext(renewed.secureContextOptions()));
  app.addHook('onClose', async () => {
    stop();
    await mtls.close();
  });
}
