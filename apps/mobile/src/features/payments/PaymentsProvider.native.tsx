import { StripeProvider } from '@stripe/stripe-react-native';
import type { ReactNode } from 'react';
import { config } from '@/config';

export function PaymentsProvider({ children }: { children: ReactNode }) {
  return (
    <StripeProvider publishableKey={config.stripePublishableKey} merchantIdentifier="merchant.com.eventify.app" urlScheme="eventify">
      <>{children}</>
    </StripeProvider>
  );
}
