import type { Logger } from 'pino';
import type { InternalEventView } from '@eventify/contracts';
import { isAppError, type ServiceClient } from '@eventify/kit';

/**
 * Event titles for the text of a notification, from the event service. Best effort: a notification without
 * the title ("the event") is better than none, so a failed lookup never holds one up. Cached briefly, since
 * one event brings many bookings.
 */
export function createEventTitles(events: ServiceClient, log: Logger, ttlMs = 5 * 60_000) {
  const cache = new Map<string, { title: string; until: number }>();
  return async function titleOf(eventId: string): Promise<string | null> {
    const cached = cache.get(eventId);
    if (cached && cached.until > Date.now()) return cached.title;
    try {
      const { body } = await events<InternalEventView>('GET', `/internal/events/${encodeURIComponent(eventId)}`);
      if (cache.size > 10_000) cache.clear();
      cache.set(eventId, { title: body.title, until: Date.now() + ttlMs });
      return body.title;
    } catch (error) {
      const level = isAppError(error) && error.status === 404 ? 'info' : 'warn';
      log[level]({ err: error, eventId }, 'event title lookup failed; the notification says "the event"');
      return null;
    }
  };
}
