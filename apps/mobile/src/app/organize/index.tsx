import { RequireSignIn } from '@/features/auth/RequireSignIn';
import { MyEventsScreen } from '@/features/organize/MyEventsScreen';

export default function MyEventsScreenRoute() {
  return (
    <RequireSignIn what="your events" returnTo="/organize">
      <MyEventsScreen />
    </RequireSignIn>
  );
}
