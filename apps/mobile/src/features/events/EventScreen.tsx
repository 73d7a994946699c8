import { Stack, useLocalSearchParams, useRouter } from 'expo-router';
import { useRef, useState } from 'react';
import { StyleSheet, Text, View } from 'react-native';
import type { PublicEvent } from '@eventify/contracts';
import { newIdempotencyKey } from '@/api/client';
import { describeError, isApiError } from '@/api/errors';
import { useSession } from '@/features/auth/session';
import { useCreateBooking } from '@/features/bookings/api';
import { Button } from '@/ui/Button';
import { SectionTitle } from '@/ui/Card';
import { formatMoney } from '@/ui/format';
import { Screen } from '@/ui/Screen';
import { ErrorState, Loading, Notice } from '@/ui/States';
import { colors, font, space } from '@/ui/theme';
import { isSoldOut, useEvent } from './api';
import { EventSummary } from './EventSummary';
import { clampToAvailable, TierPicker, totalOf, type Quantities } from './TierPicker';

/** An event: what, when, where, and its tiers to book. */
export function EventScreen() {
  const { id } = useLocalSearchParams<{ id: string }>();
  const event = useEvent(id);
  return (
    <>
      <Stack.Screen options={{ title: event.data?.title ?? 'Event', headerTitle: 'Event' }} />
      {event.isPending ? (
        <Loading label="Loading the event…" />
      ) : event.isError ? (
        <ErrorState
          error={event.error}
          onRetry={() => void event.refetch()}
          title={isApiError(event.error) && event.error.status === 404 ? 'Event not found' : 'The event did not load'}
        />
      ) : (
        <EventDetails event={event.data} onRefresh={() => void event.refetch()} refreshing={event.isRefetching} />
      )}
    </>
  );
}

function EventDetails({ event, onRefresh, refreshing }: { event: PublicEvent; onRefresh: () => void; refreshing: boolean }) {
  const { status } = useSession();
  const router = useRouter();
  const [quantities, setQuantities] = useState<Quantities>({});
  // One key per booking the person means to make: retries and double taps reuse it; a new choice gets a new one.
  const idempotencyKey = useRef(newIdempotencyKey());
  const book = useCreateBooking();
  // Never more than is left: after a sold-out answer the event reloads with fewer seats than were chosen.
  const chosen = clampToAvailable(event.tiers, quantities);
  const total = totalOf(event.tiers, chosen);
  const onSale = event.status === 'published' && event.phase !== 'ended';

  const choose = (next: Quantities) => {
    idempotencyKey.current = newIdempotencyKey();
    book.reset();
    setQuantities(next);
  };

  const submit = () => {
    if (status !== 'signedIn') {
      router.push({ pathname: '/sign-in', params: { next: `/events/${event.id}` } });
      return;
    }
    const items = Object.entries(chosen)
      .filter(([, quantity]) => quantity > 0)
      .map(([tierId, quantity]) => ({ tierId, quantity }));
    book.mutate(
      { request: { eventId: event.id, items }, idempotencyKey: idempotencyKey.current },
      {
        onSuccess: (booking) => {
          idempotencyKey.current = newIdempotencyKey();
          setQuantities({});
          router.push(`/bookings/${booking.id}`);
        },
        onError: (error) => {
          // Seats changed under us: show what is left now.
          if (isApiError(error) && error.status === 409) onRefresh();
        },
      },
    );
  };

  const soldOut = isSoldOut(event);
  const bookError = book.error
    ? isApiError(book.error) && book.error.code === 'sold-out'
      ? `Sold out: ${describeError(book.error)}`
      : describeError(book.error)
    : null;

  return (
    <Screen onRefresh={onRefresh} refreshing={refreshing}>
      <EventSummary event={event} badge={event.status === 'cancelled' ? 'Cancelled' : soldOut ? 'Sold out' : null} />
      <SectionTitle>Tickets</SectionTitle>
      {onSale ? null : (
        <Notice tone="warning">{event.status === 'cancelled' ? 'This event was cancelled.' : 'This event is not on sale.'}</Notice>
      )}
      <TierPicker tiers={event.tiers} quantities={chosen} onChange={choose} disabled={!onSale || book.isPending} />
      {bookError ? (
        <Notice tone="danger" testID="booking-error">
          {bookError}
        </Notice>
      ) : null}
      <View style={styles.total}>
        <Text style={styles.totalText} aria-live="polite">
          {total
            ? `${total.count} ticket${total.count === 1 ? '' : 's'} · ${total.amount === 0 ? 'Free' : formatMoney(total.amount, total.currency)}`
            : 'Choose your tickets'}
        </Text>
        <Button
          label={status === 'signedIn' ? (total && total.amount > 0 ? 'Book and pay' : 'Book') : 'Sign in to book'}
          onPress={submit}
          busy={book.isPending}
          disabled={!onSale || (status === 'signedIn' && !total)}
          testID="book-button"
        />
      </View>
    </Screen>
  );
}

const styles = StyleSheet.create({
  total: { gap: space.sm, marginTop: space.sm },
  totalText: { fontSize: font.large, fontWeight: '700', color: colors.text },
});
