import { Link, useRouter } from 'expo-router';
import { useMemo, useState } from 'react';
import { FlatList, Pressable, RefreshControl, ScrollView, StyleSheet, Text, View } from 'react-native';
import type { EventStatus, OwnedEvent } from '@eventify/contracts';
import { Button } from '@/ui/Button';
import { Badge } from '@/ui/Card';
import { Chip } from '@/ui/Chip';
import { formatEventDate } from '@/ui/format';
import { EmptyState, ErrorState, Loading } from '@/ui/States';
import { colors, font, MAX_CONTENT_WIDTH, radius, space } from '@/ui/theme';
import { STATUS_LABELS, useMyEvents } from './api';

const TONES: Record<EventStatus, 'neutral' | 'warning' | 'danger' | 'success'> = {
  draft: 'neutral',
  pending_review: 'warning',
  rejected: 'danger',
  published: 'success',
  cancelled: 'neutral',
};

function EventRow({ event }: { event: OwnedEvent }) {
  return (
    <Link href={`/organize/${event.id}`} asChild>
      <Pressable role="link" aria-label={`${event.title}, ${STATUS_LABELS[event.status]}`} style={styles.row} testID="my-event">
        <View style={styles.rowText}>
          <Text style={styles.title}>{event.title}</Text>
          <Text style={styles.muted}>
            {formatEventDate(event.startsAt, event.timeZone)} · {event.venue.city}
          </Text>
          {event.status === 'rejected' && event.rejection ? <Text style={styles.reason}>{`Sent back: ${event.rejection.reason}`}</Text> : null}
        </View>
        <Badge label={STATUS_LABELS[event.status]} tone={TONES[event.status]} />
      </Pressable>
    </Link>
  );
}

/** The organizer's events, by state: drafts, in review, sent back with the reviewer's reason, published, cancelled. */
export function MyEventsScreen() {
  const router = useRouter();
  const mine = useMyEvents();
  const [status, setStatus] = useState<EventStatus | null>(null);
  const all = useMemo(() => mine.data?.pages.flatMap((page) => page.items) ?? [], [mine.data]);
  const shown = status ? all.filter((e) => e.status === status) : all;
  if (mine.isPending) return <Loading label="Loading your events…" />;
  if (mine.isError) return <ErrorState error={mine.error} onRetry={() => void mine.refetch()} title="Your events did not load" />;
  return (
    <FlatList
      style={styles.list}
      contentContainerStyle={styles.content}
      data={shown}
      keyExtractor={(e) => e.id}
      renderItem={({ item }) => <EventRow event={item} />}
      ListHeaderComponent={
        <View style={styles.header}>
          <Button label="Create an event" onPress={() => router.push('/organize/new')} testID="new-event" />
          <ScrollView horizontal contentContainerStyle={styles.chips} role="radiogroup" aria-label="Show events" showsHorizontalScrollIndicator={false}>
            <Chip label={`All (${all.length})`} selected={status === null} onPress={() => setStatus(null)} />
            {(Object.keys(STATUS_LABELS) as EventStatus[]).map((s) => (
              <Chip key={s} label={`${STATUS_LABELS[s]} (${all.filter((e) => e.status === s).length})`} selected={status === s} onPress={() => setStatus(s)} />
            ))}
          </ScrollView>
        </View>
      }
      ListEmptyComponent={<EmptyState title={status ? `No events ${STATUS_LABELS[status].toLowerCase()}` : 'No events yet'} body="Create one: it starts as a draft only you can see." />}
      onEndReached={() => {
        if (mine.hasNextPage && !mine.isFetchingNextPage) void mine.fetchNextPage();
      }}
      refreshControl={<RefreshControl refreshing={mine.isRefetching} onRefresh={() => void mine.refetch()} />}
    />
  );
}

const styles = StyleSheet.create({
  list: { flex: 1, backgroundColor: colors.background },
  content: { padding: space.lg, gap: space.md, width: '100%', maxWidth: MAX_CONTENT_WIDTH, alignSelf: 'center' },
  header: { gap: space.md, marginBottom: space.sm },
  chips: { gap: space.sm },
  row: { flexDirection: 'row', alignItems: 'center', gap: space.md, backgroundColor: colors.surface, padding: space.lg, borderRadius: radius.lg, borderWidth: 1, borderColor: colors.border },
  rowText: { flex: 1, gap: 2 },
  title: { fontSize: font.body, fontWeight: '700', color: colors.text },
  muted: { fontSize: font.small, color: colors.muted },
  reason: { fontSize: font.small, color: colors.danger },
});
