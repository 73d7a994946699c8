import type { Ticket, TicketsRepository } from '../data/tickets-repository.js';

/** Events whose tickets are kept in memory at once (the least recently scanned one is dropped first). */
const MAX_EVENTS = 20;

/**
 * The tickets of the events being scanned, in this process's memory, so a scan reads no ticket from the
 * database: the first scan of an event loads all its tickets in one query (a few thousand documents), later
 * ones find them here; a ticket issued after that load is read once on its first scan and kept.
 *
 * What a ticket says never changes after its issue except its status, and the status is not taken from here
 * when it matters: a cancelled booking's tickets are in the door state's voided set in Redis, which every
 * replica shares (a ticket cancelled here is cancelled for good, so that answer may be used at once).
 */
export class TicketDirectory {
  private readonly events = new Map<string, Promise<Map<string, Ticket>>>();

  constructor(private readonly tickets: TicketsRepository) {}

  async find(eventId: string, ticketId: string): Promise<Ticket | undefined> {
    const tickets = await this.ofEvent(eventId);
    const known = tickets.get(ticketId);
    if (known) return known;
    const found = await this.tickets.find(ticketId);
    if (found?.eventId === eventId) tickets.set(found._id, found);
    return found ?? undefined;
  }

  private ofEvent(eventId: string): Promise<Map<string, Ticket>> {
    let loading = this.events.get(eventId);
    if (loading) {
      // Most recently used last: a Map keeps insertion order.
      this.events.delete(eventId);
    } else {
      loading = this.tickets.allOfEvent(eventId).then((list) => new Map(list.map((t) => [t._id, t])));
      // A failed load is not kept: the next scan tries again.
      loading.catch(() => this.events.get(eventId) === loading && this.events.delete(eventId));
    }
    this.events.set(eventId, loading);
    if (this.events.size > MAX_EVENTS) this.events.delete(this.events.keys().next().value!);
    return loading;
  }
}
