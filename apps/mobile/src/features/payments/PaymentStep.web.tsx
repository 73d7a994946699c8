import { useState } from 'react';
import { StyleSheet, View } from 'react-native';
import { describeError } from '@/api/errors';
import { config } from '@/config';
import { Button } from '@/ui/Button';
import { Notice } from '@/ui/States';
import { TextField } from '@/ui/TextField';
import { space } from '@/ui/theme';
import { useStartPayment, type PaymentStepProps } from './api';
import { checkCard, payByCard } from './stripe-browser';

/** In a browser: the card, sent from here to Stripe, never to Eventify. */
export function PaymentStep({ bookingId, amountLabel, lastError, onPaid }: PaymentStepProps) {
  const start = useStartPayment();
  const [fields, setFields] = useState({ number: '', expiry: '', cvc: '' });
  const [fieldErrors, setFieldErrors] = useState<Record<string, string>>({});
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const testMode = config.stripePublishableKey.startsWith('pk_test_');

  const pay = async () => {
    const { card, errors } = checkCard(fields);
    setFieldErrors(errors);
    setError(null);
    if (!card) return;
    setBusy(true);
    try {
      const intent = await start.mutateAsync(bookingId);
      const outcome = await payByCard(intent, card);
      if (outcome.status === 'failed') setError(outcome.message);
      else onPaid();
    } catch (failure) {
      setError(describeError(failure));
    } finally {
      setBusy(false);
    }
  };

  const set = (field: keyof typeof fields) => (value: string) => setFields((current) => ({ ...current, [field]: value }));
  return (
    <View style={styles.form}>
      {testMode ? <Notice>Test mode: pay with card 4242 4242 4242 4242, any future expiry date and any CVC.</Notice> : null}
      <TextField
        label="Card number"
        value={fields.number}
        onChangeText={set('number')}
        error={fieldErrors.number}
        inputMode="numeric"
        autoComplete="cc-number"
        placeholder="1234 1234 1234 1234"
      />
      <View style={styles.row}>
        <View style={styles.half}>
          <TextField
            label="Expiry (MM/YY)"
            value={fields.expiry}
            onChangeText={set('expiry')}
            error={fieldErrors.expiry}
            inputMode="numeric"
            autoComplete="cc-exp"
            placeholder="MM/YY"
          />
        </View>
        <View style={styles.half}>
          <TextField
            label="CVC"
            value={fields.cvc}
            onChangeText={set('cvc')}
            error={fieldErrors.cvc}
            inputMode="numeric"
            autoComplete="cc-csc"
            placeholder="123"
            secureTextEntry
          />
        </View>
      </View>
      {(error ?? lastError) ? (
        <Notice tone="danger" testID="payment-error">
          {(error ?? lastError)!}
        </Notice>
      ) : null}
      <Button label={`Pay ${amountLabel}`} onPress={() => void pay()} busy={busy} testID="pay-button" />
    </View>
  );
}

const styles = StyleSheet.create({
  form: { gap: space.md },
  row: { flexDirection: 'row', gap: space.md },
  half: { flex: 1 },
});
