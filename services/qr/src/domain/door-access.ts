import { forbidden, notFound, type Principal } from '@eventify/kit';
import type { EventAccess, EventAccessCache } from './event-access.js';

/** Who may work the door of an event: its door staff, its organizer, and admins. */
export class DoorAccess {
  constructor(private readonly access: EventAccessCache) {}

  async mayScan(caller: Principal, eventId: string): Promise<boolean> {
    if (caller.roles.includes('admin')) return true;
    return allowed(caller, await this.access.get(eventId));
  }

  /** 404 for an event that does not exist, 403 for someone who may not work its door. */
  async require(caller: Principal, eventId: string): Promise<void> {
    const access = await this.access.get(eventId);
    if (!access) throw notFound('event');
    if (!caller.roles.includes('admin') && !allowed(caller, access))
      throw forbidden('Only the door staff and the organizer of this event can do this.');
  }
}

const allowed = (caller: Principal, access: EventAccess | undefined) =>
  !!access && (access.organizerId === caller.userId || access.staffIds.includes(caller.userId));
