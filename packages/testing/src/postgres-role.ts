import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';

/** Outside the clone, like the PKI (`~/.cache/eventify/postgres/<role>.password`). */
const PASSWORD_DIR = join(
  process.env.EVENTIFY_CACHE ?? join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'eventify'),
  'postgres',
);

/** The role's password: made once at random, kept (0600) for every later run and every parallel test file. */
function rolePassword(role: string): string {
  const file = join(PASSWORD_DIR, `${role}.password`);
  mkdirSync(PASSWORD_DIR, { recursive: true, mode: 0o700 });
  try {
    writeFileSync(file, randomBytes(24).toString('hex'), { flag: 'wx', mode: 0o600 });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error; // made by an earlier or a parallel run
  }
  return readFileSync(file, 'utf8').trim();
}

const ident = (name: string) => `"${name.replace(/"/g, '""')}"`;

/**
 * A service's own PostgreSQL login, as compose and Kubernetes give it: a role that may log in and owns its
 * database (its migrations create its tables there), and nothing more (no superuser, createdb, createrole).
 * Made idempotently with the administrator's connection (`adminUrl`, any database on the server); returns the
 * service's DATABASE_URL. Parallel test files serialise on an advisory lock, so they never race on the role.
 */
export async function ensureServiceDatabase(adminUrl: string, role: string, database: string): Promise<string> {
  const password = rolePassword(role);
  const admin = new URL(adminUrl);
  admin.pathname = '/postgres';
  const client = new pg.Client({ connectionString: admin.toString() });
  await client.connect();
  try {
    await client.query('select pg_advisory_lock(hashtext($1))', [`eventify-role-${role}`]);
    const exists = await client.query('select 1 from pg_roles where rolname = $1', [role]);
    const literal = client.escapeLiteral(password);
    const attributes = 'login nosuperuser nocreatedb nocreaterole noreplication';
    await client.query(`${exists.rowCount ? 'alter' : 'create'} role ${ident(role)} ${attributes} password ${literal}`);
    const owner = await client.query<{ owner: string }>('select pg_get_userbyid(datdba) as owner from pg_database where datname = $1', [
      database,
    ]);
    if (!owner.rowCount) await client.query(`create database ${ident(database)} owner ${ident(role)}`);
    else if (owner.rows[0]!.owner !== role) await handOver(adminUrl, database, role); // made before services had roles
    await client.query(`revoke all on database ${ident(database)} from public`);
  } finally {
    await client.query('select pg_advisory_unlock_all()').catch(() => undefined);
    await client.end();
  }
  const url = new URL(adminUrl);
  url.username = role;
  url.password = password;
  url.pathname = `/${database}`;
  return url.toString();
}

/** A database made by the administrator (`npm start` before services had roles): it and its tables go to `role`. */
async function handOver(adminUrl: string, database: string, role: string): Promise<void> {
  const url = new URL(adminUrl);
  url.pathname = `/${database}`;
  const client = new pg.Client({ connectionString: url.toString() });
  await client.connect();
  try {
    await client.query(`alter database ${ident(database)} owner to ${ident(role)}`);
    // Tables first (their serial sequences follow them), then any sequence left; ALTER TABLE serves all kinds.
    for (const kinds of [['r', 'p', 'v'], ['S']]) {
      const objects = await client.query<{ name: string }>(
        `select c.relname as name from pg_class c join pg_namespace n on n.oid = c.relnamespace
          where n.nspname = 'public' and c.relkind = any($1::"char"[]) and pg_get_userbyid(c.relowner) <> $2`,
        [kinds, role],
      );
      for (const { name } of objects.rows) await client.query(`alter table public.${ident(name)} owner to ${ident(role)}`);
    }
  } finally {
    await client.end();
  }
}
