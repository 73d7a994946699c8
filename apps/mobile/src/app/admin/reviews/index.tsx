import { RequireSignIn } from '@/features/auth/RequireSignIn';
import { ReviewQueueScreen } from '@/features/admin/ReviewQueueScreen';

export default function ReviewQueueScreenRoute() {
  return (
    <RequireSignIn what="the review queue" returnTo="/admin/reviews">
      <ReviewQueueScreen />
    </RequireSignIn>
  );
}
