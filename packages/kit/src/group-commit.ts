/**
 * Group commit: items submitted while a batch is being written wait together and are written by the next one,
 * so a burst costs a few round trips instead of one per item. Items submitted in the same turn of the event loop
 * always share a batch; at most `concurrent` batches are in flight, each of at most `maxBatch` items.
 *
 * `commit` gets a batch and answers one result per item, in order; if it throws, every item of that batch is
 * rejected with the error. Nothing is retried here: what a failed batch means is the caller's to say.
 */
export class GroupCommit<T, R> {
  private queue: { item: T; resolve(result: R): void; reject(error: unknown): void }[] = [];
  private inFlight = 0;
  private scheduled = false;

  constructor(
    private readonly commit: (batch: T[]) => Promise<R[]>,
    private readonly options: { maxBatch: number; concurrent?: number },
  ) {}

  submit(item: T): Promise<R> {
    return new Promise((resolve, reject) => {
      this.queue.push({ item, resolve, reject });
      this.schedule();
    });
  }

  /** Items waiting for a batch (not counting those being written). */
  get waiting(): number {
    return this.queue.length;
  }

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      while (this.inFlight < (this.options.concurrent ?? 2) && this.queue.length) {
        const batch = this.queue.splice(0, this.options.maxBatch);
        this.inFlight += 1;
        void this.write(batch).finally(() => {
          this.inFlight -= 1;
          this.schedule();
        });
      }
    });
  }

  private async write(batch: GroupCommit<T, R>['queue']): Promise<void> {
    try {
      const results = await this.commit(batch.map((waiting) => waiting.item));
      if (results.length !== batch.length) throw new Error(`group commit answered ${results.length} results for ${batch.length} items`);
      batch.forEach((waiting, index) => waiting.resolve(results[index]!));
    } catch (error) {
      for (const waiting of batch) waiting.reject(error);
    }
  }
}
