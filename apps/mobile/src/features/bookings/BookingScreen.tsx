import { Stack, useLocalSearchParams, useRouter } from 'expo-router';
import { useCallback, useState } from 'react';
import { StyleSheet, Text, View } from 'react-native';
import type { Booking } from '@eventify/contracts';
import { useEvent } from '@/features/events/api';
import { PaymentStep } from '@/features/payments/PaymentStep';
import { useNow } from '@/hooks/useNow';
import { Button } from '@/ui/Button';
import { Badge, Card, SectionTitle } from '@/ui/Card';
import { formatEventDate, formatMoney, formatMoment } from '@/ui/format';
import { Screen } from '@/ui/Screen';
import { ErrorState, Loading, Notice } from '@/ui/States';
import { colors, font, space } from '@/ui/theme';
import { STATUS_LABELS, useBooking } from './api';
import { CancelBooking } from './CancelBooking';
import { HoldCountdown } from './HoldCountdown';

/** How long to wait for Stripe's webhook before saying it is taking longer than usual. */
const CONFIRMATION_PATIENCE_MS = 60_000;

export function BookingScreen() {
  const { id } = useLocalSearchParams<{ id: string }>();
  // Stripe took the payment at `at`; the booking had `errorBefore` as its last payment error then.
  const [paid, setPaid] = useState<{ at: number; errorBefore: string | null } | null>(null);
  const booking = useBooking(id, paid !== null);
  const status = booking.data?.status;
  // Waiting ends when the booking moves on, or when a new payment failure arrives (declined after the sheet closed).
  const waiting = paid !== null && status === 'pending_payment' && booking.data?.lastPaymentError === paid.errorBefore;
  const now = useNow(waiting);

  if (booking.isPending) return <Loading label="Loading your booking…" />;
  if (booking.isError) return <ErrorState error={booking.error} onRetry={() => void booking.refetch()} title="Your booking did not load" />;
  const slow = waiting && now.getTime() - paid.at > CONFIRMATION_PATIENCE_MS;
  return (
    <BookingDetails
      booking={booking.data}
      waiting={waiting}
      slow={slow}
      onPaid={() => setPaid({ at: Date.now(), errorBefore: booking.data.lastPaymentError })}
      onRefresh={() => void booking.refetch()}
      refreshing={booking.isRefetching && !waiting}
    />
  );
}

const statusTone = { confirmed: 'success', pending_payment: 'warning', reserving: 'warning' } as const;

function BookingDetails({
  booking,
  waiting,
  slow,
  onPaid,
  onRefresh,
  refreshing,
}: {
  booking: Booking;
  waiting: boolean;
  slow: boolean;
  onPaid: () => void;
  onRefresh: () => void;
  refreshing: boolean;
}) {
  const router = useRouter();
  const event = useEvent(booking.eventId);
  const [holdOver, setHoldOver] = useState(false);
  const endHold = useCallback(() => setHoldOver(true), []);
  const amount = booking.amount === 0 ? 'Free' : formatMoney(booking.amount, booking.currency);
  const tone = statusTone[booking.status as keyof typeof statusTone] ?? 'danger';

  return (
    <Screen onRefresh={onRefresh} refreshing={refreshing}>
      <Stack.Screen options={{ title: 'Your booking' }} />
      <View style={styles.heading}>
        <Text style={styles.title} role="heading" aria-level={1}>
          {event.data?.title ?? 'Your booking'}
        </Text>
        {event.data ? (
          <Text style={styles.muted}>
            {formatEventDate(event.data.startsAt, event.data.timeZone)} · {event.data.venue.city}
          </Text>
        ) : null}
        <View testID="booking-status" aria-label={`Status: ${STATUS_LABELS[booking.status]}`}>
          <Badge label={STATUS_LABELS[booking.status]} tone={tone} />
        </View>
      </View>

      <Card>
        {booking.items.map((item) => (
          <View key={item.tierId} style={styles.line}>
            <Text style={styles.value}>
              {item.quantity} × {item.tierName}
            </Text>
            <Text style={styles.value}>{item.unitPrice === 0 ? 'Free' : formatMoney(item.unitPrice * item.quantity, item.currency)}</Text>
          </View>
        ))}
        <View style={[styles.line, styles.totalLine]}>
          <Text style={styles.total}>Total</Text>
          <Text style={styles.total}>{amount}</Text>
        </View>
      </Card>

      {booking.status === 'pending_payment' && !waiting ? (
        <>
          {booking.expiresAt ? <HoldCountdown expiresAt={booking.expiresAt} onExpired={endHold} /> : null}
          {holdOver ? null : (
            <>
              <SectionTitle>Pay</SectionTitle>
              <PaymentStep bookingId={booking.id} amountLabel={amount} lastError={booking.lastPaymentError} onPaid={onPaid} />
            </>
          )}
        </>
      ) : null}

      {waiting ? (
        <Notice tone={slow ? 'warning' : 'info'} testID="awaiting-confirmation">
          {slow
            ? 'Your payment went through, but confirming the booking is taking longer than usual. You will get a notification as soon as it is confirmed.'
            : 'Payment received. Confirming your booking…'}
        </Notice>
      ) : null}

      {booking.status === 'confirmed' ? (
        <>
          <Notice tone="success">
            {`You're going! Confirmed ${booking.confirmedAt ? formatMoment(booking.confirmedAt) : ''}. One ticket per seat, each with its own QR code.`}
          </Notice>
          <Button
            label="See your tickets"
            onPress={() => router.push({ pathname: '/tickets', params: { bookingId: booking.id } })}
            testID="see-tickets"
          />
        </>
      ) : null}

      {booking.status === 'cancelled' || booking.status === 'expired' ? <EndedNotice booking={booking} /> : null}

      <CancelBooking booking={booking} />
    </Screen>
  );
}

function EndedNotice({ booking }: { booking: Booking }) {
  if (booking.status === 'expired')
    return <Notice tone="warning">The hold ran out before payment, so nothing was charged and the seats went back on sale.</Notice>;
  const refund = booking.refund;
  const money = refund && refund.amount > 0 ? formatMoney(refund.amount, booking.currency) : null;
  const text =
    refund?.status === 'refunded'
      ? `Cancelled. ${money} was refunded${refund.at ? ` on ${formatMoment(refund.at)}` : ''}.`
      : refund?.status === 'requested'
        ? `Cancelled. A refund of ${money} is on its way to your card.`
        : booking.cancelReason === 'event_cancelled'
          ? 'Cancelled, because the organizer cancelled the event.'
          : 'Cancelled. No refund was due.';
  return <Notice tone="warning">{text}</Notice>;
}

const styles = StyleSheet.create({
  heading: { gap: space.xs },
  title: { fontSize: font.title, fontWeight: '800', color: colors.text },
  muted: { fontSize: font.small, color: colors.muted },
  line: { flexDirection: 'row', justifyContent: 'space-between', gap: space.md },
  totalLine: { borderTopWidth: 1, borderTopColor: colors.border, paddingTop: space.sm, marginTop: space.xs },
  value: { fontSize: font.body, color: colors.text },
  total: { fontSize: font.large, fontWeight: '700', color: colors.text },
});
