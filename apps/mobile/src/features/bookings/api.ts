import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { Booking, Page } from '@eventify/contracts';
import { api } from '@/api/client';
import { eventKeys } from '@/features/events/api';

export const bookingKeys = {
  all: ['bookings'] as const,
  list: ['bookings', 'list'] as const,
  one: (id: string) => ['bookings', 'one', id] as const,
};

export interface BookingRequest {
  eventId: string;
  items: { tierId: string; quantity: number }[];
}

export function useBookings(enabled = true) {
  return useInfiniteQuery({
    queryKey: bookingKeys.list,
    queryFn: ({ pageParam, signal }) => api.get<Page<Booking>>('/bookings', { query: { cursor: pageParam, limit: 20 }, signal }),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.nextCursor,
    enabled,
  });
}

/** One booking; `watchPayment` polls it every second while it still awaits the payment's webhook. */
export function useBooking(id: string | undefined, watchPayment = false) {
  return useQuery({
    queryKey: bookingKeys.one(id ?? ''),
    queryFn: ({ signal }) => api.get<Booking>(`/bookings/${encodeURIComponent(id!)}`, { signal }),
    enabled: !!id,
    refetchInterval: (query) => (watchPayment && query.state.data?.status === 'pending_payment' ? 1_000 : false),
  });
}

/**
 * Book. The Idempotency-Key names this one intention: a double tap or a retry after a lost answer sends the
 * same key, and the server answers with the same booking instead of making a second one.
 */
export function useCreateBooking() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: ({ request, idempotencyKey }: { request: BookingRequest; idempotencyKey: string }) =>
      api.post<Booking>('/bookings', request, { idempotencyKey }),
    onSuccess: (booking) => {
      client.setQueryData(bookingKeys.one(booking.id), booking);
      void client.invalidateQueries({ queryKey: bookingKeys.list });
      void client.invalidateQueries({ queryKey: eventKeys.one(booking.eventId) });
    },
  });
}

export function useCancelBooking() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => api.post<Booking>(`/bookings/${encodeURIComponent(id)}/cancel`),
    onSuccess: (booking) => {
      client.setQueryData(bookingKeys.one(booking.id), booking);
      void client.invalidateQueries({ queryKey: bookingKeys.list });
      void client.invalidateQueries({ queryKey: ['tickets'] });
      void client.invalidateQueries({ queryKey: eventKeys.one(booking.eventId) });
    },
  });
}

export const STATUS_LABELS: Record<Booking['status'], string> = {
  reserving: 'Reserving seats',
  pending_payment: 'Awaiting payment',
  confirmed: 'Confirmed',
  cancelled: 'Cancelled',
  expired: 'Expired',
  failed: 'Not booked',
};
