import { RequireSignIn } from '@/features/auth/RequireSignIn';
import { DoorEventsScreen } from '@/features/door/DoorEventsScreen';

export default function DoorEventsScreenRoute() {
  return (
    <RequireSignIn what="the events you scan for" returnTo="/door">
      <DoorEventsScreen />
    </RequireSignIn>
  );
}
