import { RequireSignIn } from '@/features/auth/RequireSignIn';
import { TabPage } from '@/ui/TabPage';
import { ProfileScreen } from '@/features/profile/ProfileScreen';

export default function ProfileScreenRoute() {
  return (
    <TabPage>
      <RequireSignIn what="your profile" returnTo="/profile">
        <ProfileScreen />
      </RequireSignIn>
    </TabPage>
  );
}
