import { useInfiniteQuery } from '@tanstack/react-query';
import type { DoorKit, OfflineCheckInResult, OfflineCheckIns, Page, PublicEvent, ScanAnswer } from '@eventify/contracts';
import { api } from '@/api/client';

/** Events the person may scan for: those they are door staff of, and their own. */
export function useStaffedEvents(enabled = true) {
  return useInfiniteQuery({
    enabled,
    queryKey: ['door', 'events'],
    queryFn: ({ pageParam, signal }) => api.get<Page<PublicEvent>>('/events/staffed', { query: { cursor: pageParam, limit: 50 }, signal }),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.nextCursor,
  });
}

const entry = (eventId: string) => `/entry/events/${encodeURIComponent(eventId)}`;

export const doorApi = {
  // At the door a slow answer is as bad as none: after 4 s the scanner decides from its kit.
  scan: (body: { qr: string; gate: string; eventId: string; scannerId: string }) =>
    api.post<ScanAnswer>('/entry/scan', body, { timeoutMs: 4_000 }),
  kit: (eventId: string) => api.get<DoorKit>(`${entry(eventId)}/door-kit`),
  upload: (eventId: string, body: OfflineCheckIns) => api.post<OfflineCheckInResult>(`${entry(eventId)}/check-ins`, body),
};
