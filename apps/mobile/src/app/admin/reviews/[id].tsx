import { RequireSignIn } from '@/features/auth/RequireSignIn';
import { ReviewScreen } from '@/features/admin/ReviewScreen';

export default function ReviewScreenRoute() {
  return (
    <RequireSignIn what="the review" returnTo="/admin/reviews">
      <ReviewScreen />
    </RequireSignIn>
  );
}
