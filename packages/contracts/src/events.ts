import { z } from 'zod';

/**
 * Integration events are past-tense facts, published after the state change is stored.
 * Every event carries a unique id (consumers deduplicate on it) and the time it happened.
 */
export interface IntegrationEvent<TType extends string = string, TData = unknown> {
  readonly id: string;
  readonly type: TType;
  readonly occurredAt: string;
  /** The service that published it. */
  readonly source: string;
  /** Request id of the call that caused it, so logs can be followed across services. */
  readonly requestId?: string | undefined;
  /**
   * W3C trace context (`traceparent` header value) of the publish: the consumer's span is its child, so one trace
   * follows a request across the bus.
   */
  readonly traceparent?: string | undefined;
  readonly data: TData;
}

/** The envelope as a consumer checks it before looking at the payload (the payload's own schema: EVENT_SCHEMAS). */
export const IntegrationEventSchema = z.object({
  id: z.string().min(1),
  type: z.string().min(1),
  occurredAt: z.string(),
  source: z.string(),
  requestId: z.string().optional(),
  traceparent: z.string().optional(),
  data: z.unknown(),
});
