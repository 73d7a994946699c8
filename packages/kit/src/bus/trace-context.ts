import { context, ROOT_CONTEXT, trace, type Context, type TextMapGetter, type TextMapSetter } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';

/**
 * The W3C propagator used directly rather than through the global API: the global one is a no-op until an SDK
 * registers, and a service that exports no traces must still carry the trace of a request on into the events
 * it publishes (its spans are not recorded, the ids pass through).
 */
const propagator = new W3CTraceContextPropagator();
type Carrier = { traceparent?: string; tracestate?: string };
const setter: TextMapSetter<Carrier> = { set: (carrier, key, value) => void ((carrier as Record<string, string>)[key] = value) };
const getter: TextMapGetter<Carrier> = {
  keys: (carrier) => Object.keys(carrier),
  get: (carrier, key) => (carrier as Record<string, string | undefined>)[key],
};

/** The `traceparent` of `ctx` (by default the active context), if a trace is active there. */
export function traceparentOf(ctx: Context = context.active()): string | undefined {
  if (!trace.getSpanContext(ctx)) return undefined;
  const carrier: Carrier = {};
  propagator.inject(ctx, carrier, setter);
  return carrier.traceparent;
}

/** A context whose parent is the span `traceparent` names (the root context when absent or malformed). */
export function contextFromTraceparent(traceparent: string | undefined): Context {
  return traceparent ? propagator.extract(ROOT_CONTEXT, { traceparent }, getter) : ROOT_CONTEXT;
}
