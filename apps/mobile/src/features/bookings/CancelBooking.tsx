import { useState } from 'react';
import { StyleSheet, Text, View } from 'react-native';
import type { Booking } from '@eventify/contracts';
import { describeError } from '@/api/errors';
import { Button } from '@/ui/Button';
import { Notice } from '@/ui/States';
import { colors, font, radius, space } from '@/ui/theme';
import { useCancelBooking } from './api';

/** Cancel, after saying what it means by the refund policy (refund in full, or none) and asking to confirm. */
export function CancelBooking({ booking }: { booking: Booking }) {
  const [asking, setAsking] = useState(false);
  const cancel = useCancelBooking();
  const terms = booking.cancellation;
  if (!terms) return null;
  if (!asking) return <Button label="Cancel booking" variant="secondary" onPress={() => setAsking(true)} testID="cancel-booking" />;
  return (
    <View style={styles.panel} role="alert">
      <Text style={styles.title}>Cancel this booking?</Text>
      <Text style={styles.body} testID="cancel-terms">
        {terms.detail}
      </Text>
      {cancel.error ? <Notice tone="danger">{describeError(cancel.error)}</Notice> : null}
      <View style={styles.actions}>
        <Button label="Keep booking" variant="secondary" onPress={() => setAsking(false)} style={styles.action} />
        <Button
          label="Yes, cancel"
          accessibilityLabel="Yes, cancel this booking"
          variant="danger"
          busy={cancel.isPending}
          onPress={() => cancel.mutate(booking.id, { onSuccess: () => setAsking(false) })}
          style={styles.action}
          testID="confirm-cancel"
        />
      </View>
    </View>
  );
}

const styles = StyleSheet.create({
  panel: { borderWidth: 1, borderColor: colors.danger, borderRadius: radius.md, padding: space.lg, gap: space.md, backgroundColor: colors.surface },
  title: { fontSize: font.large, fontWeight: '700', color: colors.text },
  body: { fontSize: font.body, color: colors.text },
  actions: { flexDirection: 'row', gap: space.md, flexWrap: 'wrap' },
  action: { flexGrow: 1 },
});
