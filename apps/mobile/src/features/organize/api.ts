import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { EntryStats, EventInput, EventPatch, OwnedEvent, Page, Payment, StaffList } from '@eventify/contracts';
import { api, newIdempotencyKey } from '@/api/client';

export const organizeKeys = {
  all: ['organize'] as const,
  mine: ['organize', 'mine'] as const,
  event: (id: string) => ['organize', 'event', id] as const,
  staff: (id: string) => ['organize', 'staff', id] as const,
  stats: (id: string) => ['organize', 'stats', id] as const,
  payments: (id: string) => ['organize', 'payments', id] as const,
};

const path = (id: string) => `/events/${encodeURIComponent(id)}`;

export function useMyEvents() {
  return useInfiniteQuery({
    queryKey: organizeKeys.mine,
    queryFn: ({ pageParam, signal }) => api.get<Page<OwnedEvent>>('/events/mine', { query: { cursor: pageParam, limit: 50 }, signal }),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.nextCursor,
  });
}

export function useOwnedEvent(id: string | undefined) {
  return useQuery({
    queryKey: organizeKeys.event(id ?? ''),
    queryFn: ({ signal }) => api.get<OwnedEvent>(path(id!), { signal }),
    enabled: !!id,
  });
}

/** After any change to an event: the list and the event itself are asked again. */
function useEventChange<TArgs>(change: (args: TArgs) => Promise<OwnedEvent>) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: change,
    onSuccess: (event) => {
      client.setQueryData(organizeKeys.event(event.id), event);
      void client.invalidateQueries({ queryKey: organizeKeys.mine });
      void client.invalidateQueries({ queryKey: ['events'] });
    },
  });
}

export const useCreateEvent = () => useEventChange((input: EventInput) => api.post<OwnedEvent>('/events', input));
export const useUpdateEvent = (id: string) => useEventChange((patch: EventPatch) => api.patch<OwnedEvent>(path(id), patch));
export const useSubmitEvent = (id: string) => useEventChange(() => api.post<OwnedEvent>(`${path(id)}/submit`));
export const useCancelEvent = (id: string) =>
  useEventChange((reason: string) => api.post<OwnedEvent>(`${path(id)}/cancel`, reason ? { reason } : {}));

export function useStaff(id: string) {
  return useQuery({ queryKey: organizeKeys.staff(id), queryFn: ({ signal }) => api.get<StaffList>(`${path(id)}/staff`, { signal }) });
}

export function useStaffChange(id: string) {
  const client = useQueryClient();
  const onSuccess = (list: StaffList) => client.setQueryData(organizeKeys.staff(id), list);
  return {
    add: useMutation({ mutationFn: (email: string) => api.post<StaffList>(`${path(id)}/staff`, { email }), onSuccess }),
    remove: useMutation({
      mutationFn: (email: string) => api.delete<StaffList>(`${path(id)}/staff/${encodeURIComponent(email)}`),
      onSuccess,
    }),
  };
}

/** Sold and checked in, by tier and gate: refreshes by itself every few seconds while on screen. */
export function useEntryStats(id: string, live: boolean) {
  return useQuery({
    queryKey: organizeKeys.stats(id),
    queryFn: ({ signal }) => api.get<EntryStats>(`/entry/events/${encodeURIComponent(id)}/stats`, { signal }),
    refetchInterval: live ? 5_000 : false,
  });
}

export function useEventPayments(eventId: string) {
  return useInfiniteQuery({
    queryKey: organizeKeys.payments(eventId),
    queryFn: ({ pageParam, signal }) => api.get<Page<Payment>>('/payments', { query: { eventId, cursor: pageParam, limit: 50 }, signal }),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.nextCursor,
  });
}

/** Refund a payment in full (no amount) or in part; one Idempotency-Key per intention, so a retry refunds once. */
export function useRefund(eventId: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: ({ paymentId, amount, key }: { paymentId: string; amount?: number; key: string }) =>
      api.post<Payment>(`/payments/${encodeURIComponent(paymentId)}/refund`, amount ? { amount } : {}, { idempotencyKey: key }),
    onSuccess: () => void client.invalidateQueries({ queryKey: organizeKeys.payments(eventId) }),
  });
}

export { newIdempotencyKey };

export const STATUS_LABELS: Record<OwnedEvent['status'], string> = {
  draft: 'Draft',
  pending_review: 'In review',
  rejected: 'Sent back',
  published: 'Published',
  cancelled: 'Cancelled',
};
