-- The kit's outbox keeps the request id that caused an event, so the logs of every service can be joined.
alter table outbox add column request_id text;
