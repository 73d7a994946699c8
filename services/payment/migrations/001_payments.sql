-- Payments for bookings. Money is in minor units (integer cents); currencies are ISO 4217, upper case.
create table payments (
  id uuid primary key,
  booking_id text not null unique,
  user_id text not null,
  event_id text not null,
  amount integer not null check (amount > 0),
  currency char(3) not null,
  status text not null check (status in ('requires_payment', 'failed', 'succeeded', 'partially_refunded', 'refunded')),
  stripe_payment_intent_id text unique,
  amount_refunded integer not null default 0 check (amount_refunded >= 0 and amount_refunded <= amount),
  failure_reason text,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);

-- Every state change of a payment, with what caused it.
create table payment_transitions (
  id bigserial primary key,
  payment_id uuid not null references payments (id),
  from_status text,
  to_status text not null,
  cause text not null,
  stripe_event_id text,
  at timestamptz not null default now()
);
create index payment_transitions_payment on payment_transitions (payment_id, id);

-- Every Stripe event received, once: the primary key is what makes a replayed webhook change nothing.
create table stripe_events (
  id text primary key,
  type text not null,
  stripe_created_at timestamptz not null,
  payment_id uuid references payments (id),
  outcome text not null,
  payload jsonb not null,
  received_at timestamptz not null default now()
);

create table refunds (
  id uuid primary key,
  payment_id uuid not null references payments (id),
  amount integer not null check (amount > 0),
  status text not null check (status in ('pending', 'succeeded', 'failed')),
  reason text not null,
  requested_by text not null,
  -- The same request (a redelivered BookingCancelled, a retried HTTP call) finds the same refund.
  request_key text not null unique,
  stripe_refund_id text unique,
  failure_reason text,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create index refunds_payment on refunds (payment_id);
create index refunds_stalled on refunds (updated_at) where status = 'pending' and stripe_refund_id is null;

-- Integration events written in the same transaction as the change they describe, published afterwards.
create table outbox (
  id uuid primary key,
  type text not null,
  payload jsonb not null,
  occurred_at timestamptz not null default now(),
  published_at timestamptz
);
create index outbox_unpublished on outbox (occurred_at) where published_at is null;
