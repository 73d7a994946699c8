import { useStripe } from '@stripe/stripe-react-native';
import { useState } from 'react';
import { View } from 'react-native';
import { describeError } from '@/api/errors';
import { config } from '@/config';
import { Button } from '@/ui/Button';
import { Notice } from '@/ui/States';
import { useStartPayment, type PaymentStepProps } from './api';

/** Stripe's PaymentSheet: cards, Apple Pay and Google Pay, 3-D Secure included, in Stripe's own native UI. */
export function PaymentStep({ bookingId, amountLabel, lastError, onPaid }: PaymentStepProps) {
  const { initPaymentSheet, presentPaymentSheet } = useStripe();
  const start = useStartPayment();
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const pay = async () => {
    setBusy(true);
    setError(null);
    try {
      const intent = await start.mutateAsync(bookingId);
      const ready = await initPaymentSheet({
        paymentIntentClientSecret: intent.clientSecret,
        merchantDisplayName: config.merchantName,
        returnURL: 'eventify://stripe-redirect',
      });
      if (ready.error) return setError(ready.error.message);
      const result = await presentPaymentSheet();
      if (result.error) {
        // Closing the sheet is not an error worth a message.
        if (result.error.code !== 'Canceled') setError(result.error.message);
        return;
      }
      onPaid();
    } catch (failure) {
      setError(describeError(failure));
    } finally {
      setBusy(false);
    }
  };

  return (
    <View style={{ gap: 12 }}>
      {(error ?? lastError) ? <Notice tone="danger">{(error ?? lastError)!}</Notice> : null}
      <Button label={`Pay ${amountLabel}`} onPress={() => void pay()} busy={busy} testID="pay-button" />
    </View>
  );
}
