import { MongoBulkWriteError, MongoClient, type Collection, type Db, type Document, type OptionalUnlessRequiredId } from 'mongodb';
import type { Logger } from 'pino';
import type { ReadinessCheck } from '../health.js';
import { retry } from '../retry.js';

export interface MongoHandle {
  client: MongoClient;
  db: Db;
  readiness: ReadinessCheck;
  close(): Promise<void>;
}

/**
 * Connect to MongoDB (or a MongoDB-protocol server such as FerretDB) with the official driver.
 * The database name comes from the URI path: each service owns its own database.
 */
export async function connectMongo(url: string, logger?: Logger, timeoutMs = 60_000): Promise<MongoHandle> {
  const client = new MongoClient(url, {
    // While the database is down, requests fail (503) after this rather than hang until the gateway gives up.
    serverSelectionTimeoutMS: 2_500,
    connectTimeoutMS: 5_000,
    // Few connections: FerretDB opens PostgreSQL connections per concurrent operation.
    maxPoolSize: 20,
    retryWrites: false, // FerretDB 1.x does not support retryable writes; real MongoDB works either way.
  });
  await retry(() => client.connect(), { what: 'connect to MongoDB', logger, timeoutMs });
  const db = client.db();
  return {
    client,
    db,
    readiness: { name: 'mongodb', check: async () => void (await db.command({ ping: 1 })) },
    close: () => client.close(),
  };
}

/** True when a write failed on a unique index. */
export function isDuplicateKeyError(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === 11000;
}

/**
 * Insert documents in one round trip, leaving alone those whose unique key is taken already (a retry, a race).
 * Returns the positions in `documents` of those that were there before; any other failure is thrown.
 */
export async function insertManyNew<T extends Document>(
  collection: Collection<T>,
  documents: OptionalUnlessRequiredId<T>[],
): Promise<number[]> {
  if (documents.length === 0) return [];
  try {
    await collection.insertMany(documents, { ordered: false });
    return [];
  } catch (error) {
    const writeErrors = error instanceof MongoBulkWriteError ? [error.writeErrors].flat() : [];
    if (writeErrors.length === 0 || writeErrors.some((e) => e.code !== 11000)) throw error;
    return writeErrors.map((e) => e.index);
  }
}
