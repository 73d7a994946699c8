import { RequireSignIn } from '@/features/auth/RequireSignIn';
import { EditEventScreen } from '@/features/organize/EventEditorScreens';

export default function EditEventScreenRoute() {
  return (
    <RequireSignIn what="your event" returnTo="/organize">
      <EditEventScreen />
    </RequireSignIn>
  );
}
