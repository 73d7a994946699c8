import type { Collection, Db, Filter } from 'mongodb';
import {
  assertLeasesHeld,
  isDuplicateKeyError,
  pushOutbox,
  type MongoOutbox,
  type Mutex,
  type OutboxEntry,
  type OutboxRelay,
  type WithOutbox,
} from '@eventify/kit';

export type ReviewStatus = 'pending' | 'approved' | 'rejected';

/** One review per submission: the audit trail of an event is its reviews across resubmissions. */
export interface Review extends WithOutbox {
  _id: string;
  submissionId: string;
  eventId: string;
  organizerId: string;
  snapshot: Record<string, unknown>;
  status: ReviewStatus;
  submittedAt: Date;
  decidedAt: Date | null;
  reviewerId: string | null;
  reason: string | null;
}

export interface ReviewQuery {
  status?: ReviewStatus | undefined;
  eventId?: string | undefined;
  organizerId?: string | undefined;
  after?: { submittedAt: Date; id: string } | undefined;
}

export class ReviewsRepository {
  private readonly reviews: Collection<Review>;
  private readonly outbox: MongoOutbox<Review>;
  constructor(db: Db, relay: OutboxRelay, mutex: Mutex) {
    this.reviews = db.collection('reviews');
    // A review changes once (its decision), under this lock; the relay takes it too.
    this.outbox = relay.mongo(this.reviews, { mutex, lockKey: (id) => `review:${id}` });
  }

  async ensureIndexes(): Promise<void> {
    await this.reviews.createIndex({ submissionId: 1 }, { unique: true });
    await this.reviews.createIndex({ status: 1, submittedAt: 1, _id: 1 });
    await this.reviews.createIndex({ eventId: 1, submittedAt: 1 });
  }

  /** false when this submission already has its review (redelivered event). */
  async insert(review: Review): Promise<boolean> {
    try {
      await this.reviews.insertOne(review);
      return true;
    } catch (error) {
      if (isDuplicateKeyError(error)) return false;
      throw error;
    }
  }

  find(id: string) {
    return this.reviews.findOne({ _id: id });
  }

  /**
   * Decide, storing the decision's event in the same write. Under the review's lock: of two admins
   * deciding at once, exactly one finds it pending (the condition alone is not atomic on FerretDB).
   */
  async decide(
    id: string,
    decision: { status: 'approved' | 'rejected'; reviewerId: string; reason: string | null; decidedAt: Date },
    event: OutboxEntry,
  ) {
    assertLeasesHeld();
    const decided = await this.reviews.findOneAndUpdate({ _id: id, status: 'pending' }, pushOutbox<Review>({ $set: decision }, [event]), {
      returnDocument: 'after',
    });
    if (decided) this.outbox.changed(id);
    return decided;
  }

  /** Oldest first: the queue is worked in the order events were submitted. */
  async list(query: ReviewQuery, limit: number): Promise<Review[]> {
    const and: Filter<Review>[] = [];
    if (query.status) and.push({ status: query.status });
    if (query.eventId) and.push({ eventId: query.eventId });
    if (query.organizerId) and.push({ organizerId: query.organizerId });
    if (query.after) {
      and.push({
        $or: [{ submittedAt: { $gt: query.after.submittedAt } }, { submittedAt: query.after.submittedAt, _id: { $gt: query.after.id } }],
      });
    }
    return this.reviews
      .find(and.length ? { $and: and } : {})
      .sort({ submittedAt: 1, _id: 1 })
      .limit(limit)
      .toArray();
  }
}
