import type pg from 'pg';
import type { EventPayloads, EventType } from '@eventify/contracts';
import { outboxEvent, type OutboxEntry, type OutboxSource, type PublishEntries } from './entry.js';

/**
 * The transactional outbox for PostgreSQL: an integration event is inserted into the `outbox` table in
 * the same transaction as the state change it reports (see migrations of the payment service for the
 * table), and the relay publishes it afterwards. A crash between the two publishes it later, never loses
 * it; a crash after publishing publishes it again with the same id, which consumers ignore.
 */
export class PostgresOutbox implements OutboxSource {
  readonly name = 'outbox';

  constructor(
    private readonly pool: pg.Pool,
    private readonly kick: () => void,
  ) {}

  async add<T extends EventType>(tx: Pick<pg.PoolClient, 'query'>, type: T, payload: EventPayloads[T]): Promise<void> {
    const entry = outboxEvent(type, payload);
    await tx.query('insert into outbox (id, type, payload, occurred_at, request_id, traceparent) values ($1, $2, $3, $4, $5, $6)', [
      entry.id,
      type,
      JSON.stringify(payload),
      entry.occurredAt,
      entry.requestId ?? null,
      entry.traceparent ?? null,
    ]);
  }

  async backlog(): Promise<{ pending: number; oldest: Date | null }> {
    const {
      rows: [row],
    } = await this.pool.query<{ pending: string; oldest: Date | null }>(
      'select count(*) as pending, min(occurred_at) as oldest from outbox where published_at is null',
    );
    return { pending: Number(row?.pending ?? 0), oldest: row?.oldest ?? null };
  }

  /** Call after a transaction that added entries has committed. */
  changed(): void {
    this.kick();
  }

  /** Publish what is waiting, oldest first. */
  async relay(publish: PublishEntries): Promise<void> {
    for (let published = 100; published === 100;) published = await this.relayBatch(publish, 100);
  }

  private async relayBatch(publish: PublishEntries, limit: number): Promise<number> {
    const client = await this.pool.connect();
    try {
      await client.query('begin');
      // One replica relays at a time, so events of one payment reach the bus in the order they were written.
      const {
        rows: [turn],
      } = await client.query<{ ours: boolean }>("select pg_try_advisory_xact_lock(hashtext('eventify-outbox-relay')) as ours");
      if (!turn?.ours) {
        await client.query('rollback');
        return 0;
      }
      const { rows } = await client.query<{
        id: string;
        type: string;
        payload: unknown;
        occurred_at: Date;
        request_id: string | null;
        traceparent: string | null;
      }>(
        'select id, type, payload, occurred_at, request_id, traceparent from outbox where published_at is null order by occurred_at, id limit $1',
        [limit],
      );
      const entries: OutboxEntry[] = rows.map((r) => ({
        id: r.id,
        type: r.type,
        data: r.payload,
        occurredAt: r.occurred_at,
        requestId: r.request_id ?? undefined,
        traceparent: r.traceparent ?? undefined,
      }));
      await publish(entries);
      if (rows.length) await client.query('update outbox set published_at = now() where id = any($1)', [rows.map((r) => r.id)]);
      await client.query('commit');
      return rows.length;
    } catch (error) {
      await client.query('rollback').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }
}
