import { useMemo, useRef, useState } from 'react';
import { StyleSheet, Text, View } from 'react-native';
import type { Payment } from '@eventify/contracts';
import { formatPrice, parsePrice } from './event-draft';
import { Button } from '@/ui/Button';
import { Badge, Card } from '@/ui/Card';
import { FormError } from '@/ui/FormError';
import { formatMoment, formatMoney } from '@/ui/format';
import { EmptyState, ErrorState, Loading, Notice } from '@/ui/States';
import { TextField } from '@/ui/TextField';
import { colors, font, space } from '@/ui/theme';
import { newIdempotencyKey, useEventPayments, useRefund } from './api';

const PAID: Payment['status'][] = ['succeeded', 'partially_refunded'];

/** One payment, with a refund in full or of an amount; the refund goes back to the card it came from. */
function PaymentRow({ payment, eventId }: { payment: Payment; eventId: string }) {
  const refund = useRefund(eventId);
  const [open, setOpen] = useState(false);
  const [amount, setAmount] = useState('');
  const key = useRef(newIdempotencyKey());
  const left = payment.amount - payment.amountRefunded;
  const parsed = amount.trim() ? parsePrice(amount, payment.currency) : null;
  const amountError =
    amount.trim() && (parsed === null || parsed < 1 || parsed > left)
      ? `Enter an amount up to ${formatMoney(left, payment.currency)}.`
      : undefined;
  const send = (minorUnits?: number) =>
    refund.mutate(
      { paymentId: payment.id, amount: minorUnits, key: key.current },
      {
        onSuccess: () => {
          key.current = newIdempotencyKey();
          setOpen(false);
          setAmount('');
        },
      },
    );
  return (
    <Card testID="payment">
      <View style={styles.head}>
        <Text style={styles.amount}>{formatMoney(payment.amount, payment.currency)}</Text>
        <Badge label={payment.status.replace('_', ' ')} tone={PAID.includes(payment.status) ? 'success' : 'neutral'} />
      </View>
      <Text style={styles.muted}>
        Booking {payment.bookingId.slice(0, 8)} · {formatMoment(payment.createdAt)}
        {payment.amountRefunded ? ` · ${formatMoney(payment.amountRefunded, payment.currency)} refunded` : ''}
      </Text>
      {PAID.includes(payment.status) && left > 0 ? (
        open ? (
          <View style={styles.refund}>
            <Notice tone="warning">{`A partial refund keeps the booking. Refunding all ${formatMoney(left, payment.currency)} left cancels the booking and its tickets stop working.`}</Notice>
            <TextField
              label="Amount to refund (empty: all of it)"
              value={amount}
              onChangeText={setAmount}
              error={amountError}
              inputMode="decimal"
              placeholder={formatPrice(left, payment.currency)}
            />
            <FormError error={refund.error} />
            <View style={styles.actions}>
              <Button label="Keep" variant="secondary" onPress={() => setOpen(false)} />
              <Button
                label={parsed ? `Refund ${formatMoney(parsed, payment.currency)}` : `Refund ${formatMoney(left, payment.currency)}`}
                variant="danger"
                disabled={!!amountError}
                busy={refund.isPending}
                onPress={() => send(parsed ?? undefined)}
              />
            </View>
          </View>
        ) : (
          <Button
            label="Refund…"
            accessibilityLabel={`Refund the payment of ${formatMoney(payment.amount, payment.currency)}`}
            variant="secondary"
            onPress={() => setOpen(true)}
          />
        )
      ) : null}
    </Card>
  );
}

export function PaymentsSection({ eventId }: { eventId: string }) {
  const payments = useEventPayments(eventId);
  const items = useMemo(() => payments.data?.pages.flatMap((p) => p.items) ?? [], [payments.data]);
  if (payments.isPending) return <Loading label="Loading payments…" />;
  if (payments.isError) return <ErrorState error={payments.error} onRetry={() => void payments.refetch()} title="Payments did not load" />;
  if (items.length === 0) return <EmptyState title="No payments yet" body="Paid bookings appear here, with a way to refund them." />;
  return (
    <View style={styles.list}>
      {items.map((payment) => (
        <PaymentRow key={payment.id} payment={payment} eventId={eventId} />
      ))}
      {payments.hasNextPage ? (
        <Button label="More payments" variant="ghost" busy={payments.isFetchingNextPage} onPress={() => void payments.fetchNextPage()} />
      ) : null}
    </View>
  );
}

const styles = StyleSheet.create({
  list: { gap: space.md },
  head: { flexDirection: 'row', justifyContent: 'space-between', alignItems: 'center' },
  amount: { fontSize: font.large, fontWeight: '700', color: colors.text },
  muted: { fontSize: font.small, color: colors.muted },
  refund: { gap: space.md },
  actions: { flexDirection: 'row', gap: space.md, flexWrap: 'wrap' },
});
