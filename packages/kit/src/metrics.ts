import type { FastifyInstance } from 'fastify';
import { AggregatorRegistry, Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/**
 * Prometheus metrics for one app: process defaults plus request counts and latency by route, and when the app
 * holds an internal certificate, when it expires (alert well before: renewal is automatic, so an expiry close
 * at hand means renewal is failing).
 */
export function registerMetrics(
  app: FastifyInstance,
  service: string,
  options: { certificateExpiry?: () => Date; serve?: boolean } = {},
): Registry {
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
/** What `/metrics` serves: a registry, or anything that renders like one (the gateway's cluster sums its workers'). */
export interface MetricsSource {
  contentType: string;
  metrics(): Promise<string>;
}

/**
 * A node:cluster primary's metrics: every worker's figures summed, asked for over the cluster's IPC channel at each
 * scrape (each worker calls `shareMetricsWithPrimary`). Scraping a worker would show a random one's share.
 */
export function clusterMetrics(): MetricsSource {
  const workers = new AggregatorRegistry();
  return { contentType: workers.contentType, metrics: () => workers.clusterMetrics() };
}

/** In a node:cluster worker: answer the primary's `clusterMetrics` from this registry. */
export function shareMetricsWithPrimary(registry: Registry): void {
  new AggregatorRegistry(); // its constructor is what makes a worker answer the primary's requests
  AggregatorRegistry.setRegistries([registry]);
}

export function serveMetrics(app: FastifyInstance, registry: MetricsSource): void {
  app.get('/metrics', { schema: { hide: true } }, async (_request, reply) => {
    reply.type(registry.contentType);
    return registry.metrics();
  });
}

/** What the event bus counts (bus/event-bus.ts). */
export interface BusMetrics {
  published: Counter<'type'>;
  consumed: Counter<'type' | 'outcome'>;
  handlerSeconds: Histogram<'type'>;
  deadLettered: Counter<'type'>;
}

export interface StreamBacklog {
  type: string;
  /** Delivered to this group and not yet acknowledged (being handled, failed and waiting for a retry). */
  pending: number;
  /** Not yet delivered to this group (Redis 7's XINFO GROUPS `lag`; absent when Redis cannot tell). */
  lag?: number;
}

export function busMetrics(registry: Registry, backlog?: () => Promise<StreamBacklog[]>): BusMetrics {
  if (backlog) {
    // Read at scrape time, from Redis: one XINFO GROUPS per consumed stream, nothing on the delivery path. The
    // gauge registered first reads both (the registry collects in registration order).
    const pending = new Gauge({
      name: 'bus_consumer_pending',
      help: 'Events delivered to this service and not yet acknowledged (in a handler, or failed and waiting for a retry)',
      labelNames: ['type'],
      registers: [],
    });
    new Gauge({
      name: 'bus_consumer_lag',
      help: 'Events of a consumed stream not yet delivered to this service',
      labelNames: ['type'],
      registers: [registry],
      async collect() {
        const rows = await backlog().catch(() => []);
        this.reset();
        pending.reset();
        for (const row of rows) {
          pending.set({ type: row.type }, row.pending);
          if (row.lag !== undefined) this.set({ type: row.type }, row.lag);
        }
      },
    });
    registry.registerMetric(pending);
  }
  return {
    published: new Counter({
      name: 'bus_events_published_total',
      help: 'Events published to the bus, by type',
      labelNames: ['type'],
      registers: [registry],
    }),
    consumed: new Counter({
      name: 'bus_events_consumed_total',
      help: 'Events delivered to a handler, by type and outcome (ok; failed: retried, or dead-lettered after the last attempt; duplicate: already handled)',
      labelNames: ['type', 'outcome'],
      registers: [registry],
    }),
    handlerSeconds: new Histogram({
      name: 'bus_handler_duration_seconds',
      help: 'Time an event handler took, by type',
      labelNames: ['type'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [registry],
    }),
    deadLettered: new Counter({
      name: 'bus_events_dead_lettered_total',
      help: 'Events moved to the dead-letter stream, by type',
      labelNames: ['type'],
      registers: [registry],
    }),
  };
}

/** What the lock counts (mutex.ts). */
export interface LockMetrics {
  acquired: Counter;
  busy: Counter;
  lost: Counter;
  waitSeconds: Histogram;
}

export function lockMetrics(registry: Registry): LockMetrics {
  return {
    acquired: new Counter({ name: 'lock_acquired_total', help: 'Locks taken', registers: [registry] }),
    busy: new Counter({
      name: 'lock_busy_total',
      help: 'Lock waits given up (answered 503: the resource stayed busy)',
      registers: [registry],
    }),
    lost: new Counter({
      name: 'lock_lease_lost_total',
      help: 'Leases lost while the work ran (renewal refused or not confirmed in time)',
      registers: [registry],
    }),
    waitSeconds: new Histogram({
      name: 'lock_wait_seconds',
      help: 'Time spent waiting for a lock, taken or not',
      buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 15],
      registers: [registry],
    }),
  };
}

/** An outbox's backlog, for `outbox_pending` and `outbox_oldest_pending_age_seconds`. */
export interface OutboxBacklog {
  source: string;
  /** Entries (Postgres) or documents with entries (MongoDB) not yet published. */
  pending: number;
  /** When the oldest waiting entry was stored: null when none waits; absent when the source cannot tell cheaply (MongoDB). */
  oldest?: Date | null;
}

/** What the outbox relay counts (outbox/relay.ts). */
export interface OutboxMetrics {
  relayed: Counter<'source'>;
  errors: Counter<'source'>;
}

export function outboxMetrics(registry: Registry, backlog: () => Promise<OutboxBacklog[]>): OutboxMetrics {
  // The gauge registered first reads both (the registry collects in registration order).
  const oldest = new Gauge({
    name: 'outbox_oldest_pending_age_seconds',
    help: 'Age of the oldest event waiting in an outbox (0 when none waits; PostgreSQL outboxes): grows while the relay cannot publish',
    labelNames: ['source'],
    registers: [],
  });
  new Gauge({
    name: 'outbox_pending',
    help: 'Events (PostgreSQL) or documents with events (MongoDB) waiting in an outbox to be published',
    labelNames: ['source'],
    registers: [registry],
    async collect() {
      const rows = await backlog().catch(() => []);
      for (const row of rows) {
        this.set({ source: row.source }, row.pending);
        if (row.oldest !== undefined)
          oldest.set({ source: row.source }, row.oldest ? Math.max(0, (Date.now() - row.oldest.getTime()) / 1000) : 0);
      }
    },
  });
  registry.registerMetric(oldest);
  return {
    relayed: new Counter({
      name: 'outbox_relayed_total',
      help: 'Events published from an outbox to the bus',
      labelNames: ['source'],
      registers: [registry],
    }),
    errors: new Counter({
      name: 'outbox_relay_errors_total',
      help: 'Relay runs of an outbox that failed (retried at the next tick)',
      labelNames: ['source'],
      registers: [registry],
    }),
  };
}
