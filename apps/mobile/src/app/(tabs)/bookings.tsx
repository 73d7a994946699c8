import { RequireSignIn } from '@/features/auth/RequireSignIn';
import { TabPage } from '@/ui/TabPage';
import { BookingsScreen } from '@/features/bookings/BookingsScreen';

export default function BookingsScreenRoute() {
  return (
    <TabPage>
      <RequireSignIn what="your bookings" returnTo="/bookings">
        <BookingsScreen />
      </RequireSignIn>
    </TabPage>
  );
}
