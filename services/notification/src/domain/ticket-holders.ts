import type { TicketHoldersResponse } from '@eventify/contracts';
import type { ServiceClient } from '@eventify/kit';

/** Everyone holding a confirmed booking of an event, from the booking service, a page at a time. */
export function createTicketHolders(bookings: ServiceClient, pageSize = 500) {
  return async function* holdersOf(eventId: string): AsyncGenerator<string> {
    let after: string | null = null;
    do {
      const query: URLSearchParams = new URLSearchParams({ eventId, limit: String(pageSize), ...(after ? { after } : {}) });
      const page: TicketHoldersResponse = (
        await bookings<TicketHoldersResponse>('GET', `/internal/bookings/holders?${query.toString()}`, {})
      ).body;
      yield* page.userIds;
      after = page.next;
    } while (after);
  };
}

export type HoldersOf = ReturnType<typeof createTicketHolders>;
