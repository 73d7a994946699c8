import { randomUUID } from 'node:crypto';
import type { EventPayloads, Review as ReviewView } from '@eventify/contracts';
import { conflict, forbidden, hasRole, notFound, outboxEvent, type Mutex, type Principal } from '@eventify/kit';
import type { Review, ReviewsRepository, ReviewStatus } from '../data/reviews-repository.js';

export function reviewView(review: Review): ReviewView {
  return {
    id: review._id,
    eventId: review.eventId,
    organizerId: review.organizerId,
    submissionId: review.submissionId,
    status: review.status,
    submittedAt: review.submittedAt.toISOString(),
    decidedAt: review.decidedAt?.toISOString() ?? null,
    reviewerId: review.reviewerId,
    reason: review.reason,
    event: review.snapshot,
  };
}

/** The review queue: every submission is decided once, by one admin, with who, when and why recorded. */
export class Reviews {
  constructor(
    private readonly reviews: ReviewsRepository,
    private readonly mutex: Mutex,
  ) {}

  /** From EventSubmitted; a redelivered submission creates nothing new. */
  async open(data: EventPayloads['EventSubmitted']): Promise<void> {
    await this.reviews.insert({
      _id: randomUUID(),
      submissionId: data.submissionId,
      eventId: data.eventId,
      organizerId: data.organizerId,
      snapshot: data.snapshot,
      status: 'pending',
      submittedAt: new Date(data.submittedAt),
      decidedAt: null,
      reviewerId: null,
      reason: null,
    });
  }

  async list(
    caller: Principal,
    query: { status?: ReviewStatus | undefined; eventId?: string | undefined },
    after: { submittedAt: Date; id: string } | undefined,
    limit: number,
  ) {
    const admin = hasRole(caller, 'admin');
    if (!admin && !query.eventId)
      throw forbidden('Only admins see the review queue; organizers can ask for the reviews of one of their events with ?eventId=.');
    // Organizers see the reviews of their own events only.
    const rows = await this.reviews.list({ ...query, organizerId: admin ? undefined : caller.userId, after }, limit + 1);
    const page = rows.slice(0, limit);
    return { items: page.map(reviewView), last: rows.length > limit ? page.at(-1) : undefined };
  }

  async read(id: string, caller: Principal) {
    const review = await this.reviews.find(id);
    if (!review || (!hasRole(caller, 'admin') && review.organizerId !== caller.userId)) throw notFound('review');
    return reviewView(review);
  }

  async approve(id: string, reviewerId: string) {
    return reviewView(await this.decide(id, { status: 'approved', reviewerId, reason: null }));
  }

  async reject(id: string, reviewerId: string, reason: string) {
    return reviewView(await this.decide(id, { status: 'rejected', reviewerId, reason }));
  }

  private async decide(id: string, decision: { status: 'approved' | 'rejected'; reviewerId: string; reason: string | null }) {
    const decided = await this.mutex.run(`review:${id}`, async () => {
      const review = await this.reviews.find(id);
      if (!review || review.status !== 'pending') return null;
      const decidedAt = new Date();
      const common = {
        eventId: review.eventId,
        organizerId: review.organizerId,
        reviewId: id,
        submissionId: review.submissionId,
        reviewerId: decision.reviewerId,
        decidedAt: decidedAt.toISOString(),
      };
      const event =
        decision.status === 'approved'
          ? outboxEvent('EventApproved', common)
          : outboxEvent('EventRejected', { ...common, reason: decision.reason ?? '' });
      return this.reviews.decide(id, { ...decision, decidedAt }, event);
    });
    if (decided) return decided;
    const existing = await this.reviews.find(id);
    if (!existing) throw notFound('review');
    throw conflict(`This submission was already ${existing.status} by another admin.`, 'already-decided');
  }
}
