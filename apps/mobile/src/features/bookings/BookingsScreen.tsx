import { Link } from 'expo-router';
import { useMemo } from 'react';
import { FlatList, Pressable, RefreshControl, StyleSheet, Text, View } from 'react-native';
import type { Booking } from '@eventify/contracts';
import { useEvent } from '@/features/events/api';
import { Badge } from '@/ui/Card';
import { formatMoney, formatMoment } from '@/ui/format';
import { EmptyState, ErrorState, Loading } from '@/ui/States';
import { colors, font, MAX_CONTENT_WIDTH, radius, space } from '@/ui/theme';
import { STATUS_LABELS, useBookings } from './api';

function BookingRow({ booking }: { booking: Booking }) {
  const event = useEvent(booking.eventId);
  const seats = booking.items.reduce((sum, item) => sum + item.quantity, 0);
  const title = event.data?.title ?? 'Event';
  const status = STATUS_LABELS[booking.status];
  return (
    <Link href={`/bookings/${booking.id}`} asChild>
      <Pressable role="link" aria-label={`${title}: ${seats} tickets, ${status}`} style={styles.row} testID="booking-row">
        <View style={styles.rowText}>
          <Text style={styles.title}>{title}</Text>
          <Text style={styles.muted}>
            {seats} ticket{seats === 1 ? '' : 's'} · {booking.amount === 0 ? 'Free' : formatMoney(booking.amount, booking.currency)} · booked {formatMoment(booking.createdAt)}
          </Text>
        </View>
        <Badge label={status} tone={booking.status === 'confirmed' ? 'success' : booking.status === 'pending_payment' ? 'warning' : 'neutral'} />
      </Pressable>
    </Link>
  );
}

export function BookingsScreen() {
  const bookings = useBookings();
  const items = useMemo(() => bookings.data?.pages.flatMap((page) => page.items) ?? [], [bookings.data]);
  if (bookings.isPending) return <Loading label="Loading your bookings…" />;
  if (bookings.isError) return <ErrorState error={bookings.error} onRetry={() => void bookings.refetch()} title="Your bookings did not load" />;
  return (
    <FlatList
      style={styles.list}
      contentContainerStyle={styles.content}
      data={items}
      keyExtractor={(b) => b.id}
      renderItem={({ item }) => <BookingRow booking={item} />}
      ListHeaderComponent={
        <Text style={styles.heading} role="heading" aria-level={1}>
          Your bookings
        </Text>
      }
      ListEmptyComponent={<EmptyState title="No bookings yet" body="When you book tickets, they show up here." />}
      onEndReached={() => {
        if (bookings.hasNextPage && !bookings.isFetchingNextPage) void bookings.fetchNextPage();
      }}
      refreshControl={<RefreshControl refreshing={bookings.isRefetching} onRefresh={() => void bookings.refetch()} />}
    />
  );
}

const styles = StyleSheet.create({
  list: { flex: 1, backgroundColor: colors.background },
  content: { padding: space.lg, gap: space.md, width: '100%', maxWidth: MAX_CONTENT_WIDTH, alignSelf: 'center' },
  row: {
    flexDirection: 'row',
    alignItems: 'center',
    gap: space.md,
    backgroundColor: colors.surface,
    padding: space.lg,
    borderRadius: radius.lg,
    borderWidth: 1,
    borderColor: colors.border,
  },
  heading: { fontSize: font.hero, fontWeight: '800', color: colors.text, marginBottom: space.sm },
  rowText: { flex: 1, gap: 2 },
  title: { fontSize: font.body, fontWeight: '700', color: colors.text },
  muted: { fontSize: font.small, color: colors.muted },
});
