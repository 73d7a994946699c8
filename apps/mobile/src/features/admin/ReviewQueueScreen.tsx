import type { Review } from '@eventify/contracts';
import { formatEventDate, formatMoment } from '@/ui/format';
import { LinkRow } from '@/ui/LinkRow';
import { PagedList } from '@/ui/PagedList';
import { EmptyState } from '@/ui/States';
import { useReviewQueue } from './api';
import { previewOf } from './review-preview';

function ReviewRow({ review }: { review: Review }) {
  const { content } = previewOf(review);
  return (
    <LinkRow
      href={`/admin/reviews/${review.id}`}
      label={`Review ${content.title}, submitted ${formatMoment(review.submittedAt)}`}
      title={content.title}
      details={[
        `${formatEventDate(content.startsAt, content.timeZone)} · ${content.venue.city}`,
        `Submitted ${formatMoment(review.submittedAt)}`,
      ]}
      testID="review-row"
    />
  );
}

/** Events waiting for a decision, oldest first as the API gives them. */
export function ReviewQueueScreen() {
  return (
    <PagedList
      query={useReviewQueue()}
      keyOf={(r) => r.id}
      renderItem={(review) => <ReviewRow review={review} />}
      loadingLabel="Loading the review queue…"
      errorTitle="The review queue did not load"
      empty={<EmptyState title="Nothing to review" body="Submitted events appear here." />}
    />
  );
}
