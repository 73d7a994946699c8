import { useInfiniteQuery, useQuery } from '@tanstack/react-query';
import type { EventCategory, Page, PublicEvent } from '@eventify/contracts';
import { api } from '@/api/client';

export interface EventFilters {
  q?: string;
  category?: EventCategory;
  city?: string;
  /** ISO 8601 date-times. */
  from?: string;
  to?: string;
}

export const eventKeys = {
  all: ['events'] as const,
  search: (filters: EventFilters) => ['events', 'search', filters] as const,
  one: (id: string) => ['events', 'one', id] as const,
};

const PAGE_SIZE = 20;

/** Published events matching the filters, a page at a time with the API's cursor. */
export function useEventSearch(filters: EventFilters) {
  return useInfiniteQuery({
    queryKey: eventKeys.search(filters),
    queryFn: ({ pageParam, signal }) =>
      api.get<Page<PublicEvent>>('/events', { query: { ...filters, cursor: pageParam, limit: PAGE_SIZE }, signal }),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.nextCursor,
  });
}

export function useEvent(id: string | undefined) {
  return useQuery({
    queryKey: eventKeys.one(id ?? ''),
    queryFn: ({ signal }) => api.get<PublicEvent>(`/events/${encodeURIComponent(id!)}`, { signal }),
    enabled: !!id,
  });
}

export function lowestPrice(event: PublicEvent): { price: number; currency: string } | null {
  const cheapest = [...event.tiers].sort((a, b) => a.price - b.price)[0];
  return cheapest ? { price: cheapest.price, currency: cheapest.currency } : null;
}

export function isSoldOut(event: PublicEvent): boolean {
  return event.tiers.length > 0 && event.tiers.every((tier) => tier.available === 0);
}
