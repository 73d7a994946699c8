import { RequireSignIn } from '@/features/auth/RequireSignIn';
import { TabPage } from '@/ui/TabPage';
import { InboxScreen } from '@/features/inbox/InboxScreen';

export default function InboxScreenRoute() {
  return (
    <TabPage>
      <RequireSignIn what="your notifications" returnTo="/inbox">
        <InboxScreen />
      </RequireSignIn>
    </TabPage>
  );
}
