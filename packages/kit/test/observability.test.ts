import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { context, SpanKind, trace } from '@opentelemetry/api';
import { InMemorySpanExporter, NodeTracerProvider, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-node';
import { pino } from 'pino';
import pg from 'pg';
import { Registry } from 'prom-client';
import type { IntegrationEvent } from '@eventify/contracts';
import {
  EventBus,
  Mutex,
  OutboxRelay,
  PostgresOutbox,
  connectRedis,
  loggerOptions,
  requestContext,
  type RedisHandle,
} from '../src/index.js';
import { eventually, infra, uniqueName, withDatabase } from './helpers.js';
import { connectPostgres, ensurePostgresDatabase } from '../src/db/postgres.js';

// The real SDK, exporting to memory: this process is the one traced, so its spans can be read back directly.
const exporter = new InMemorySpanExporter();
const provider = new NodeTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
provider.register();
const tracer = trace.getTracer('test');

const handles: RedisHandle[] = [];
const buses: EventBus[] = [];
const expired = (bookingId: string) => ({ bookingId, userId: 'user-1', eventId: 'event-1' });

async function makeBus(namespace: string, group: string, logger?: pino.Logger) {
  const handle = await connectRedis(infra.redis);
  handles.push(handle);
  const bus = new EventBus({
    redis: handle.redis,
    blockingRedis: handle.duplicate(),
    namespace,
    source: 'test',
    group,
    claimIdleMs: 200,
    blockMs: 100,
    ...(logger ? { logger } : {}),
  });
  buses.push(bus);
  return bus;
}

/** A logger configured as every service's, writing its lines where the test can read them. */
function capturedLogger() {
  const lines: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString().split('\n').filter(Boolean)) lines.push(JSON.parse(line));
      done();
    },
  });
  return { logger: pino(loggerOptions('test', 'info'), sink), lines };
}

after(async () => {
  await Promise.all(buses.map((b) => b.stop()));
  for (const h of handles) {
    const keys = await h.redis.keys('otel-test_*');
    if (keys.length) await h.redis.del(...keys);
  }
  await Promise.all(handles.map((h) => h.close()));
  await provider.shutdown();
});

describe('the trace across the event bus', () => {
  it("carries the publisher's trace in the envelope; the handler runs in a consumer span under it, with the request id, and logs both", async () => {
    const namespace = uniqueName('otel-test');
    const { logger, lines } = capturedLogger();
    const publisher = await makeBus(namespace, 'publisher');
    const consumer = await makeBus(namespace, 'consumers', logger);
    const seen: { event: IntegrationEvent; traceId?: string; parent?: string; requestId?: string }[] = [];
    consumer.subscribe('BookingExpired', async (event) => {
      const span = trace.getActiveSpan();
      logger.info('inside the handler');
      seen.push({
        event,
        traceId: span?.spanContext().traceId,
        parent: (span as unknown as { parentSpanContext?: { spanId: string } })?.parentSpanContext?.spanId,
        requestId: requestContext.current()?.requestId,
      });
    });
    await consumer.start();

    const request = tracer.startSpan('POST /bookings', { kind: SpanKind.SERVER });
    const published = await context.with(trace.setSpan(context.active(), request), () =>
      requestContext.run({ requestId: 'req-otel-1' }, () => publisher.publish('BookingExpired', expired('b-otel'))),
    );
    request.end();
    const [received] = await eventually(() => (seen.length ? seen : undefined), 5_000, 'delivery');

    const traceId = request.spanContext().traceId;
    assert.equal(received!.event.id, published.id);
    assert.match(received!.event.traceparent ?? '', new RegExp(`^00-${traceId}-[0-9a-f]{16}-01$`));
    assert.equal(received!.traceId, traceId);
    assert.equal(received!.requestId, 'req-otel-1');
    const spans = exporter.getFinishedSpans();
    const publish = spans.find((s) => s.name === 'publish BookingExpired')!;
    assert.equal(publish.kind, SpanKind.PRODUCER);
    assert.equal(publish.parentSpanContext?.spanId, request.spanContext().spanId);
    // The envelope names the publish span, and the consumer span is its child.
    assert.equal(received!.event.traceparent!.split('-')[2], publish.spanContext().spanId);
    const process = await eventually(
      () => exporter.getFinishedSpans().find((s) => s.name === 'process BookingExpired'),
      5_000,
      'consumer span',
    );
    assert.equal(process.kind, SpanKind.CONSUMER);
    assert.equal(received!.parent, publish.spanContext().spanId);
    assert.equal(process.spanContext().traceId, traceId);

    const inside = lines.find((line) => line.msg === 'inside the handler')!;
    assert.equal(inside.requestId, 'req-otel-1');
    assert.equal(inside.traceId, traceId);
    assert.equal(inside.spanId, process.spanContext().spanId);
    const handled = await eventually(() => lines.find((line) => line.msg === 'event handled'), 5_000, 'handled line');
    assert.equal(handled.requestId, 'req-otel-1');
    assert.equal(handled.type, 'BookingExpired');
  });

  it('an event without a trace is handled in a trace of its own, and a log line outside any request has no ids', async () => {
    const namespace = uniqueName('otel-test');
    const { logger, lines } = capturedLogger();
    const publisher = await makeBus(namespace, 'publisher');
    const consumer = await makeBus(namespace, 'consumers');
    const traces: (string | undefined)[] = [];
    consumer.subscribe('BookingExpired', async () => void traces.push(trace.getActiveSpan()?.spanContext().traceId));
    await consumer.start();
    const published = await publisher.publish('BookingExpired', expired('b-untraced'));
    // Published outside any span: the publish span starts a trace, which the consumer continues.
    assert.ok(published.traceparent === undefined);
    await eventually(() => traces.length === 1 || undefined, 5_000, 'delivery');
    assert.match(traces[0] ?? '', /^[0-9a-f]{32}$/);
    logger.info('outside');
    assert.deepEqual(
      Object.keys(lines[0]!).filter((key) => ['requestId', 'traceId', 'spanId'].includes(key)),
      [],
    );
  });
});

describe('the outbox keeps the trace', () => {
  const database = uniqueName('otel_outbox');
  let pool: pg.Pool;
  before(async () => {
    const url = withDatabase(infra.postgres, database);
    await ensurePostgresDatabase(url);
    pool = (await connectPostgres(url)).pool; // its idle clients may hear the drop at the end: not an error
    await pool.query(
      'create table outbox (id uuid primary key, type text not null, payload jsonb not null, occurred_at timestamptz not null default now(), published_at timestamptz, request_id text, traceparent text)',
    );
  });
  after(async () => {
    await pool?.end();
    const admin = new pg.Client({ connectionString: infra.postgres });
    await admin.connect();
    await admin.query(`drop database if exists ${database} with (force)`);
    await admin.end();
  });

  it("an event stored during a request is published later, from a timer, in that request's trace; the relay and the backlog are counted", async () => {
    const namespace = uniqueName('otel-test');
    const bus = await makeBus(namespace, 'publisher');
    const consumer = await makeBus(namespace, 'consumers');
    const received: IntegrationEvent[] = [];
    consumer.subscribe('BookingExpired', async (event) => void received.push(event));
    await consumer.start();
    const registry = new Registry();
    bus.instrument(registry);
    const relay = new OutboxRelay(bus, { intervalMs: 60_000 }).instrument(registry);
    const outbox = relay.add(new PostgresOutbox(pool, () => undefined));

    const request = tracer.startSpan('POST /payments/refund', { kind: SpanKind.SERVER });
    await context.with(trace.setSpan(context.active(), request), async () => {
      const client = await pool.connect();
      await outbox.add(client, 'BookingExpired', expired('b-outbox'));
      client.release();
    });
    request.end();
    assert.match(await registry.getSingleMetricAsString('outbox_pending'), /outbox_pending\{source="outbox"\} 1/);
    assert.match(
      await registry.getSingleMetricAsString('outbox_oldest_pending_age_seconds'),
      /outbox_oldest_pending_age_seconds\{source="outbox"\} \d/,
    );

    // The relay runs outside the request (no active span): the stored traceparent is what links it.
    await relay.start();
    await relay.idle();
    await relay.stop();
    const [event] = await eventually(() => (received.length ? received : undefined), 5_000, 'relayed event');
    assert.equal(event!.traceparent?.split('-')[1], request.spanContext().traceId);
    assert.match(await registry.getSingleMetricAsString('outbox_relayed_total'), /outbox_relayed_total\{source="outbox"\} 1/);
    assert.match(await registry.getSingleMetricAsString('outbox_pending'), /outbox_pending\{source="outbox"\} 0/);
    assert.match(
      await registry.getSingleMetricAsString('bus_events_published_total'),
      /bus_events_published_total\{type="BookingExpired"\} 1/,
    );
  });
});

describe('bus and lock metrics', () => {
  it('counts consumed events by outcome, dead letters, handler time and the backlog; locks taken, given up and their wait', async () => {
    const namespace = uniqueName('otel-test');
    const registry = new Registry();
    const publisher = await makeBus(namespace, 'publisher');
    const consumer = (await makeBus(namespace, 'consumers')).instrument(registry);
    let calls = 0;
    consumer.subscribe('BookingExpired', async (event) => {
      calls++;
      if (event.data.bookingId === 'b-fails') throw new Error('handler refuses');
    });
    await consumer.start();
    await publisher.publish('BookingExpired', expired('b-ok'));
    await publisher.publish('BookingExpired', expired('b-fails'));
    // maxAttempts is 5 by default: the failing event is tried five times, then dead-lettered.
    await eventually(
      async () => /bus_events_dead_lettered_total\{type="BookingExpired"\} 1/.test(await registry.metrics()) || undefined,
      15_000,
      'dead letter',
    );
    const text = await registry.metrics();
    assert.match(text, /bus_events_consumed_total\{type="BookingExpired",outcome="ok"\} 1/);
    assert.match(text, /bus_events_consumed_total\{type="BookingExpired",outcome="failed"\} 5/);
    assert.match(text, /bus_handler_duration_seconds_count\{type="BookingExpired"\} 6/);
    assert.match(text, /bus_consumer_pending\{type="BookingExpired"\} 0/);
    assert.match(text, /bus_consumer_lag\{type="BookingExpired"\} 0/);
    assert.equal(calls, 6);

    const handle = await connectRedis(infra.redis);
    handles.push(handle);
    const mutex = new Mutex(handle.redis, `${namespace}:own`).instrument(registry);
    await mutex.run('a', async () => {
      await assert.rejects(
        mutex.run('a', async () => undefined, { waitMs: 50 }),
        /busy/,
      );
    });
    const locks = await registry.metrics();
    assert.match(locks, /lock_acquired_total 1/);
    assert.match(locks, /lock_busy_total 1/);
    assert.match(locks, /lock_wait_seconds_count 2/);
    assert.match(locks, /lock_lease_lost_total 0/);
  });
});
