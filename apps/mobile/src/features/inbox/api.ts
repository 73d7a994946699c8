import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { Notification, NotificationPage } from '@eventify/contracts';
import { api } from '@/api/client';
import { useSession } from '@/features/auth/session';

export const inboxKeys = { all: ['inbox'] as const, list: ['inbox', 'list'] as const, unread: ['inbox', 'unread'] as const };

export function useInbox() {
  return useInfiniteQuery({
    queryKey: inboxKeys.list,
    queryFn: ({ pageParam, signal }) => api.get<NotificationPage>('/notifications', { query: { cursor: pageParam, limit: 20 }, signal }),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.nextCursor,
  });
}

/** How many notifications are unread, for the tab's badge; checked every half minute while signed in. */
export function useUnreadCount(): number {
  const { status } = useSession();
  const unread = useQuery({
    queryKey: inboxKeys.unread,
    queryFn: ({ signal }) => api.get<NotificationPage>('/notifications', { query: { unread: 'true', limit: 1 }, signal }),
    enabled: status === 'signedIn',
    refetchInterval: 30_000,
  });
  return status === 'signedIn' ? (unread.data?.unreadCount ?? 0) : 0;
}

export function useMarkRead() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => api.post<Notification>(`/notifications/${encodeURIComponent(id)}/read`),
    onSuccess: () => void client.invalidateQueries({ queryKey: inboxKeys.all }),
  });
}

export function useMarkAllRead() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: () => api.post('/notifications/read-all'),
    onSuccess: () => void client.invalidateQueries({ queryKey: inboxKeys.all }),
  });
}

/** Where tapping a notification takes the person: what it is about. */
export function targetOf(notification: Pick<Notification, 'kind' | 'data'>): string | null {
  const { bookingId, eventId } = notification.data;
  if (notification.kind === 'tickets_issued')
    return typeof bookingId === 'string' ? `/tickets?bookingId=${encodeURIComponent(bookingId)}` : '/tickets';
  if (typeof bookingId === 'string') return `/bookings/${encodeURIComponent(bookingId)}`;
  if (typeof eventId === 'string') return `/events/${encodeURIComponent(eventId)}`;
  return null;
}
