import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import pg from 'pg';
import type { Logger } from 'pino';
import type { ReadinessCheck } from '../health.js';
import { retry } from '../retry.js';

export interface PostgresHandle {
  pool: pg.Pool;
  readiness: ReadinessCheck;
  close(): Promise<void>;
}

export async function connectPostgres(url: string, logger?: Logger, timeoutMs = 60_000): Promise<PostgresHandle> {
  const pool = new pg.Pool({ connectionString: url, max: 20, connectionTimeoutMillis: 5_000 });
  // An idle client losing its connection must not crash the process; the pool replaces it.
  pool.on('error', (error) => logger?.warn({ err: error }, 'idle PostgreSQL client error'));
  await retry(async () => void (await pool.query('select 1')), { what: 'connect to PostgreSQL', logger, timeoutMs });
  return {
    pool,
    readiness: { name: 'postgres', check: async () => void (await pool.query('select 1')) },
    close: () => pool.end(),
  };
}

/** Create the database named in the URL if it does not exist (development and tests; production provisions it). */
export async function ensurePostgresDatabase(url: string): Promise<void> {
  const target = new URL(url);
  const name = decodeURIComponent(target.pathname.replace(/^\//, ''));
  if (!name) return;
  const admin = new URL(url);
  admin.pathname = '/postgres';
  const client = new pg.Client({ connectionString: admin.toString() });
  await client.connect();
  try {
    const exists = await client.query('select 1 from pg_database where datname = $1', [name]);
    if (exists.rowCount === 0) {
      await client.query(`create database "${name.replace(/"/g, '""')}"`).catch((error: { code?: string }) => {
        if (error.code !== '42P04') throw error; // created concurrently by another process
      });
    }
  } finally {
    await client.end();
  }
}

/**
 * Apply the `.sql` files of a folder in name order, each once, each in its own transaction.
 * An advisory lock makes concurrent replicas wait instead of racing.
 */
export async function migrate(pool: pg.Pool, folder: string, logger?: Logger): Promise<string[]> {
  const files = (await readdir(folder)).filter((f) => f.endsWith('.sql')).sort();
  const client = await pool.connect();
  const applied: string[] = [];
  try {
    await client.query('select pg_advisory_lock(727274)');
    await client.query(
      'create table if not exists schema_migrations (name text primary key, applied_at timestamptz not null default now())',
    );
    const done = new Set((await client.query<{ name: string }>('select name from schema_migrations')).rows.map((r) => r.name));
    for (const file of files) {
      if (done.has(file)) continue;
      const sql = await readFile(join(folder, file), 'utf8');
      await client.query('begin');
      try {
        await client.query(sql);
        await client.query('insert into schema_migrations(name) values ($1)', [file]);
        await client.query('commit');
      } catch (error) {
        await client.query('rollback');
        throw new Error(`migration ${file} failed: ${(error as Error).message}`, { cause: error });
      }
      applied.push(file);
      logger?.info({ migration: file }, 'migration applied');
    }
  } finally {
    await client.query('select pg_advisory_unlock(727274)').catch(() => undefined);
    client.release();
  }
  return applied;
}
