import type { FastifyInstance } from 'fastify';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/**
 * Prometheus metrics for one app: process defaults plus request counts and latency by route, and when the app
 * holds an internal certificate, when it expires (alert well before: renewal is automatic, so an expiry close
 * at hand means renewal is failing).
 */
export function registerMetrics(app: FastifyInstance, service: string, options: { certificateExpiry?: () => Date; serve?: boolean } = {}): Registry {
  const registry = new Registry();
  registry.setDefaultLabels({ service });
  collectDefaultMetrics({ register: registry });

  const duration = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'HTTP request latency by route and status',
    labelNames: ['method', 'route', 'status'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  const total = new Counter({
    name: 'http_requests_total',
    help: 'HTTP requests by route and status',
    labelNames: ['method', 'route', 'status'],
    registers: [registry],
  });

  const expiry = options.certificateExpiry;
  if (expiry) {
    new Gauge({
      name: 'internal_certificate_expiry_timestamp_seconds',
      help: 'When the internal (mutual TLS) certificate in use expires, Unix time',
      registers: [registry],
      collect() {
        this.set(expiry().getTime() / 1000);
      },
    });
  }

  app.addHook('onResponse', async (request, reply) => {
    // The route pattern, not the URL, so ids do not explode the label set.
    const route = request.routeOptions.url ?? 'unmatched';
    const labels = { method: request.method, route, status: String(reply.statusCode) };
    duration.observe(labels, reply.elapsedTime / 1000);
    total.inc(labels);
  });

  if (options.serve !== false) serveMetrics(app, registry);
  return registry;
}

/** `GET /metrics` on `app` for `registry` (the gateway serves its registry on its ops listener, not the public port). */
export function serveMetrics(app: FastifyInstance, registry: Registry): void {
  app.get('/metrics', { schema: { hide: true } }, async (_request, reply) => {
    reply.type(registry.contentType);
    return registry.metrics();
  });
}
