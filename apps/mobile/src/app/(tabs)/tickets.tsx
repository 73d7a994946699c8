import { RequireSignIn } from '@/features/auth/RequireSignIn';
import { TabPage } from '@/ui/TabPage';
import { TicketsScreen } from '@/features/tickets/TicketsScreen';

export default function TicketsScreenRoute() {
  return (
    <TabPage>
      <RequireSignIn what="your tickets" returnTo="/tickets">
        <TicketsScreen />
      </RequireSignIn>
    </TabPage>
  );
}
