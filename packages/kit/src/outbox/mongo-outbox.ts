import type { Collection, Document, Filter, UpdateFilter } from 'mongodb';
import { assertLeasesHeld, type Mutex } from '../mutex.js';
import type { OutboxEntry, OutboxSource, PublishEntries } from './entry.js';

/** Fields an aggregate document carries when it has events waiting to be published. */
export interface WithOutbox {
  outbox?: OutboxEntry[];
  /** Set with every entry added, removed when the relay has published them all: what the relay looks for. */
  outboxPending?: boolean;
}

/** A new aggregate document together with the events its creation implies: one insert, atomic. */
export function withOutbox<T extends Document>(document: T, entries: OutboxEntry[]): T & WithOutbox {
  return entries.length ? { ...document, outbox: entries, outboxPending: true } : document;
}

/** An update of one aggregate that also appends its events: one single-document write, atomic. */
export function pushOutbox<T extends Document>(update: UpdateFilter<T>, entries: OutboxEntry[]): UpdateFilter<T> {
  if (!entries.length) return update;
  const raw = update as Record<string, Record<string, unknown> | undefined>;
  return {
    ...update,
    $set: { ...raw.$set, outboxPending: true },
    $push: { ...raw.$push, outbox: { $each: entries } },
  } as unknown as UpdateFilter<T>;
}

export interface MongoOutboxOptions {
  /**
   * The lock every writer of this collection's documents holds (see Mutex). Required unless documents
   * are never changed after their insert: the relay's removal of published entries is a write too, and
   * FerretDB would let it overwrite a concurrent change.
   */
  lockKey?: (id: string) => string;
  mutex?: Mutex;
  batchSize?: number;
}

/**
 * The transactional outbox for MongoDB without multi-document transactions (FerretDB has none): the
 * events a state change implies are stored in the changed document itself (`outbox`), in the same
 * single-document write as the change. Either both are stored or neither. The relay publishes them in
 * array order (the order they happened) and then removes them, under the document's lock.
 */
export class MongoOutbox<T extends Document & { _id: string }> implements OutboxSource {
  readonly name: string;
  private readonly written = new Set<string>();

  constructor(
    private readonly collection: Collection<T>,
    private readonly kick: () => void,
    private readonly options: MongoOutboxOptions = {},
  ) {
    this.name = collection.collectionName;
    if (options.lockKey && !options.mutex) throw new Error('a MongoOutbox with lockKey needs the mutex');
  }

  async prepare(): Promise<void> {
    await this.collection.createIndex({ outboxPending: 1 }, { sparse: true });
  }

  async backlog(): Promise<{ pending: number }> {
    const pending = await this.collection.countDocuments({ outboxPending: true } as unknown as Filter<T>);
    return { pending };
  }

  /** A document just got entries: have the relay publish them now (without it, the next tick does). */
  changed(id: string): void {
    this.written.add(id);
    this.kick();
  }

  async relay(publish: PublishEntries, scan: boolean): Promise<void> {
    const ids = [...this.written];
    this.written.clear();
    if (scan) {
      const due = await this.collection
        .find({ outboxPending: true } as unknown as Filter<T>, { projection: { _id: 1 } })
        .limit(this.options.batchSize ?? 200)
        .toArray();
      ids.push(...due.map((d) => d._id as string));
    }
    // Runs of one relay never overlap, so no document is flushed twice at once in this process.
    const unique = [...new Set(ids)];
    const failures: unknown[] = [];
    const busy: string[] = [];
    for (let i = 0; i < unique.length; i += FLUSH_BATCH) {
      try {
        busy.push(...(await this.flush(unique.slice(i, i + FLUSH_BATCH), publish)));
      } catch (error) {
        failures.push(error);
      }
    }
    // A document whose lock was busy is being changed by its writer (often the very write that kicked us, still
    // releasing its lock): try it again shortly rather than wait for the lock; the timer's scan is the net.
    if (busy.length) {
      setTimeout(() => {
        for (const id of busy) this.written.add(id);
        this.kick();
      }, BUSY_RETRY_MS).unref();
    }
    if (failures.length) throw new AggregateError(failures, `${failures.length} batches of ${unique.length} documents not relayed`);
  }

  /**
   * Publish the pending entries of up to FLUSH_BATCH documents and remove them: with locks, one round trip for the
   * locks, one read, one publish, one write, whatever the batch's size. Returns the documents whose lock was busy.
   */
  private async flush(ids: string[], publish: PublishEntries): Promise<string[]> {
    const work = async (taken: string[]) => {
      if (taken.length === 0) return;
      const documents = await this.collection
        .find({ _id: { $in: taken }, outboxPending: true } as unknown as Filter<T>, { projection: { outbox: 1, outboxPending: 1 } })
        .toArray();
      if (documents.length === 0) return;
      // In the order each document stored them; documents do not depend on one another.
      await publish(documents.flatMap((document) => (document.outbox as OutboxEntry[] | undefined) ?? []));
      // Published: only now are they removed. A crash before this line publishes them again (same ids).
      assertLeasesHeld();
      await this.collection.updateMany(
        { _id: { $in: documents.map((d) => d._id) } } as Filter<T>,
        { $unset: { outbox: '', outboxPending: '' } } as unknown as UpdateFilter<T>,
      );
    };
    const { lockKey, mutex } = this.options;
    if (!lockKey) {
      await work(ids);
      return [];
    }
    const byKey = new Map(ids.map((id) => [lockKey(id), id]));
    const taken = new Set<string>();
    await mutex!.runMany([...byKey.keys()], (keys) => {
      for (const key of keys) taken.add(byKey.get(key)!);
      return work([...taken]);
    });
    return ids.filter((id) => !taken.has(id));
  }
}

/** Documents relayed together: one lock round trip, one read, one publish and one write for all of them. */
const FLUSH_BATCH = 100;
const BUSY_RETRY_MS = 10;
