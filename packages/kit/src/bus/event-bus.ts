import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { context, SpanKind, SpanStatusCode, trace, type Span } from '@opentelemetry/api';
import type { Registry } from 'prom-client';
import type { Logger } from 'pino';
import {
  EVENT_SCHEMAS,
  IntegrationEventSchema,
  isEventType,
  redisKeys,
  type EventPayloads,
  type EventType,
  type IntegrationEvent,
} from '@eventify/contracts';
import type { ReadinessCheck } from '../health.js';
import type { OutboxEntry } from '../outbox/entry.js';
import { busMetrics, type BusMetrics, type StreamBacklog } from '../metrics.js';
import { requestContext } from '../request-context.js';
import { assertValidPayload, describeIssues } from './payloads.js';
import { contextFromTraceparent, traceparentOf } from './trace-context.js';

const tracer = trace.getTracer('@eventify/kit/bus');

export type EventHandler<TData = unknown> = (event: IntegrationEvent<string, TData>) => Promise<void>;
/** The handler of one known event type: its payload is the type's schema's, checked before the call. */
export type TypedEventHandler<T extends EventType> = (event: IntegrationEvent<T, EventPayloads[T]>) => Promise<void>;

export interface EventBusOptions {
  /** Connection for ordinary commands. */
  redis: Redis;
  /** A separate connection for blocking reads; required to consume. */
  blockingRedis?: Redis;
  /** Key prefix: separates environments and test runs sharing one Redis. */
  namespace: string;
  /** Publishing service, recorded on every event. */
  source: string;
  /** Consumer group: one per service, so each service gets every event once (replicas share the work). */
  group?: string;
  /** This replica's name inside the group. */
  consumer?: string;
  logger?: Logger;
  /** Deliveries before a failing event goes to the dead-letter stream. */
  maxAttempts?: number;
  /** A pending event idle this long is claimed again: a retry, or a crashed replica's work taken over. */
  claimIdleMs?: number;
  blockMs?: number;
  batchSize?: number;
  /** How long "already processed" is remembered per event id. */
  dedupeTtlSeconds?: number;
  /**
   * Streams are trimmed only below what every consumer group has acknowledged, so a group that falls
   * behind loses nothing. A stream no group reads yet keeps about this many entries.
   */
  maxStreamLength?: number;
  /** How often a publisher trims the streams it publishes to. */
  trimIntervalMs?: number;
  /**
   * The event types this bus may publish and subscribe to (the service's row in PUBLISHER and CONSUMES of
   * @eventify/contracts). Anything else is refused with an error naming the table, before Redis would refuse it
   * (the service's Redis user may write only its own streams); absent: anything (tests, tools).
   */
  allowed?: { publishes: readonly string[]; consumes: readonly string[] };
}

type StreamEntry = [id: string, fields: string[]];

/**
 * Integration events over Redis Streams: one stream per event type, one consumer group per
 * subscribing service. Delivery is at-least-once; handlers are made idempotent by event id (an event
 * already handled by this group is acknowledged without running the handler again), a failing handler
 * is retried, and after `maxAttempts` the event moves to the group's dead-letter stream.
 */
export class EventBus {
  private readonly handlers = new Map<string, EventHandler>();
  private readonly options: Required<Omit<EventBusOptions, 'blockingRedis' | 'logger' | 'group' | 'allowed'>> &
    Pick<EventBusOptions, 'blockingRedis' | 'logger' | 'group' | 'allowed'>;
  private running = false;
  private loops: Promise<void>[] = [];
  private claimTimer: NodeJS.Timeout | undefined;
  private trimTimer: NodeJS.Timeout | undefined;
  private readonly publishedTypes = new Set<string>();
  private metrics: BusMetrics | undefined;

  constructor(options: EventBusOptions) {
    this.options = {
      consumer: `${options.source}-${process.pid}-${randomUUID().slice(0, 8)}`,
      maxAttempts: 5,
      claimIdleMs: 15_000,
      blockMs: 500,
      batchSize: 32,
      dedupeTtlSeconds: 7 * 24 * 3600,
      maxStreamLength: 100_000,
      trimIntervalMs: 30_000,
      ...options,
    };
    this.trimTimer = setInterval(() => void this.trimPublished(), this.options.trimIntervalMs);
    this.trimTimer.unref();
  }

  /** Count into `registry` (the service's): events published, consumed by outcome, handler time, dead letters, backlog. */
  instrument(registry: Registry): this {
    this.metrics = busMetrics(registry, () => this.backlog());
    return this;
  }

  /** Per consumed stream, what this group has pending and not yet received. */
  async backlog(): Promise<StreamBacklog[]> {
    const rows: StreamBacklog[] = [];
    for (const type of this.handlers.keys()) {
      const groups = (await this.options.redis.xinfo('GROUPS', this.streamKey(type)).catch(() => [])) as unknown[][];
      const ours = groups.map(fieldsOf).find((g) => String(g.name) === this.options.group);
      if (!ours) continue;
      const lag = ours.lag === null || ours.lag === undefined ? undefined : Number(ours.lag);
      rows.push({ type, pending: Number(ours.pending ?? 0), ...(lag === undefined ? {} : { lag }) });
    }
    return rows;
  }

  streamKey(type: string): string {
    return redisKeys.stream(this.options.namespace, type);
  }

  /** The group's dead letters, under its service's own prefix (the group is named after its service). */
  deadLetterKey(group = this.options.group ?? this.options.source): string {
    return deadLetterKey(this.options.namespace, group);
  }

  private processedKey(eventId: string): string {
    return `${redisKeys.own(this.options.namespace, this.options.group!)}:processed:${eventId}`;
  }

  /** Publish a fact. Services publish through their outbox (see OutboxRelay); this is its last step. */
  async publish<T extends EventType>(
    type: T,
    data: EventPayloads[T],
    overrides: { id?: string; occurredAt?: Date } = {},
  ): Promise<IntegrationEvent<T, EventPayloads[T]>> {
    assertValidPayload(type, data);
    const requestId = requestContext.current()?.requestId;
    const entry: OutboxEntry = {
      id: overrides.id ?? randomUUID(),
      type,
      data,
      occurredAt: overrides.occurredAt ?? new Date(),
      requestId,
      traceparent: traceparentOf(),
    };
    await this.publishEntries([entry]);
    return this.envelope(entry) as IntegrationEvent<T, EventPayloads[T]>;
  }

  /** Publish stored events in the given order (one round trip); their ids and times are kept. */
  async publishEntries(entries: OutboxEntry[]): Promise<void> {
    if (entries.length === 0) return;
    for (const entry of entries) this.assertAllowed('publishes', entry.type);
    const pipeline = this.options.redis.multi();
    const spans: Span[] = [];
    for (const entry of entries) {
      this.publishedTypes.add(entry.type);
      // The publish span is a child of the trace the event was stored in (the request that caused it, even when
      // the relay publishes it later from a timer), and the envelope names this span as the consumer's parent.
      const parent = entry.traceparent ? contextFromTraceparent(entry.traceparent) : context.active();
      const span = tracer.startSpan(
        `publish ${entry.type}`,
        {
          kind: SpanKind.PRODUCER,
          attributes: {
            'messaging.system': 'redis',
            'messaging.operation.type': 'send',
            'messaging.destination.name': entry.type,
            'messaging.message.id': entry.id,
          },
        },
        parent,
      );
      spans.push(span);
      const traceparent = traceparentOf(trace.setSpan(parent, span)) ?? entry.traceparent;
      pipeline.xadd(this.streamKey(entry.type), '*', 'event', JSON.stringify(this.envelope({ ...entry, traceparent })));
    }
    try {
      // A command refused while queueing (NOPERM: a stream this service's Redis user may not write) aborts the
      // transaction; report that reason rather than the bare EXECABORT.
      const results = await pipeline.exec().catch((error: Error & { previousErrors?: Error[] }) => {
        throw error.previousErrors?.[0] ?? error;
      });
      const failed = results?.find(([error]) => error);
      if (!results || failed) throw failed?.[0] ?? new Error('publishing to the event bus failed');
    } catch (error) {
      for (const span of spans) span.setStatus({ code: SpanStatusCode.ERROR, message: (error as Error).message });
      throw error;
    } finally {
      for (const span of spans) span.end();
    }
    for (const entry of entries) this.metrics?.published.inc({ type: entry.type });
  }

  private envelope(entry: OutboxEntry): IntegrationEvent {
    return {
      id: entry.id,
      type: entry.type,
      occurredAt: new Date(entry.occurredAt).toISOString(),
      source: this.options.source,
      requestId: entry.requestId,
      traceparent: entry.traceparent,
      data: entry.data,
    };
  }

  /**
   * Trim a stream below the oldest entry some consumer group still needs: pending (delivered, not yet
   * acknowledged) or not yet delivered. Trimming by length alone would drop what a slow group has not read.
   */
  async trim(type: string): Promise<void> {
    const redis = this.options.redis;
    const stream = this.streamKey(type);
    const groups = (await redis.xinfo('GROUPS', stream).catch(() => [])) as unknown[][];
    if (groups.length === 0) {
      await redis.xtrim(stream, 'MAXLEN', '~', this.options.maxStreamLength);
      return;
    }
    let keepFrom: string | undefined;
    for (const group of groups) {
      const info = fieldsOf(group);
      let needed = nextId(String(info['last-delivered-id']));
      if (Number(info.pending) > 0) {
        const [, oldestPending] = (await redis.xpending(stream, String(info.name))) as [number, string | null];
        if (oldestPending && compareIds(oldestPending, needed) < 0) needed = oldestPending;
      }
      if (!keepFrom || compareIds(needed, keepFrom) < 0) keepFrom = needed;
    }
    await redis.xtrim(stream, 'MINID', '~', keepFrom!);
  }

  private async trimPublished(): Promise<void> {
    for (const type of this.publishedTypes) {
      await this.trim(type).catch((error) => this.options.logger?.warn({ err: error, type }, 'trimming a stream failed'));
    }
  }

  /** Register the handler for one event type. Call before start(). */
  subscribe<T extends EventType>(type: T, handler: TypedEventHandler<T>): this {
    if (this.running) throw new Error('subscribe before start()');
    if (!isEventType(type))
      throw new Error(`${String(type)} is not an integration event: add its schema to EVENT_SCHEMAS in @eventify/contracts`);
    this.assertAllowed('consumes', type);
    this.handlers.set(type, handler as EventHandler);
    return this;
  }

  private assertAllowed(what: 'publishes' | 'consumes', type: string): void {
    const allowed = this.options.allowed;
    if (allowed && !allowed[what].includes(type)) {
      const table = what === 'publishes' ? 'PUBLISHER' : 'CONSUMES';
      throw new Error(
        `the ${this.options.source} service ${what === 'publishes' ? 'may not publish' : 'may not consume'} ${type}: add it to ${table} in packages/contracts/src/event-flow.ts (its Redis user follows that table)`,
      );
    }
  }

  get readiness(): ReadinessCheck {
    return { name: 'event-bus', check: async () => void (await this.options.redis.ping()) };
  }

  async start(): Promise<void> {
    if (this.handlers.size === 0 || this.running) return;
    if (!this.options.group || !this.options.blockingRedis) throw new Error('a consumer needs group and blockingRedis');
    for (const type of this.handlers.keys()) {
      try {
        // From the start of the stream: a service deployed after events were published still sees them.
        await this.options.redis.xgroup('CREATE', this.streamKey(type), this.options.group, '0', 'MKSTREAM');
      } catch (error) {
        if (!String((error as Error).message).includes('BUSYGROUP')) throw error;
      }
    }
    this.running = true;
    this.loops.push(this.readLoop());
    this.claimTimer = setInterval(() => void this.claimStale(), Math.max(50, Math.floor(this.options.claimIdleMs / 2)));
    this.claimTimer.unref();
  }

  async stop(): Promise<void> {
    this.running = false;
    if (this.claimTimer) clearInterval(this.claimTimer);
    if (this.trimTimer) clearInterval(this.trimTimer);
    await Promise.allSettled(this.loops);
    this.loops = [];
  }

  private async readLoop(): Promise<void> {
    const types = [...this.handlers.keys()];
    const keys = types.map((t) => this.streamKey(t));
    const redis = this.options.blockingRedis!;
    while (this.running) {
      try {
        const result = (await redis.xreadgroup(
          'GROUP',
          this.options.group!,
          this.options.consumer,
          'COUNT',
          this.options.batchSize,
          'BLOCK',
          this.options.blockMs,
          'STREAMS',
          ...keys,
          ...keys.map(() => '>'),
        )) as [string, StreamEntry[]][] | null;
        if (!result) continue;
        for (const [stream, entries] of result) {
          for (const entry of entries) await this.deliver(stream, entry, 1);
        }
      } catch (error) {
        if (!this.running) break;
        this.options.logger?.warn({ err: error }, 'event bus read failed; retrying');
        await new Promise((resolve) => setTimeout(resolve, 500));
      }
    }
  }

  /** Take over entries idle too long: failed deliveries to retry, and those of a consumer that died. */
  private async claimStale(): Promise<void> {
    if (!this.running) return;
    const redis = this.options.redis;
    for (const type of this.handlers.keys()) {
      const stream = this.streamKey(type);
      try {
        const [, entries] = (await redis.xautoclaim(
          stream,
          this.options.group!,
          this.options.consumer,
          this.options.claimIdleMs,
          '0-0',
          'COUNT',
          this.options.batchSize,
        )) as [string, (StreamEntry | null)[]];
        for (const entry of entries) {
          if (!entry || !this.running) continue;
          const pending = (await redis.xpending(stream, this.options.group!, entry[0], entry[0], 1)) as [string, string, number, number][];
          const deliveries = pending[0]?.[3] ?? 1;
          await this.deliver(stream, entry, deliveries);
        }
      } catch (error) {
        this.options.logger?.warn({ err: error, stream }, 'claiming stale events failed');
      }
    }
  }

  private async deliver(stream: string, [entryId, fields]: StreamEntry, deliveries: number): Promise<void> {
    const redis = this.options.redis;
    const group = this.options.group!;
    const raw = fieldValue(fields, 'event');
    let parsed: unknown;
    try {
      parsed = raw ? JSON.parse(raw) : undefined;
    } catch {
      parsed = undefined;
    }
    const envelope = IntegrationEventSchema.safeParse(parsed);
    if (!envelope.success) {
      await this.deadLetter(stream, entryId, raw ?? '', `unreadable event: ${describeIssues(envelope.error.issues)}`, deliveries);
      return;
    }
    const handler = this.handlers.get(envelope.data.type);
    if (!handler) {
      await redis.xack(stream, group, entryId);
      return;
    }
    // A payload that does not match its type's schema never reaches the handler: retrying cannot fix it, so it is
    // dead-lettered at once with the reason (and can be replayed once the publisher or the schema is fixed).
    const payload = EVENT_SCHEMAS[envelope.data.type as EventType].safeParse(envelope.data.data);
    if (!payload.success) {
      const reason = `invalid ${envelope.data.type} payload: ${describeIssues(payload.error.issues)}`;
      this.options.logger?.error({ eventId: envelope.data.id, type: envelope.data.type, reason }, 'event dead-lettered');
      await this.deadLetter(stream, entryId, raw!, reason, deliveries);
      this.metrics?.deadLettered.inc({ type: envelope.data.type });
      return;
    }
    const event: IntegrationEvent = { ...envelope.data, data: payload.data };
    if (await redis.exists(this.processedKey(event.id))) {
      await redis.xack(stream, group, entryId);
      this.metrics?.consumed.inc({ type: event.type, outcome: 'duplicate' });
      return;
    }
    // The handler runs in a consumer span, child of the publish span the envelope names, and in a request context
    // with the original request's id: its logs, calls and the events it publishes continue that request's trace.
    const span = tracer.startSpan(
      `process ${event.type}`,
      {
        kind: SpanKind.CONSUMER,
        attributes: {
          'messaging.system': 'redis',
          'messaging.operation.type': 'process',
          'messaging.destination.name': event.type,
          'messaging.consumer.group.name': group,
          'messaging.message.id': event.id,
          'messaging.message.delivery_count': deliveries,
        },
      },
      contextFromTraceparent(event.traceparent),
    );
    const started = performance.now();
    try {
      await context.with(trace.setSpan(contextFromTraceparent(event.traceparent), span), () =>
        requestContext.run({ requestId: event.requestId ?? event.id }, async () => {
          await handler(event);
          await redis.set(this.processedKey(event.id), '1', 'EX', this.options.dedupeTtlSeconds);
          await redis.xack(stream, group, entryId);
          // The consumer's access line: with the request id and trace of the request that caused the event.
          this.options.logger?.info(
            { eventId: event.id, type: event.type, source: event.source, deliveries, ms: Math.round(performance.now() - started) },
            'event handled',
          );
        }),
      );
      this.metrics?.consumed.inc({ type: event.type, outcome: 'ok' });
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      span.recordException(error as Error);
      span.setStatus({ code: SpanStatusCode.ERROR, message });
      this.metrics?.consumed.inc({ type: event.type, outcome: 'failed' });
      await context.with(trace.setSpan(context.active(), span), async () => {
        if (deliveries >= this.options.maxAttempts) {
          this.options.logger?.error(
            { err: error, eventId: event.id, type: event.type, deliveries, requestId: event.requestId },
            'event dead-lettered',
          );
          await this.deadLetter(stream, entryId, raw!, message, deliveries);
          this.metrics?.deadLettered.inc({ type: event.type });
        } else {
          // Left pending: claimStale() delivers it again once it has been idle for claimIdleMs.
          this.options.logger?.warn(
            { err: error, eventId: event.id, type: event.type, deliveries, requestId: event.requestId },
            'event handler failed; will retry',
          );
        }
      });
    } finally {
      this.metrics?.handlerSeconds.observe({ type: event.type }, (performance.now() - started) / 1000);
      span.end();
    }
  }

  private async deadLetter(stream: string, entryId: string, raw: string, error: string, attempts: number): Promise<void> {
    await this.options.redis.xadd(
      this.deadLetterKey(),
      '*',
      'event',
      raw,
      'stream',
      stream,
      'error',
      error,
      'attempts',
      String(attempts),
      'failedAt',
      new Date().toISOString(),
    );
    await this.options.redis.xack(stream, this.options.group!, entryId);
  }
}

/** A consumer group's dead-letter stream (the tool in scripts/dead-letters.ts reads it too). */
export function deadLetterKey(namespace: string, group: string): string {
  return `${redisKeys.own(namespace, group)}:dead-letter`;
}

function fieldsOf(flat: unknown[]): Record<string, unknown> {
  const fields: Record<string, unknown> = {};
  for (let i = 0; i + 1 < flat.length; i += 2) fields[String(flat[i])] = flat[i + 1];
  return fields;
}

/** Stream ids are "<ms>-<seq>". */
function compareIds(a: string, b: string): number {
  const [am, as] = a.split('-').map(BigInt) as [bigint, bigint];
  const [bm, bs] = b.split('-').map(BigInt) as [bigint, bigint];
  return am === bm ? Number(as! - bs!) : am < bm ? -1 : 1;
}

function nextId(id: string): string {
  const [ms, seq] = id.split('-');
  return `${ms ?? '0'}-${BigInt(seq ?? '0') + 1n}`;
}

function fieldValue(fields: string[], name: string): string | undefined {
  for (let i = 0; i < fields.length; i += 2) if (fields[i] === name) return fields[i + 1];
  return undefined;
}
