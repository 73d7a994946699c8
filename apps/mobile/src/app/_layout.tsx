import { QueryClientProvider, useQueryClient } from '@tanstack/react-query';
import { Stack, usePathname, useRouter } from 'expo-router';
import { StatusBar } from 'expo-status-bar';
import { useEffect, useRef, useState } from 'react';
import { SafeAreaProvider } from 'react-native-safe-area-context';
import { createQueryClient } from '@/api/query-client';
import { onSignedOut, SessionProvider, useSession } from '@/features/auth/session';
import { PaymentsProvider } from '@/features/payments/PaymentsProvider';
import { PushRegistration } from '@/features/push/PushRegistration';
import { ticketWallet } from '@/features/tickets/device-copy';
import { registerOfflineShell } from '@/offline-shell';
import { OfflineBanner } from '@/ui/OfflineBanner';
import { colors } from '@/ui/theme';

registerOfflineShell();

/** When a session ends, nothing of it stays on the device: cached answers and the saved tickets go. */
function SignOutCleanup() {
  const client = useQueryClient();
  useEffect(
    () =>
      onSignedOut(async (user) => {
        client.clear();
        await ticketWallet.forget(user.id);
      }),
    [client],
  );
  return null;
}

/** The form's own heading names these screens; the bar above keeps only the way back. */
const noTitle = () => null;

/** A session the server ended (revoked, expired) takes the person to sign-in, which says why. */
function SessionEndedRedirect() {
  const { endedBecause } = useSession();
  const router = useRouter();
  const pathname = usePathname();
  // Once per ended session: afterwards the person may browse signed out without being sent back.
  const redirected = useRef(false);
  useEffect(() => {
    if (!endedBecause) {
      redirected.current = false;
      return;
    }
    if (redirected.current) return;
    redirected.current = true;
    router.replace({ pathname: '/sign-in', params: pathname === '/sign-in' ? {} : { next: pathname } });
  }, [endedBecause, pathname, router]);
  return null;
}

function Shell() {
  const { offline } = useSession();
  return (
    <>
      <SessionEndedRedirect />
      <StatusBar style="dark" />
      <OfflineBanner sessionUnconfirmed={offline} />
      <Stack
        screenOptions={{ headerTintColor: colors.primary, headerBackTitle: 'Back', contentStyle: { backgroundColor: colors.background } }}
      >
        <Stack.Screen name="(tabs)" options={{ headerShown: false, title: 'Eventify' }} />
        <Stack.Screen name="events/[id]" options={{ title: 'Event' }} />
        <Stack.Screen name="bookings/[id]" options={{ title: 'Your booking' }} />
        <Stack.Screen name="tickets/[id]" options={{ title: 'Ticket' }} />
        <Stack.Screen name="organize/index" options={{ title: 'Your events' }} />
        <Stack.Screen name="organize/new" options={{ title: 'New event' }} />
        <Stack.Screen name="organize/[id]/index" options={{ title: 'Your event' }} />
        <Stack.Screen name="organize/[id]/edit" options={{ title: 'Edit event' }} />
        <Stack.Screen name="admin/reviews/index" options={{ title: 'Review queue' }} />
        <Stack.Screen name="admin/reviews/[id]" options={{ title: 'Review' }} />
        <Stack.Screen name="admin/users" options={{ title: 'People and roles' }} />
        <Stack.Screen name="door/index" options={{ title: 'Scan tickets' }} />
        <Stack.Screen name="door/[eventId]" options={{ title: 'Door' }} />
        <Stack.Screen name="sign-in" options={{ title: 'Sign in', headerTitle: noTitle }} />
        <Stack.Screen name="sign-up" options={{ title: 'Create account', headerTitle: noTitle }} />
        <Stack.Screen name="forgot-password" options={{ title: 'Reset password', headerTitle: noTitle }} />
        <Stack.Screen name="reset-password" options={{ title: 'New password', headerTitle: noTitle }} />
      </Stack>
    </>
  );
}

export default function RootLayout() {
  const [queryClient] = useState(createQueryClient);
  return (
    <SafeAreaProvider>
      <QueryClientProvider client={queryClient}>
        <SessionProvider>
          <PaymentsProvider>
            <SignOutCleanup />
            <PushRegistration />
            <Shell />
          </PaymentsProvider>
        </SessionProvider>
      </QueryClientProvider>
    </SafeAreaProvider>
  );
}
