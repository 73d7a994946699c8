import { randomUUID } from 'node:crypto';
import type { EventPayloads, EventType } from '@eventify/contracts';
import { assertValidPayload } from '../bus/payloads.js';
import { traceparentOf } from '../bus/trace-context.js';
import { requestContext } from '../request-context.js';

/**
 * An integration event stored with the state change it reports, waiting for the relay. Its id is fixed
 * when it is stored, so publishing it again after a crash publishes the same event, which consumers
 * recognise and skip.
 */
export interface OutboxEntry<T extends string = string, D = unknown> {
  id: string;
  type: T;
  data: D;
  occurredAt: Date;
  requestId?: string | undefined;
  /** The trace it was stored in: the relay publishes it in that trace, however much later. */
  traceparent?: string | undefined;
}

/** A typed event to store in an outbox; its payload is checked against the type's schema first. */
export function outboxEvent<T extends EventType>(type: T, data: EventPayloads[T], at = new Date()): OutboxEntry<T, EventPayloads[T]> {
  assertValidPayload(type, data);
  const requestId = requestContext.current()?.requestId;
  const traceparent = traceparentOf();
  return { id: randomUUID(), type, data, occurredAt: at, ...(requestId ? { requestId } : {}), ...(traceparent ? { traceparent } : {}) };
}

/** Publishes entries in the order given; resolves once the bus has them all. */
export type PublishEntries = (entries: OutboxEntry[]) => Promise<void>;

/** Where a relay finds entries to publish: a MongoDB collection of aggregates, a PostgreSQL table. */
export interface OutboxSource {
  readonly name: string;
  /** Publish what waits. `scan`: look for everything due (the timer); otherwise only what was just written. */
  relay(publish: PublishEntries, scan: boolean): Promise<void>;
  /** Optional: create what the source needs (indexes). */
  prepare?(): Promise<void>;
  /** What waits to be published (for `/metrics`). */
  backlog?(): Promise<{ pending: number; oldest?: Date | null }>;
}
