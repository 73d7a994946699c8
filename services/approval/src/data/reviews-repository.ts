import type { Collection, Db, Filter } from 'mongodb';
import { isDuplicateKeyError } from '@eventify/kit';

export type ReviewStatus = 'pending' | 'approved' | 'rejected';

/** One review per submission: the audit trail of an event is its reviews across resubmissions. */
export interface Review {
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
  constructor(db: Db) {
    this.reviews = db.collection('reviews');
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

  /** Decide atomically: of two admins deciding at once, exactly one finds it pending. */
  decide(id: string, decision: { status: 'approved' | 'rejected'; reviewerId: string; reason: string | null }) {
    return this.reviews.findOneAndUpdate(
      { _id: id, status: 'pending' },
      { $set: { ...decision, decidedAt: new Date() } },
      { returnDocument: 'after' },
    );
  }

  /** Oldest first: the queue is worked in the order events were submitted. */
  async list(query: ReviewQuery, limit: number): Promise<Review[]> {
    const and: Filter<Review>[] = [];
    if (query.status) and.push({ status: query.status });
    if (query.eventId) and.push({ eventId: query.eventId });
    if (query.organizerId) and.push({ organizerId: query.organizerId });
    if (query.after) {
      and.push({ $or: [{ submittedAt: { $gt: query.after.submittedAt } }, { submittedAt: query.after.submittedAt, _id: { $gt: query.after.id } }] });
    }
    return this.reviews
      .find(and.length ? { $and: and } : {})
      .sort({ submittedAt: 1, _id: 1 })
      .limit(limit)
      .toArray();
  }
}
