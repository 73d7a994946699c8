import { Link } from 'expo-router';
import { useMemo } from 'react';
import { FlatList, Pressable, RefreshControl, StyleSheet, Text, View } from 'react-native';
import type { Review } from '@eventify/contracts';
import { formatEventDate, formatMoment } from '@/ui/format';
import { EmptyState, ErrorState, Loading } from '@/ui/States';
import { colors, font, MAX_CONTENT_WIDTH, radius, space } from '@/ui/theme';
import { useReviewQueue } from './api';
import { previewOf } from './review-preview';

function ReviewRow({ review }: { review: Review }) {
  const { content } = previewOf(review);
  return (
    <Link href={`/admin/reviews/${review.id}`} asChild>
      <Pressable role="link" aria-label={`Review ${content.title}, submitted ${formatMoment(review.submittedAt)}`} style={styles.row} testID="review-row">
        <View style={styles.rowText}>
          <Text style={styles.title}>{content.title}</Text>
          <Text style={styles.muted}>
            {formatEventDate(content.startsAt, content.timeZone)} · {content.venue.city}
          </Text>
          <Text style={styles.muted}>Submitted {formatMoment(review.submittedAt)}</Text>
        </View>
      </Pressable>
    </Link>
  );
}

/** Events waiting for a decision, oldest first as the API gives them. */
export function ReviewQueueScreen() {
  const queue = useReviewQueue();
  const items = useMemo(() => queue.data?.pages.flatMap((p) => p.items) ?? [], [queue.data]);
  if (queue.isPending) return <Loading label="Loading the review queue…" />;
  if (queue.isError) return <ErrorState error={queue.error} onRetry={() => void queue.refetch()} title="The review queue did not load" />;
  return (
    <FlatList
      style={styles.list}
      contentContainerStyle={styles.content}
      data={items}
      keyExtractor={(r) => r.id}
      renderItem={({ item }) => <ReviewRow review={item} />}
      ListEmptyComponent={<EmptyState title="Nothing to review" body="Submitted events appear here." />}
      onEndReached={() => {
        if (queue.hasNextPage && !queue.isFetchingNextPage) void queue.fetchNextPage();
      }}
      refreshControl={<RefreshControl refreshing={queue.isRefetching} onRefresh={() => void queue.refetch()} />}
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
