import { RequireSignIn } from '@/features/auth/RequireSignIn';
import { ManageEventScreen } from '@/features/organize/ManageEventScreen';

export default function ManageEventScreenRoute() {
  return (
    <RequireSignIn what="your event" returnTo="/organize">
      <ManageEventScreen />
    </RequireSignIn>
  );
}
