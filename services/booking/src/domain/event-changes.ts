import type { InternalEventView, TicketHoldersResponse } from '@eventify/contracts';
import type { Mutex, ServiceClient } from '@eventify/kit';
import type { BookingsRepository } from '../data/bookings-repository.js';

/** What a change of a published event means for its bookings, and who holds tickets for it. */
export class EventChanges {
  constructor(
    private readonly repository: BookingsRepository,
    private readonly events: ServiceClient,
    private readonly mutex: Mutex,
  ) {}

  /**
   * EventUpdated with a new start: bookings keep the event's start for the refund policy's cut-off, so they
   * take the new one. Read from the event service rather than the event's payload, so that updates handled
   * out of order (a retry) still end with the start the event has now. Idempotent.
   */
  async moved(eventId: string): Promise<void> {
    const { body: event } = await this.events<InternalEventView>('GET', `/internal/events/${encodeURIComponent(eventId)}`, {});
    const startsAt = new Date(event.startsAt);
    for (const booking of await this.repository.activeOfEvent(eventId)) {
      if (booking.eventStartsAt?.getTime() === startsAt.getTime()) continue;
      await this.mutex.run(`booking:${booking._id}`, () => this.repository.setFields(booking._id, { eventStartsAt: startsAt }));
    }
  }

  /** People holding a confirmed booking of the event, a page at a time in user id order. */
  async holders(eventId: string, after: string | undefined, limit: number): Promise<TicketHoldersResponse> {
    const userIds = await this.repository.holdersOf(eventId, after, limit);
    return { userIds: [...new Set(userIds)], next: userIds.length === limit ? userIds.at(-1)! : null };
  }
}
