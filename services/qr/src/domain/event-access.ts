import type { Redis } from 'ioredis';
import type { InternalEventView } from '@eventify/contracts';
import { isAppError, type ServiceClient } from '@eventify/kit';

export interface EventAccess {
  organizerId: string;
  staffIds: string[];
  title: string;
}

/**
 * Who may scan for an event (its organizer and door staff), read from the event service and cached in
 * Redis, shared by every replica, so a rush at the door does not become a rush on the event service.
 * EventStaffChanged drops the cached entry at once; the TTL bounds staleness if that event is late.
 */
export class EventAccessCache {
  constructor(
    private readonly redis: Redis,
    /** The qr service's own Redis prefix (its Redis user may touch nothing else). */
    private readonly prefix: string,
    private readonly events: ServiceClient,
    private readonly ttlSeconds: number,
  ) {}

  private key(eventId: string) {
    return `${this.prefix}:event-access:${eventId}`;
  }

  async get(eventId: string): Promise<EventAccess | undefined> {
    const cached = await this.redis.get(this.key(eventId));
    if (cached) return JSON.parse(cached) as EventAccess;
    let event: InternalEventView;
    try {
      event = (await this.events<InternalEventView>('GET', `/internal/events/${encodeURIComponent(eventId)}`)).body;
    } catch (error) {
      if (isAppError(error) && error.status === 404) return undefined;
      throw error;
    }
    const access: EventAccess = { organizerId: event.organizerId, staffIds: event.staffIds, title: event.title };
    await this.redis.set(this.key(eventId), JSON.stringify(access), 'EX', this.ttlSeconds);
    return access;
  }

  async forget(eventId: string): Promise<void> {
    await this.redis.del(this.key(eventId));
  }
}
