import type { InfiniteData, UseInfiniteQueryResult } from '@tanstack/react-query';
import { useMemo, type ReactElement } from 'react';
import { FlatList, RefreshControl, StyleSheet } from 'react-native';
import type { Page } from '@eventify/contracts';
import { ErrorState, Loading } from './States';
import { colors, MAX_CONTENT_WIDTH, space } from './theme';

export interface PagedListProps<T> {
  /** A list endpoint's pages (`{items, nextCursor}`), as TanStack Query's useInfiniteQuery gives them. */
  query: UseInfiniteQueryResult<InfiniteData<Page<T>>>;
  keyOf: (item: T) => string;
  renderItem: (item: T) => ReactElement;
  loadingLabel: string;
  errorTitle: string;
  empty: ReactElement;
  header?: ReactElement;
  /** Show only some of what was loaded (a filter chosen on screen). */
  filter?: (item: T) => boolean;
}

/**
 * A list from a paged endpoint, as every list screen shows one: loading, then error (with a way to retry) or the
 * items, more pages fetched near the end, pull to refresh, and words when there is nothing.
 */
export function PagedList<T>({ query, keyOf, renderItem, loadingLabel, errorTitle, empty, header, filter }: PagedListProps<T>) {
  const items = useMemo(() => {
    const all = query.data?.pages.flatMap((page) => page.items) ?? [];
    return filter ? all.filter(filter) : all;
  }, [query.data, filter]);
  if (query.isPending) return <Loading label={loadingLabel} />;
  if (query.isError) return <ErrorState error={query.error} onRetry={() => void query.refetch()} title={errorTitle} />;
  return (
    <FlatList
      style={styles.list}
      contentContainerStyle={styles.content}
      data={items}
      keyExtractor={keyOf}
      renderItem={({ item }) => renderItem(item)}
      ListHeaderComponent={header}
      ListEmptyComponent={empty}
      onEndReached={() => {
        if (query.hasNextPage && !query.isFetchingNextPage) void query.fetchNextPage();
      }}
      refreshControl={
        <RefreshControl refreshing={query.isRefetching && !query.isFetchingNextPage} onRefresh={() => void query.refetch()} />
      }
      keyboardShouldPersistTaps="handled"
    />
  );
}

const styles = StyleSheet.create({
  list: { flex: 1, backgroundColor: colors.background },
  content: { padding: space.lg, gap: space.md, width: '100%', maxWidth: MAX_CONTENT_WIDTH, alignSelf: 'center' },
});
