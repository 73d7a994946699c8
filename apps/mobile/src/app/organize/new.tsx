import { RequireSignIn } from '@/features/auth/RequireSignIn';
import { NewEventScreen } from '@/features/organize/EventEditorScreens';

export default function NewEventScreenRoute() {
  return (
    <RequireSignIn what="your events" returnTo="/organize/new">
      <NewEventScreen />
    </RequireSignIn>
  );
}
