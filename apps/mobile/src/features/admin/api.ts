import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { Page, Profile, Review, Role } from '@eventify/contracts';
import { api } from '@/api/client';

export const adminKeys = {
  queue: ['admin', 'queue'] as const,
  review: (id: string) => ['admin', 'review', id] as const,
  users: (q: string) => ['admin', 'users', q] as const,
};

export function useReviewQueue() {
  return useInfiniteQuery({
    queryKey: adminKeys.queue,
    queryFn: ({ pageParam, signal }) =>
      api.get<Page<Review>>('/approvals', { query: { status: 'pending', cursor: pageParam, limit: 50 }, signal }),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.nextCursor,
  });
}

export function useReview(id: string | undefined) {
  return useQuery({
    queryKey: adminKeys.review(id ?? ''),
    queryFn: ({ signal }) => api.get<Review>(`/approvals/${encodeURIComponent(id!)}`, { signal }),
    enabled: !!id,
  });
}

export function useDecide(id: string) {
  const client = useQueryClient();
  const onSuccess = (review: Review) => {
    client.setQueryData(adminKeys.review(id), review);
    void client.invalidateQueries({ queryKey: adminKeys.queue });
  };
  return {
    approve: useMutation({ mutationFn: () => api.post<Review>(`/approvals/${encodeURIComponent(id)}/approve`), onSuccess }),
    reject: useMutation({
      mutationFn: (reason: string) => api.post<Review>(`/approvals/${encodeURIComponent(id)}/reject`, { reason }),
      onSuccess,
    }),
  };
}

export function useUsers(q: string) {
  return useInfiniteQuery({
    queryKey: adminKeys.users(q),
    queryFn: ({ pageParam, signal }) => api.get<Page<Profile>>('/users', { query: { q, cursor: pageParam, limit: 30 }, signal }),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.nextCursor,
  });
}

export function useSetRoles() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: ({ userId, roles }: { userId: string; roles: Role[] }) =>
      api.patch<Profile>(`/users/${encodeURIComponent(userId)}/roles`, { roles }),
    onSuccess: () => void client.invalidateQueries({ queryKey: ['admin', 'users'] }),
  });
}

export const ROLE_LABELS: Record<Role, string> = { attendee: 'Attendee', organizer: 'Organizer', staff: 'Door staff', admin: 'Admin' };
