import { RequireSignIn } from '@/features/auth/RequireSignIn';
import { BookingScreen } from '@/features/bookings/BookingScreen';

export default function BookingRoute() {
  return (
    <RequireSignIn what="this booking" returnTo="/bookings">
      <BookingScreen />
    </RequireSignIn>
  );
}
