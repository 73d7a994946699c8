import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { NotificationKind, NotificationPreferences, Profile } from '@eventify/contracts';
import { api } from '@/api/client';

export const profileKeys = { me: ['profile', 'me'] as const, preferences: ['profile', 'preferences'] as const };

export function useProfile() {
  return useQuery({ queryKey: profileKeys.me, queryFn: ({ signal }) => api.get<Profile>('/users/me', { signal }) });
}

export function useUpdateProfile() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (changes: { name?: string; city?: string | null }) => api.patch<Profile>('/users/me', changes),
    onSuccess: (profile) => client.setQueryData(profileKeys.me, profile),
  });
}

export function usePreferences() {
  return useQuery({
    queryKey: profileKeys.preferences,
    queryFn: ({ signal }) => api.get<NotificationPreferences>('/notifications/preferences', { signal }),
  });
}

export type ChannelChange = { kind: NotificationKind; channel: 'email' | 'push'; on: boolean };

/** One switch flipped: shown at once, undone if the server refuses. */
export function useSetChannel() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: ({ kind, channel, on }: ChannelChange) =>
      api.put<NotificationPreferences>('/notifications/preferences', { kinds: { [kind]: { [channel]: on } } }),
    onMutate: async ({ kind, channel, on }) => {
      await client.cancelQueries({ queryKey: profileKeys.preferences });
      const before = client.getQueryData<NotificationPreferences>(profileKeys.preferences);
      if (before) {
        client.setQueryData<NotificationPreferences>(profileKeys.preferences, {
          kinds: { ...before.kinds, [kind]: { ...before.kinds[kind], [channel]: on } },
        });
      }
      return { before };
    },
    onError: (_error, _change, context) => {
      if (context?.before) client.setQueryData(profileKeys.preferences, context.before);
    },
    onSuccess: (preferences) => client.setQueryData(profileKeys.preferences, preferences),
  });
}

export const KIND_LABELS: Record<NotificationKind, string> = {
  welcome: 'Welcome',
  password_reset: 'Password reset',
  event_approved: 'Event approved',
  event_rejected: 'Event sent back',
  event_cancelled: 'Event cancelled',
  booking_confirmed: 'Booking confirmed',
  booking_cancelled: 'Booking cancelled',
  booking_expired: 'Hold expired',
  payment_failed: 'Payment declined',
  payment_refunded: 'Refund',
  tickets_issued: 'Tickets ready',
  event_changed: 'Event changed',
  staff_added: 'Door staff',
};
