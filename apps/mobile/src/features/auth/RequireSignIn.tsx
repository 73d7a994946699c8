import { useRouter } from 'expo-router';
import type { ReactNode } from 'react';
import { EmptyState, Loading } from '@/ui/States';
import { useSession } from './session';

/** A tab that needs an account: its content when signed in, otherwise an invitation to sign in. */
export function RequireSignIn({ children, what, returnTo }: { children: ReactNode; what: string; returnTo: string }) {
  const { status } = useSession();
  const router = useRouter();
  if (status === 'loading') return <Loading />;
  if (status === 'signedOut') {
    return (
      <EmptyState
        title={`Sign in to see ${what}`}
        action={{ label: 'Sign in', onPress: () => router.push({ pathname: '/sign-in', params: { next: returnTo } }) }}
      />
    );
  }
  return <>{children}</>;
}
