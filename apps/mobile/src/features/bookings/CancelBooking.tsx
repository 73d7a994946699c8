import { useState } from 'react';
import type { Booking } from '@eventify/contracts';
import { Button } from '@/ui/Button';
import { ConfirmPanel } from '@/ui/ConfirmPanel';
import { useCancelBooking } from './api';

/** Cancel, after saying what it means by the refund policy (refund in full, or none) and asking to confirm. */
export function CancelBooking({ booking }: { booking: Booking }) {
  const [asking, setAsking] = useState(false);
  const cancel = useCancelBooking();
  const terms = booking.cancellation;
  if (!terms) return null;
  if (!asking) return <Button label="Cancel booking" variant="secondary" onPress={() => setAsking(true)} testID="cancel-booking" />;
  return (
    <ConfirmPanel
      title="Cancel this booking?"
      body={terms.detail}
      confirmLabel="Yes, cancel"
      confirmAccessibilityLabel="Yes, cancel this booking"
      keepLabel="Keep booking"
      busy={cancel.isPending}
      error={cancel.error}
      onKeep={() => setAsking(false)}
      onConfirm={() => cancel.mutate(booking.id, { onSuccess: () => setAsking(false) })}
    />
  );
}
