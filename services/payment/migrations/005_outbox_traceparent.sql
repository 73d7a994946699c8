-- The trace an outbox event was stored in (W3C traceparent), so the relay publishes it in that trace.
alter table outbox add column traceparent text;
