import assert from 'node:assert/strict';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import pg from 'pg';
import { connectMongo, connectPostgres, connectRedis, ensurePostgresDatabase, isDuplicateKeyError, migrate } from '../src/index.js';
import { infra, uniqueName, withDatabase } from './helpers.js';

describe('MongoDB client (MongoDB-protocol server)', () => {
  const url = withDatabase(infra.mongo, uniqueName('kit_test'));
  let handle: Awaited<ReturnType<typeof connectMongo>> | undefined;
  after(async () => {
    await handle?.db.dropDatabase();
    await handle?.close();
  });

  it('connects, reports ready, and enforces a unique index', async () => {
    handle = await connectMongo(url);
    await handle.readiness.check();
    const users = handle.db.collection<{ email: string }>('users');
    await users.createIndex({ email: 1 }, { unique: true });
    await users.insertOne({ email: 'ada@example.com' });
    await assert.rejects(users.insertOne({ email: 'ada@example.com' }), (error: unknown) => isDuplicateKeyError(error));
    assert.equal(await users.countDocuments({ email: 'ada@example.com' }), 1);
  });

  it('gives up on an unreachable server with a clear error', async () => {
    await assert.rejects(connectMongo('mongodb://127.0.0.1:1/none', undefined, 300), /connect to MongoDB: gave up/);
  });
});

describe('PostgreSQL pool and migrations', () => {
  const database = uniqueName('kit_test');
  const url = withDatabase(infra.postgres, database);
  let handle: Awaited<ReturnType<typeof connectPostgres>> | undefined;
  after(async () => {
    await handle?.close();
    const admin = new pg.Client({ connectionString: infra.postgres });
    await admin.connect();
    await admin.query(`drop database if exists "${database}" with (force)`);
    await admin.end();
  });

  it('creates its database, applies each migration once, in order', async () => {
    await ensurePostgresDatabase(url);
    await ensurePostgresDatabase(url); // second call is a no-op
    handle = await connectPostgres(url);
    const folder = await mkdtemp(join(tmpdir(), 'migrations-'));
    await writeFile(join(folder, '001_create.sql'), 'create table things (id serial primary key, name text not null);');
    await writeFile(join(folder, '002_seed.sql'), "insert into things(name) values ('first');");
    assert.deepEqual(await migrate(handle.pool, folder), ['001_create.sql', '002_seed.sql']);
    assert.deepEqual(await migrate(handle.pool, folder), []);
    const { rows } = await handle.pool.query('select name from things');
    assert.deepEqual(rows, [{ name: 'first' }]);
  });

  it('rolls back a failing migration and names it', async () => {
    const folder = await mkdtemp(join(tmpdir(), 'migrations-'));
    await writeFile(join(folder, '003_broken.sql'), 'create table half (id int); select * from missing_table;');
    await assert.rejects(migrate(handle!.pool, folder), /migration 003_broken.sql failed/);
    const { rows } = await handle!.pool.query("select to_regclass('half') as t");
    assert.equal(rows[0].t, null);
  });
});

describe('Redis client', () => {
  it('connects and round-trips a value', async () => {
    const handle = await connectRedis(infra.redis);
    try {
      const key = uniqueName('kit-test');
      await handle.redis.set(key, 'v', 'EX', 10);
      assert.equal(await handle.redis.get(key), 'v');
      await handle.readiness.check();
      await handle.redis.del(key);
    } finally {
      await handle.close();
    }
  });
});
