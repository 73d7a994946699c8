import { useMemo, useState, type ReactElement } from 'react';
import { FlatList, RefreshControl, StyleSheet, Text, useWindowDimensions, View } from 'react-native';
import type { PublicEvent } from '@eventify/contracts';
import { useDebounced } from '@/hooks/useDebounced';
import { Button } from '@/ui/Button';
import { EmptyState, ErrorState, Loading, Notice } from '@/ui/States';
import { describeError } from '@/api/errors';
import { colors, font, MAX_CONTENT_WIDTH, space } from '@/ui/theme';
import { useEventSearch, type EventFilters } from './api';
import { rangeOf } from './date-ranges';
import { EventCard } from './EventCard';
import { NO_FILTERS, SearchFilters, type FilterState } from './SearchFilters';

/** Discover: search and filter published events; the list pages with the API's cursor and pulls to refresh. */
export function DiscoverScreen() {
  const [filters, setFilters] = useState<FilterState>(NO_FILTERS);
  const q = useDebounced(filters.q.trim());
  const city = useDebounced(filters.city.trim());
  const custom = useDebounced(filters.custom, 500);
  // "now" is taken when the range is chosen, so the query stays the same between renders.
  const range = useMemo(() => rangeOf(filters.range, new Date(), custom), [filters.range, custom]);
  const apiFilters: EventFilters = useMemo(
    () => ({
      q: q || undefined,
      city: city || undefined,
      category: filters.category ?? undefined,
      ...('from' in range || 'to' in range ? { from: range.from, to: range.to } : {}),
    }),
    [q, city, filters.category, range],
  );
  const search = useEventSearch(apiFilters);
  const events = useMemo(() => search.data?.pages.flatMap((page) => page.items) ?? [], [search.data]);
  const { width } = useWindowDimensions();
  const columns = width >= 900 ? 2 : 1;
  const filtered = apiFilters.q || apiFilters.city || apiFilters.category || filters.range !== 'any';

  const header = (
    <View style={styles.header}>
      <Text style={styles.title} role="heading" aria-level={1}>
        Discover events
      </Text>
      <SearchFilters value={filters} onChange={setFilters} rangeError={range.error} />
    </View>
  );

  let body: ReactElement | null = null;
  if (search.isPending) body = <Loading label="Finding events…" />;
  else if (search.isError) body = <ErrorState error={search.error} onRetry={() => void search.refetch()} title="Events did not load" />;
  else if (events.length === 0)
    body = filtered ? (
      <EmptyState
        title="No events match"
        body="Try other words, another city or a wider date range."
        action={{ label: 'Clear filters', onPress: () => setFilters(NO_FILTERS) }}
      />
    ) : (
      <EmptyState title="No events yet" body="Nothing is on sale right now. Pull down to check again." />
    );

  return (
    <FlatList
      key={columns}
      style={styles.list}
      contentContainerStyle={styles.content}
      data={body ? [] : events}
      keyExtractor={(event: PublicEvent) => event.id}
      numColumns={columns}
      columnWrapperStyle={columns > 1 ? styles.row : undefined}
      renderItem={({ item }) => <EventCard event={item} />}
      ListHeaderComponent={header}
      ListEmptyComponent={body}
      ItemSeparatorComponent={columns === 1 ? Separator : null}
      onEndReachedThreshold={0.5}
      onEndReached={() => {
        if (search.hasNextPage && !search.isFetchingNextPage && !search.isFetchNextPageError) void search.fetchNextPage();
      }}
      refreshControl={
        <RefreshControl refreshing={search.isRefetching && !search.isFetchingNextPage} onRefresh={() => void search.refetch()} />
      }
      ListFooterComponent={
        search.isFetchingNextPage ? (
          <Loading label="Loading more events…" />
        ) : search.isFetchNextPageError ? (
          <View style={styles.footer}>
            <Notice tone="danger">{describeError(search.error)}</Notice>
            <Button label="Load more" variant="secondary" onPress={() => void search.fetchNextPage()} />
          </View>
        ) : search.hasNextPage ? (
          <Button label="Load more" variant="ghost" onPress={() => void search.fetchNextPage()} />
        ) : null
      }
      keyboardShouldPersistTaps="handled"
    />
  );
}

function Separator() {
  return <View style={{ height: space.md }} />;
}

const styles = StyleSheet.create({
  list: { flex: 1, backgroundColor: colors.background },
  content: { padding: space.lg, gap: space.md, width: '100%', maxWidth: MAX_CONTENT_WIDTH * 1.4, alignSelf: 'center' },
  header: { gap: space.lg, marginBottom: space.md },
  title: { fontSize: font.hero, fontWeight: '800', color: colors.text },
  row: { gap: space.md },
  footer: { gap: space.sm, marginTop: space.md },
});
