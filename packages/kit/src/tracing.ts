import { register } from 'node:module';

/**
 * OpenTelemetry tracing of a deployable: HTTP in and out (node:http/https, undici), MongoDB, PostgreSQL, Redis,
 * and the event bus (bus/event-bus.ts starts its own spans), exported over OTLP/HTTP (JSON) to
 * OTEL_EXPORTER_OTLP_ENDPOINT (or OTEL_EXPORTER_OTLP_TRACES_ENDPOINT).
 *
 * Without an endpoint nothing is set up: no SDK, no instrumentation, no context manager, so a process that
 * exports nowhere (the gateway benchmark, most tests) pays nothing per request. The @opentelemetry/api calls
 * in the kit then hit its no-op implementation, and a traceparent received in an event envelope still
 * passes through unchanged.
 *
 * This module imports nothing heavy at load time: an entry point imports it first, awaits `startTracing`,
 * and only then imports the service (see any `src/main.ts`), because the instrumentations patch modules as
 * they load, and a static import would have loaded them before this ran.
 */

/** The packages imported from ESM that an instrumentation patches: only these go through the loader hook. */
const HOOKED_MODULES = ['mongodb', 'pg', 'ioredis'];

/** Requests that are not work: probes and scrapes would drown the traces (and the probes run every few seconds). */
const UNTRACED_PATHS = new Set(['/healthz', '/readyz', '/metrics']);

interface Provider {
  forceFlush(): Promise<void>;
  shutdown(): Promise<void>;
}

let provider: Provider | undefined;

export function tracingConfigured(env: NodeJS.ProcessEnv = process.env): boolean {
  if (env.OTEL_SDK_DISABLED === 'true' || env.OTEL_TRACES_EXPORTER === 'none') return false;
  return Boolean(env.OTEL_EXPORTER_OTLP_ENDPOINT || env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT);
}

/** Set up tracing for `service` (its `service.name`, unless OTEL_SERVICE_NAME says otherwise) if an endpoint is configured. */
export async function startTracing(service: string): Promise<void> {
  if (provider || !tracingConfigured()) return;
  // CommonJS packages imported from ESM are not seen by require hooks: the import-in-the-middle loader hook
  // (OpenTelemetry's documented set-up for ESM) lets the instrumentations patch them too.
  register('@opentelemetry/instrumentation/hook.mjs', import.meta.url, { data: { include: HOOKED_MODULES } });

  const [
    { NodeTracerProvider, BatchSpanProcessor },
    { OTLPTraceExporter },
    { resourceFromAttributes },
    { registerInstrumentations },
    { HttpInstrumentation },
    { UndiciInstrumentation },
    { MongoDBInstrumentation },
    { PgInstrumentation },
    { IORedisInstrumentation },
  ] = await Promise.all([
    import('@opentelemetry/sdk-trace-node'),
    import('@opentelemetry/exporter-trace-otlp-http'),
    import('@opentelemetry/resources'),
    import('@opentelemetry/instrumentation'),
    import('@opentelemetry/instrumentation-http'),
    import('@opentelemetry/instrumentation-undici'),
    import('@opentelemetry/instrumentation-mongodb'),
    import('@opentelemetry/instrumentation-pg'),
    import('@opentelemetry/instrumentation-ioredis'),
  ]);

  const tracerProvider = new NodeTracerProvider({
    resource: resourceFromAttributes({ 'service.name': process.env.OTEL_SERVICE_NAME ?? service }),
    spanProcessors: [new BatchSpanProcessor(new OTLPTraceExporter())],
  });
  // Also installs the W3C trace-context propagator and the AsyncLocalStorage context manager.
  tracerProvider.register();
  registerInstrumentations({
    tracerProvider,
    instrumentations: [
      new HttpInstrumentation({
        ignoreIncomingRequestHook: (request) => UNTRACED_PATHS.has((request.url ?? '').split('?')[0]!),
        // Outgoing calls go through undici (traced below); node:http clients here are the exporter's own.
        ignoreOutgoingRequestHook: () => true,
      }),
      new UndiciInstrumentation(),
      // Only inside a traced operation: the bus's blocking reads, trims and lease renewals on timers would
      // otherwise each start a trace of their own.
      new MongoDBInstrumentation({ requireParentSpan: true }),
      new PgInstrumentation({ requireParentSpan: true }),
      new IORedisInstrumentation({ requireParentSpan: true }),
    ],
  });
  provider = tracerProvider;
}

/** Export what is buffered and stop (on shutdown; a no-op without tracing). */
export async function shutdownTracing(): Promise<void> {
  const current = provider;
  provider = undefined;
  await current?.shutdown().catch(() => undefined);
}
