import { Link } from 'expo-router';
import { useMemo } from 'react';
import { FlatList, Pressable, RefreshControl, StyleSheet, Text, View } from 'react-native';
import type { PublicEvent } from '@eventify/contracts';
import { formatEventDate } from '@/ui/format';
import { EmptyState, ErrorState, Loading } from '@/ui/States';
import { colors, font, MAX_CONTENT_WIDTH, radius, space } from '@/ui/theme';
import { useStaffedEvents } from './api';

function DoorEventRow({ event }: { event: PublicEvent }) {
  return (
    <Link href={{ pathname: '/door/[eventId]', params: { eventId: event.id, title: event.title } }} asChild>
      <Pressable role="link" aria-label={`Scan tickets for ${event.title}`} style={styles.row} testID="door-event">
        <View style={styles.rowText}>
          <Text style={styles.title}>{event.title}</Text>
          <Text style={styles.muted}>
            {formatEventDate(event.startsAt, event.timeZone)} · {event.venue.name}
          </Text>
        </View>
      </Pressable>
    </Link>
  );
}

/** The events this person scans for: pick one to open its scanner. */
export function DoorEventsScreen() {
  const events = useStaffedEvents();
  const items = useMemo(() => events.data?.pages.flatMap((p) => p.items) ?? [], [events.data]);
  if (events.isPending) return <Loading label="Loading your events…" />;
  if (events.isError) return <ErrorState error={events.error} onRetry={() => void events.refetch()} title="Your events did not load" />;
  return (
    <FlatList
      style={styles.list}
      contentContainerStyle={styles.content}
      data={items}
      keyExtractor={(e) => e.id}
      renderItem={({ item }) => <DoorEventRow event={item} />}
      ListEmptyComponent={<EmptyState title="No events to scan for" body="An organizer names you door staff of their event by your e-mail address." />}
      refreshControl={<RefreshControl refreshing={events.isRefetching} onRefresh={() => void events.refetch()} />}
    />
  );
}

const styles = StyleSheet.create({
  list: { flex: 1, backgroundColor: colors.background },
  content: { padding: space.lg, gap: space.md, width: '100%', maxWidth: MAX_CONTENT_WIDTH, alignSelf: 'center' },
  row: { backgroundColor: colors.surface, padding: space.lg, borderRadius: radius.lg, borderWidth: 1, borderColor: colors.border },
  rowText: { gap: 2 },
  title: { fontSize: font.body, fontWeight: '700', color: colors.text },
  muted: { fontSize: font.small, color: colors.muted },
});
