import { GroupCommit, serviceUnavailable, type Logger, type OutboxEntry, type PublishEntries } from '@eventify/kit';
import type { CheckIn, CheckInsRepository } from '../data/check-ins-repository.js';
import type { DoorState, FirstAdmission } from '../data/door-state.js';

/** An admission Redis decided, on its way to MongoDB; `pendingId` is its entry in the door's pending stream. */
export interface PendingAdmission {
  record: CheckIn;
  event: OutboxEntry;
  pendingId: string;
}

export interface CheckInWriterOptions {
  /** Most admissions in one insertMany. */
  maxBatch: number;
  /** A pending admission this old is taken over by whichever replica sweeps first (its writer died). */
  orphanAfterMs: number;
  /** How long a scan waits for its admission to be written before it is told to scan again (503). */
  answerWithinMs: number;
}

/** Batches written at once: while one is in the database, the next one fills (group commit). */
const CONCURRENT_BATCHES = 2;
const RETRY_MS = 250;

export const firstAdmissionOf = (checkIn: CheckIn): FirstAdmission => ({
  at: checkIn.at.toISOString(),
  gate: checkIn.gate,
  id: checkIn.admissionId,
});

/** What the pending stream holds for one admission: enough for anyone to write it. */
export const pendingEntry = (record: CheckIn, event: OutboxEntry) => JSON.stringify({ record, event });

function parsePending(pendingId: string, text: string): PendingAdmission {
  const { record, event } = JSON.parse(text) as { record: CheckIn; event: OutboxEntry };
  return {
    pendingId,
    record: { ...record, at: new Date(record.at), ...(record.recordedAt ? { recordedAt: new Date(record.recordedAt) } : {}) },
    event: { ...event, occurredAt: new Date(event.occurredAt) },
  };
}

/**
 * Writes the admissions Redis decided to MongoDB in batches (group commit: one insertMany for every admission
 * that arrived while the previous batch was being written), and answers each scan once its batch is written.
 *
 * Invariants (see docs/performance.md#door):
 * - An admission is answered `admitted` only once its check-in record is in MongoDB, and only if that record is
 *   its own (`admissionId`): the unique insert keyed by ticket id stays the final judge, so even a Redis that
 *   lost its keys cannot make a second admission of a ticket; a later one learns the first and says so.
 * - An admission Redis decided is in the pending stream from the same script that decided it, and leaves it only
 *   after its record is in MongoDB and its TicketCheckedIn on the bus (the stream is its outbox: as durable as
 *   the bus, which lives in the same Redis). A qr process killed in between leaves it there; the sweep of any replica (or
 *   of the restarted process) writes it after `orphanAfterMs`, idempotently: at least once, recorded once.
 */
export class CheckInWriter {
  /** While one batch is in the database, the next one fills (group commit). */
  private readonly batches: GroupCommit<PendingAdmission, CheckIn>;
  /** Pending ids this process is writing, which its own sweep must leave alone. */
  private readonly mine = new Set<string>();
  private sweeper: NodeJS.Timeout | undefined;
  private sweeping: Promise<void> = Promise.resolve();

  constructor(
    private readonly checkIns: CheckInsRepository,
    private readonly state: DoorState,
    /** The event bus: TicketCheckedIn of each admission written, from its pending entry (the outbox). */
    private readonly publish: PublishEntries,
    private readonly log: Logger,
    private readonly options: CheckInWriterOptions,
  ) {
    this.batches = new GroupCommit((batch) => this.writeBatch(batch), { maxBatch: options.maxBatch, concurrent: CONCURRENT_BATCHES });
  }

  /** The first admission of the ticket, once it is in MongoDB: this one's record, or one that came before it. */
  write(admission: PendingAdmission): Promise<CheckIn> {
    this.mine.add(admission.pendingId);
    return this.batches.submit(admission).finally(() => this.mine.delete(admission.pendingId));
  }

  start(): void {
    this.sweeper = setInterval(
      () => {
        this.sweeping = this.sweeping
          .then(() => this.sweep())
          .catch((error: unknown) => this.log.warn({ err: error }, 'sweeping pending check-ins failed; the next sweep retries'));
      },
      Math.max(200, this.options.orphanAfterMs / 2),
    );
    this.sweeper.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.sweeper);
    await this.sweeping;
  }

  /** The first admission of each, once written; retried until `answerWithinMs`, then the scanner is told to scan again. */
  private async writeBatch(batch: PendingAdmission[]): Promise<CheckIn[]> {
    const giveUpAt = Date.now() + this.options.answerWithinMs;
    for (;;) {
      try {
        const firsts = await this.record(batch);
        return batch.map((admission) => firsts.get(admission.record._id)!);
      } catch (error) {
        if (Date.now() > giveUpAt) {
          // Still pending in Redis: the sweep writes them when the database is back. The scanner asks again.
          this.log.error({ err: error, admissions: batch.length }, 'check-ins not written in time; left to the sweep');
          throw serviceUnavailable('The admission could not be confirmed yet. Scan the ticket again.');
        }
        this.log.warn({ err: error, admissions: batch.length }, 'writing check-ins failed; retrying');
        await new Promise((r) => setTimeout(r, RETRY_MS));
      }
    }
  }

  /**
   * Write admissions (idempotent), announce those that are their ticket's first, correct Redis where an
   * earlier admission won, and only then clear them from the pending stream: a crash anywhere before does it all
   * again, and TicketCheckedIn goes out at least once, always with the same event id (consumers skip repeats).
   */
  private async record(batch: PendingAdmission[]): Promise<Map<string, CheckIn>> {
    const firsts = await this.checkIns.admitMany(batch.map((a) => a.record));
    const own = batch.filter(({ record }) => firsts.get(record._id)!.admissionId === record.admissionId);
    await this.publish(own.map((a) => a.event));
    for (const { record } of batch) {
      const first = firsts.get(record._id)!;
      if (first.admissionId !== record.admissionId) await this.state.remember(record._id, firstAdmissionOf(first));
    }
    await this.state
      .settled(batch.map((a) => a.pendingId))
      .catch((error: unknown) => this.log.warn({ err: error }, 'pending check-ins written but not cleared; the sweep finds them written'));
    return firsts;
  }

  /** Take over admissions whose writer died before writing them. */
  private async sweep(): Promise<void> {
    const stale = (await this.state.stalePending(this.options.orphanAfterMs)).filter((p) => !this.mine.has(p.pendingId));
    if (stale.length === 0) return;
    const admissions: PendingAdmission[] = [];
    for (const { pendingId, entry } of stale) {
      try {
        admissions.push(parsePending(pendingId, entry));
      } catch (error) {
        this.log.error({ err: error, pendingId }, 'unreadable pending check-in dropped');
        await this.state.settled([pendingId]);
      }
    }
    await this.record(admissions);
    this.log.warn({ admissions: admissions.length }, 'pending check-ins of a stopped process written');
  }
}
