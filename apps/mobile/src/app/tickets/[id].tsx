import { RequireSignIn } from '@/features/auth/RequireSignIn';
import { TicketScreen } from '@/features/tickets/TicketScreen';

export default function TicketRoute() {
  return (
    <RequireSignIn what="this ticket" returnTo="/tickets">
      <TicketScreen />
    </RequireSignIn>
  );
}
