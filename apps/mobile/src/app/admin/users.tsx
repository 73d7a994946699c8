import { RequireSignIn } from '@/features/auth/RequireSignIn';
import { UsersScreen } from '@/features/admin/UsersScreen';

export default function UsersScreenRoute() {
  return (
    <RequireSignIn what="people and roles" returnTo="/admin/users">
      <UsersScreen />
    </RequireSignIn>
  );
}
