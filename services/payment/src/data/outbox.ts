import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import type { EventPayloads, EventType } from '@eventify/contracts';

/**
 * The transactional outbox: an integration event is stored in the same transaction as the state change
 * it reports, and published to the bus afterwards by the relay. A crash between the two publishes it
 * later, never loses it; a crash after publishing publishes it again with the same id, which consumers
 * ignore.
 */
export class Outbox {
  constructor(private readonly pool: pg.Pool) {}

  async add<T extends EventType>(tx: Pick<pg.PoolClient, 'query'>, type: T, payload: EventPayloads[T]): Promise<void> {
    await tx.query('insert into outbox (id, type, payload) values ($1, $2, $3)', [randomUUID(), type, JSON.stringify(payload)]);
  }

  /** Publish what is waiting, oldest first. Replicas skip rows another one is publishing. */
  async relay(publish: (type: string, payload: unknown, id: string, occurredAt: Date) => Promise<void>, limit = 100): Promise<number> {
    const client = await this.pool.connect();
    try {
      await client.query('begin');
      const { rows } = await client.query<{ id: string; type: string; payload: unknown; occurred_at: Date }>(
        'select id, type, payload, occurred_at from outbox where published_at is null order by occurred_at limit $1 for update skip locked',
        [limit],
      );
      for (const row of rows) await publish(row.type, row.payload, row.id, row.occurred_at);
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
