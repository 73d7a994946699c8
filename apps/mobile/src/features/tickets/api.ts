import { useQuery } from '@tanstack/react-query';
import type { Page, PublicEvent, Ticket } from '@eventify/contracts';
import { api } from '@/api/client';
import { isApiError } from '@/api/errors';
import { useSession } from '@/features/auth/session';
import { summarise, ticketWallet, type EventSummary, type TicketWallet } from './device-copy';

export const ticketKeys = { all: ['tickets'] as const, wallet: (userId: string) => ['tickets', 'wallet', userId] as const };

const MAX_PAGES = 20;

/** Every ticket of the person (newest first) and the events they are for; then kept on the device. */
async function fetchWallet(userId: string, signal: AbortSignal): Promise<TicketWallet> {
  const tickets: Ticket[] = [];
  let cursor: string | null = null;
  for (let page = 0; page < MAX_PAGES; page++) {
    const result: Page<Ticket> = await api.get<Page<Ticket>>('/tickets', { query: { cursor, limit: 100 }, signal });
    tickets.push(...result.items);
    cursor = result.nextCursor;
    if (!cursor) break;
  }
  const known = (await ticketWallet.read(userId))?.events ?? {};
  const events: Record<string, EventSummary> = {};
  await Promise.all(
    [...new Set(tickets.map((t) => t.eventId))].map(async (eventId) => {
      try {
        events[eventId] = summarise(await api.get<PublicEvent>(`/events/${encodeURIComponent(eventId)}`, { signal }));
      } catch (error) {
        // An event that cannot be read now keeps what this device knew of it.
        if (known[eventId]) events[eventId] = known[eventId];
        else if (!isApiError(error) || error.kind !== 'http') throw error;
      }
    }),
  );
  const wallet = { tickets, events, savedAt: new Date().toISOString() };
  await ticketWallet.save(userId, wallet);
  return wallet;
}

export interface WalletView {
  wallet: TicketWallet | null;
  /** Shown from this device because Eventify could not be reached. */
  fromDevice: boolean;
  isPending: boolean;
  error: unknown;
  refetch: () => void;
  isRefetching: boolean;
}

/**
 * The tickets: from Eventify when it answers, otherwise the copy on this device (with when it was saved).
 * `pollWhile` keeps asking every second while it is true (tickets of a booking that was just confirmed).
 */
export function useTicketWallet(pollWhile: (wallet: TicketWallet | undefined) => boolean = () => false): WalletView {
  const { user } = useSession();
  const userId = user?.id ?? '';
  const device = useQuery({
    queryKey: [...ticketKeys.wallet(userId), 'device'],
    queryFn: () => ticketWallet.read(userId),
    enabled: !!userId,
    staleTime: Infinity,
  });
  const live = useQuery({
    queryKey: ticketKeys.wallet(userId),
    queryFn: ({ signal }) => fetchWallet(userId, signal),
    enabled: !!userId,
    refetchInterval: (query) => (pollWhile(query.state.data) ? 1_000 : false),
  });
  // While Eventify is being asked, the device's copy shows without comment; it is called out only when asking failed.
  const fromDevice = !live.data && !!device.data && live.isError;
  return {
    wallet: live.data ?? device.data ?? null,
    fromDevice,
    isPending: live.isPending && (device.isPending || !device.data),
    error: live.error,
    refetch: () => void live.refetch(),
    isRefetching: live.isRefetching,
  };
}
