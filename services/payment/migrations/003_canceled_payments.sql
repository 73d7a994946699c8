-- A payment whose booking's hold expired before it was paid: its PaymentIntent is cancelled at Stripe.
alter table payments drop constraint payments_status_check;
alter table payments add constraint payments_status_check
  check (status in ('requires_payment', 'failed', 'canceled', 'succeeded', 'partially_refunded', 'refunded'));
