import { RequireSignIn } from '@/features/auth/RequireSignIn';
import { ManageScreen } from '@/features/manage/ManageScreen';
import { TabPage } from '@/ui/TabPage';

export default function ManageRoute() {
  return (
    <TabPage>
      <RequireSignIn what="what you manage" returnTo="/manage">
        <ManageScreen />
      </RequireSignIn>
    </TabPage>
  );
}
