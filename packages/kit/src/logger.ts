import cluster from 'node:cluster';
import { context, trace } from '@opentelemetry/api';
import { pino, type LoggerOptions, type Logger } from 'pino';
import { requestContext } from './request-context.js';

/** Paths that must never reach a log line. */
export const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["stripe-signature"]',
  'headers.authorization',
  'password',
  '*.password',
  'refreshToken',
  '*.refreshToken',
  'accessToken',
  '*.accessToken',
  'token',
  '*.token',
];

/**
 * Fields every line gets from where it is logged: the request id of the request (or event) being worked on,
 * and the active trace and span, so a line written in domain code or an event handler can be found from the
 * request and from its trace. Without tracing set up there is no active span and only the request id remains.
 */
export function correlationFields(): { requestId?: string; traceId?: string; spanId?: string } {
  const fields: { requestId?: string; traceId?: string; spanId?: string } = {};
  const requestId = requestContext.current()?.requestId;
  if (requestId) fields.requestId = requestId;
  const span = trace.getSpan(context.active())?.spanContext();
  if (span && trace.isSpanContextValid(span)) {
    fields.traceId = span.traceId;
    fields.spanId = span.spanId;
  }
  return fields;
}

/**
 * `correlation: false` leaves the mixin out: for a process that has neither a request context nor tracing (the
 * gateway without an OTLP endpoint) it could only ever add nothing, on the hot path's access line.
 */
export function loggerOptions(service: string, level: string, options: { correlation?: boolean } = {}): LoggerOptions {
  return {
    level,
    // A gateway running as a cluster (GATEWAY_WORKERS) shares one output: each line says which worker wrote it.
    base: cluster.isWorker ? { service, worker: cluster.worker!.id } : { service },
    ...(options.correlation === false ? {} : { mixin: correlationFields }),
    timestamp: pino.stdTimeFunctions.isoTime,
    redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
    formatters: { level: (label) => ({ level: label }) },
  };
}

export function createLogger(service: string, level = 'info'): Logger {
  return pino(loggerOptions(service, level));
}

export type { Logger };
