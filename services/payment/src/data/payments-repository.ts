import { randomUUID } from 'node:crypto';
import type pg from 'pg';

export type PaymentStatus = 'requires_payment' | 'failed' | 'canceled' | 'succeeded' | 'partially_refunded' | 'refunded';

export interface Payment {
  id: string;
  bookingId: string;
  userId: string;
  eventId: string;
  amount: number;
  currency: string;
  status: PaymentStatus;
  stripePaymentIntentId: string | null;
  amountRefunded: number;
  failureReason: string | null;
  createdAt: Date;
  updatedAt: Date;
}

export interface Refund {
  id: string;
  paymentId: string;
  amount: number;
  status: 'pending' | 'succeeded' | 'failed';
  reason: string;
  requestedBy: string;
  requestKey: string;
  stripeRefundId: string | null;
  failureReason: string | null;
  createdAt: Date;
}

const PAYMENT_COLUMNS = `id, booking_id as "bookingId", user_id as "userId", event_id as "eventId", amount, currency, status,
  stripe_payment_intent_id as "stripePaymentIntentId", amount_refunded as "amountRefunded", failure_reason as "failureReason",
  created_at as "createdAt", updated_at as "updatedAt"`;
const REFUND_COLUMNS = `id, payment_id as "paymentId", amount, status, reason, requested_by as "requestedBy", request_key as "requestKey",
  stripe_refund_id as "stripeRefundId", failure_reason as "failureReason", created_at as "createdAt"`;

/** Queries run on a pool or on the client of an open transaction. */
type Queryable = Pick<pg.PoolClient, 'query'>;

/**
 * PostgreSQL access for payments. Methods take the connection to run on, so a use-case can put a state
 * change, its history row, the Stripe event record and the outbox event in one transaction.
 */
export class PaymentsRepository {
  constructor(private readonly pool: pg.Pool) {}

  /** Run `fn` in a transaction; rolled back if it throws. */
  async transaction<T>(fn: (tx: pg.PoolClient) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    try {
      await client.query('begin');
      const result = await fn(client);
      await client.query('commit');
      return result;
    } catch (error) {
      await client.query('rollback').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }

  /** Insert the payment of a booking, or find the one that exists. */
  async insertOrFind(
    tx: Queryable,
    payment: Pick<Payment, 'bookingId' | 'userId' | 'eventId' | 'amount' | 'currency'>,
  ): Promise<{ payment: Payment; created: boolean }> {
    const inserted = await tx.query<Payment>(
      `insert into payments (id, booking_id, user_id, event_id, amount, currency, status)
       values ($1, $2, $3, $4, $5, $6, 'requires_payment') on conflict (booking_id) do nothing returning ${PAYMENT_COLUMNS}`,
      [randomUUID(), payment.bookingId, payment.userId, payment.eventId, payment.amount, payment.currency],
    );
    if (inserted.rows[0]) return { payment: inserted.rows[0], created: true };
    const existing = await this.lockByBooking(tx, payment.bookingId);
    return { payment: existing!, created: false };
  }

  async lockByBooking(tx: Queryable, bookingId: string): Promise<Payment | undefined> {
    return (await tx.query<Payment>(`select ${PAYMENT_COLUMNS} from payments where booking_id = $1 for update`, [bookingId])).rows[0];
  }

  async lock(tx: Queryable, id: string): Promise<Payment | undefined> {
    return (await tx.query<Payment>(`select ${PAYMENT_COLUMNS} from payments where id = $1 for update`, [id])).rows[0];
  }

  async lockByIntent(tx: Queryable, intentId: string): Promise<Payment | undefined> {
    return (await tx.query<Payment>(`select ${PAYMENT_COLUMNS} from payments where stripe_payment_intent_id = $1 for update`, [intentId]))
      .rows[0];
  }

  async find(id: string): Promise<Payment | undefined> {
    return (await this.pool.query<Payment>(`select ${PAYMENT_COLUMNS} from payments where id = $1`, [id])).rows[0];
  }

  /**
   * The event's payments, newest first, after a position. `position` is created_at in UTC with its microseconds
   * (a JavaScript Date would cut them, and rows within the same millisecond would be skipped).
   */
  async ofEvent(
    eventId: string,
    after: { position: string; id: string } | undefined,
    limit: number,
  ): Promise<(Payment & { position: string })[]> {
    const params: unknown[] = [eventId, limit];
    let where = 'event_id = $1';
    if (after) {
      params.push(after.position, after.id);
      where += ' and (created_at, id) < ($3::timestamptz, $4::uuid)';
    }
    return (
      await this.pool.query<Payment & { position: string }>(
        `select ${PAYMENT_COLUMNS}, to_char(created_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') as "position" from payments where ${where} order by created_at desc, id desc limit $2`,
        params,
      )
    ).rows;
  }

  /** The refunds of several payments, oldest first, by payment. */
  async refundsOfMany(paymentIds: string[]): Promise<Map<string, Refund[]>> {
    const byPayment = new Map<string, Refund[]>(paymentIds.map((id) => [id, []]));
    if (paymentIds.length === 0) return byPayment;
    const rows = (
      await this.pool.query<Refund>(`select ${REFUND_COLUMNS} from refunds where payment_id = any($1::uuid[]) order by created_at`, [
        paymentIds,
      ])
    ).rows;
    for (const refund of rows) byPayment.get(refund.paymentId)?.push(refund);
    return byPayment;
  }

  async findByBooking(bookingId: string): Promise<Payment | undefined> {
    return (await this.pool.query<Payment>(`select ${PAYMENT_COLUMNS} from payments where booking_id = $1`, [bookingId])).rows[0];
  }

  /** Record the PaymentIntent once; false when another request recorded it first. */
  async setIntent(tx: Queryable, id: string, intentId: string): Promise<boolean> {
    const result = await tx.query(
      'update payments set stripe_payment_intent_id = $2, updated_at = now() where id = $1 and stripe_payment_intent_id is null',
      [id, intentId],
    );
    return result.rowCount === 1;
  }

  /** Change status (and more), recording the transition and its cause. */
  async transition(
    tx: Queryable,
    payment: Payment,
    to: PaymentStatus,
    cause: string,
    changes: { failureReason?: string | null; amountRefunded?: number } = {},
    stripeEventId?: string,
  ): Promise<void> {
    await tx.query(
      `update payments set status = $2, failure_reason = coalesce($3, failure_reason), amount_refunded = coalesce($4, amount_refunded), updated_at = now() where id = $1`,
      [payment.id, to, changes.failureReason ?? null, changes.amountRefunded ?? null],
    );
    await tx.query(
      'insert into payment_transitions (payment_id, from_status, to_status, cause, stripe_event_id) values ($1, $2, $3, $4, $5)',
      [payment.id, payment.status, to, cause, stripeEventId ?? null],
    );
  }

  async transitions(paymentId: string) {
    return (
      await this.pool.query<{ from: string | null; to: string; cause: string; at: Date }>(
        'select from_status as "from", to_status as "to", cause, at from payment_transitions where payment_id = $1 order by id',
        [paymentId],
      )
    ).rows;
  }

  /** Record a Stripe event; false if it was recorded before (a replay). */
  async recordStripeEvent(tx: Queryable, event: { id: string; type: string; created: number; payload: unknown }): Promise<boolean> {
    const result = await tx.query(
      `insert into stripe_events (id, type, stripe_created_at, outcome, payload) values ($1, $2, to_timestamp($3), 'received', $4)
       on conflict (id) do nothing`,
      [event.id, event.type, event.created, JSON.stringify(event.payload)],
    );
    return result.rowCount === 1;
  }

  async setStripeEventOutcome(tx: Queryable, id: string, outcome: string, paymentId: string | undefined): Promise<void> {
    await tx.query('update stripe_events set outcome = $2, payment_id = $3 where id = $1', [id, outcome, paymentId ?? null]);
  }

  async insertRefund(
    tx: Queryable,
    refund: Pick<Refund, 'paymentId' | 'amount' | 'reason' | 'requestedBy' | 'requestKey'> & { stripeRefundId?: string },
  ): Promise<Refund> {
    return (
      await tx.query<Refund>(
        `insert into refunds (id, payment_id, amount, status, reason, requested_by, request_key, stripe_refund_id)
         values ($1, $2, $3, 'pending', $4, $5, $6, $7) returning ${REFUND_COLUMNS}`,
        [
          randomUUID(),
          refund.paymentId,
          refund.amount,
          refund.reason,
          refund.requestedBy,
          refund.requestKey,
          refund.stripeRefundId ?? null,
        ],
      )
    ).rows[0]!;
  }

  async refundByKey(tx: Queryable, requestKey: string): Promise<Refund | undefined> {
    return (await tx.query<Refund>(`select ${REFUND_COLUMNS} from refunds where request_key = $1`, [requestKey])).rows[0];
  }

  async refundById(tx: Queryable, id: string): Promise<Refund | undefined> {
    return (await tx.query<Refund>(`select ${REFUND_COLUMNS} from refunds where id = $1`, [id])).rows[0];
  }

  async refundByStripeId(tx: Queryable, stripeRefundId: string): Promise<Refund | undefined> {
    return (await tx.query<Refund>(`select ${REFUND_COLUMNS} from refunds where stripe_refund_id = $1`, [stripeRefundId])).rows[0];
  }

  async findRefund(id: string): Promise<Refund | undefined> {
    return this.refundById(this.pool, id);
  }

  async refundsOf(paymentId: string): Promise<Refund[]> {
    return (await this.pool.query<Refund>(`select ${REFUND_COLUMNS} from refunds where payment_id = $1 order by created_at`, [paymentId]))
      .rows;
  }

  /** Money promised back but not yet failed: pending and succeeded refunds. */
  async committedRefunds(tx: Queryable, paymentId: string): Promise<number> {
    const result = await tx.query<{ sum: string | null }>(`select sum(amount) from refunds where payment_id = $1 and status <> 'failed'`, [
      paymentId,
    ]);
    return Number(result.rows[0]!.sum ?? 0);
  }

  async setRefundStatus(
    tx: Queryable,
    id: string,
    status: Refund['status'],
    changes: { stripeRefundId?: string; failureReason?: string } = {},
  ): Promise<void> {
    await tx.query(
      `update refunds set status = $2, stripe_refund_id = coalesce($3, stripe_refund_id), failure_reason = coalesce($4, failure_reason), updated_at = now() where id = $1`,
      [id, status, changes.stripeRefundId ?? null, changes.failureReason ?? null],
    );
  }

  /** Refunds whose call to Stripe did not get through (Stripe or the network was down): asked again. */
  async stalledRefunds(olderThanMs: number, limit: number): Promise<Refund[]> {
    return (
      await this.pool.query<Refund>(
        `select ${REFUND_COLUMNS} from refunds where status = 'pending' and stripe_refund_id is null and updated_at < now() - make_interval(secs => $1) order by updated_at limit $2`,
        [olderThanMs / 1000, limit],
      )
    ).rows;
  }
}
