import type { Logger } from 'pino';
import type { EventBus } from '../bus/event-bus.js';
import type { Collection, Document } from 'mongodb';
import type { Registry } from 'prom-client';
import { outboxMetrics, type OutboxMetrics } from '../metrics.js';
import type { OutboxSource, PublishEntries } from './entry.js';
import { MongoOutbox, type MongoOutboxOptions } from './mongo-outbox.js';

/**
 * The one relay of a service: publishes every outbox source's entries to the bus, right after a change
 * (`kick`) and on a timer that finds anything a crash, a restart or a Redis outage left behind. Delivery is
 * at least once: an entry is removed only after the bus accepted it, so a crash in between publishes it
 * again, with the same id. Entries of one aggregate are published in the order they were stored. Runs
 * are serialised in the process; replicas may publish the same entry twice, which consumers skip.
 */
export class OutboxRelay {
  private readonly sources: OutboxSource[] = [];
  private running: Promise<void> = Promise.resolve();
  private queued: 'none' | 'kick' | 'scan' = 'none';
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;
  private readonly publish: PublishEntries;
  private metrics: OutboxMetrics | undefined;

  constructor(
    bus: EventBus,
    private readonly options: { intervalMs: number; log?: Logger },
  ) {
    this.publish = (entries) => bus.publishEntries(entries);
  }

  /** Count into `registry` (the service's): relayed events and failed runs per source, and each source's backlog. */
  instrument(registry: Registry): this {
    this.metrics = outboxMetrics(registry, async () =>
      Promise.all(
        this.sources.filter((source) => source.backlog).map(async (source) => ({ source: source.name, ...(await source.backlog!()) })),
      ),
    );
    return this;
  }

  add<T extends OutboxSource>(source: T): T {
    this.sources.push(source);
    return source;
  }

  /** The outbox of a MongoDB collection whose documents carry their own pending events. */
  mongo<T extends Document & { _id: string }>(collection: Collection<T>, options: MongoOutboxOptions = {}): MongoOutbox<T> {
    return this.add(new MongoOutbox(collection, () => this.kick(), options));
  }

  /** Something was just written: publish it now rather than at the next tick. */
  kick(): void {
    this.schedule('kick');
  }

  async start(): Promise<void> {
    for (const source of this.sources) await source.prepare?.();
    if (this.sources.length === 0) return;
    this.schedule('scan'); // whatever the last run of this service left unpublished
    this.timer = setInterval(() => this.schedule('scan'), this.options.intervalMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    await this.running;
  }

  /** Resolves when everything scheduled so far has run (tests, shutdown). */
  idle(): Promise<void> {
    return this.running;
  }

  private schedule(kind: 'kick' | 'scan'): void {
    if (this.stopped) return;
    const wasQueued = this.queued !== 'none';
    if (kind === 'scan' || this.queued === 'none') this.queued = kind;
    if (wasQueued) return;
    this.running = this.running.then(async () => {
      const scan = this.queued === 'scan';
      this.queued = 'none';
      for (const source of this.sources) {
        const publish: PublishEntries = async (entries) => {
          await this.publish(entries);
          this.metrics?.relayed.inc({ source: source.name }, entries.length);
        };
        try {
          await source.relay(publish, scan);
        } catch (error) {
          this.metrics?.errors.inc({ source: source.name });
          this.options.log?.warn({ err: error, outbox: source.name }, 'outbox relay failed; the next tick retries');
        }
      }
    });
  }
}
