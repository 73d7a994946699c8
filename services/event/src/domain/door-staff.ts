import { createHash } from 'node:crypto';
import type { AccountLookupResponse, PublicEvent, StaffList } from '@eventify/contracts';
import {
  conflict,
  hasRole,
  isAppError,
  notFound,
  outboxEvent,
  type Mutex,
  type OutboxEntry,
  type Principal,
  type ServiceClient,
} from '@eventify/kit';
import { staffIdsOf, type EventRecord, type EventsRepository, type StaffMember } from '../data/events-repository.js';
import type { SeatsRepository } from '../data/seats-repository.js';
import { publicView } from './views.js';

const MAX_STAFF = 200;

export const normaliseEmail = (email: string) => email.trim().toLowerCase();

/**
 * Door staff, named by e-mail. The organizer's answer is the same whether or not an account has the address,
 * so naming staff tells nobody who has an account. A person can scan as soon as an account with the address
 * exists: looked up at the auth service (the accounts themselves, written before UserRegistered is
 * announced) when named, and resolved from UserRegistered when they register later.
 *
 * Invariant: `staffIds` (what the qr service checks) are exactly the accounts among `staff`, and
 * `pendingStaffEmails` the addresses without one; both are derived in the same write as `staff`.
 *
 * Naming someone and their registration cannot miss each other: both run under a lock on the address. If the
 * registration's handler runs first, the account exists when the name is looked up; if naming runs first, the
 * handler finds the pending address. Lock order: the address, then the event.
 */
export class DoorStaff {
  constructor(
    private readonly events: EventsRepository,
    private readonly seats: SeatsRepository,
    private readonly mutex: Mutex,
    private readonly auth: ServiceClient,
  ) {}

  async list(eventId: string, caller: Principal): Promise<StaffList> {
    const event = await this.owned(eventId, caller);
    return staffList(eventId, await this.staffOf(event));
  }

  async add(eventId: string, caller: Principal, emailInput: string): Promise<StaffList> {
    const email = normaliseEmail(emailInput);
    const known = await this.owned(eventId, caller);
    if (known.status === 'cancelled') throw conflict('This event is cancelled: nobody scans tickets for it any more.', 'event-cancelled');
    const staff = await this.mutex.run(emailLock(email), async () => {
      const userId = await this.accountWith(email);
      return this.changeStaff(eventId, (event, current) => {
        if (current.some((m) => m.email === email)) return null; // named already: nothing changes
        if (current.length >= MAX_STAFF)
          throw conflict(`An event has at most ${MAX_STAFF} door staff; remove someone first.`, 'too-many-staff');
        const member: StaffMember = { email, userId, addedAt: new Date() };
        return { staff: [...current, member], events: userId ? [staffAdded(event, userId, member.addedAt)] : [] };
      });
    });
    return staffList(eventId, staff);
  }

  async remove(eventId: string, caller: Principal, emailInput: string): Promise<StaffList> {
    const email = normaliseEmail(emailInput);
    await this.owned(eventId, caller);
    const staff = await this.changeStaff(eventId, (_event, current) =>
      current.some((m) => m.email === email) ? { staff: current.filter((m) => m.email !== email), events: [] } : null,
    );
    return staffList(eventId, staff);
  }

  /** From UserRegistered: every event awaiting this address gets the new account as door staff. Idempotent. */
  async registered(user: { userId: string; email: string }): Promise<void> {
    const email = normaliseEmail(user.email);
    await this.mutex.run(emailLock(email), async () => {
      for (const { _id } of await this.events.awaitingStaff(email)) {
        await this.changeStaff(_id, (event, current) => {
          const member = current.find((m) => m.email === email && !m.userId);
          if (!member) return null;
          return {
            staff: current.map((m) => (m === member ? { ...m, userId: user.userId } : m)),
            events: [staffAdded(event, user.userId, member.addedAt)],
          };
        });
      }
    });
  }

  /** Published events not yet over that the caller works the door of or organizes: the scanner's event picker. */
  async scannable(
    caller: Principal,
    after: { startsAt: Date; id: string } | undefined,
    limit: number,
  ): Promise<{ items: PublicEvent[]; last: EventRecord | undefined }> {
    const rows = await this.events.scannableBy(caller.userId, new Date(), after, limit + 1);
    const page = rows.slice(0, limit);
    const items = await Promise.all(page.map(async (e) => publicView(e, await this.seats.ledgersOf(e._id))));
    return { items, last: rows.length > limit ? page.at(-1) : undefined };
  }

  /**
   * Change the staff of an event under its lock, announcing who may scan now when that changed (the qr service
   * drops its cached copy) with the change itself. `decide` returns null when nothing is to change.
   */
  private async changeStaff(
    eventId: string,
    decide: (event: EventRecord, current: StaffMember[]) => { staff: StaffMember[]; events: OutboxEntry[] } | null,
  ): Promise<StaffMember[]> {
    return this.mutex.run(`event:${eventId}`, async () => {
      const event = await this.events.find(eventId);
      if (!event) throw notFound('event');
      const current = await this.staffOf(event);
      const next = decide(event, current);
      if (!next) return current;
      const staffIds = staffIdsOf(next.staff);
      const idsChanged = staffIds.length !== event.staffIds.length || staffIds.some((id) => !event.staffIds.includes(id));
      const announce = idsChanged ? [outboxEvent('EventStaffChanged', { eventId, staffIds }), ...next.events] : next.events;
      await this.events.setStaff(eventId, next.staff, announce);
      return next.staff;
    });
  }

  /** The event's staff; events from before e-mail naming have ids only, whose addresses the auth service knows. */
  private async staffOf(event: EventRecord): Promise<StaffMember[]> {
    if (event.staff) return event.staff;
    const members = await Promise.all(
      event.staffIds.map(async (userId): Promise<StaffMember | null> => {
        try {
          const { body } = await this.auth<{ email: string }>('GET', `/internal/users/${encodeURIComponent(userId)}`, {});
          return { email: normaliseEmail(body.email), userId, addedAt: event.updatedAt };
        } catch (error) {
          if (isAppError(error) && error.status === 404) return null; // the account is gone
          throw error;
        }
      }),
    );
    return members.filter((m): m is StaffMember => m !== null);
  }

  private async accountWith(email: string): Promise<string | null> {
    const { body } = await this.auth<AccountLookupResponse>('POST', '/internal/accounts/lookup', { body: { email } });
    return body.userId;
  }

  /** The organizer's event (or any, for an admin); for everyone else it does not exist. */
  private async owned(eventId: string, caller: Principal): Promise<EventRecord> {
    const event = await this.events.find(eventId);
    if (!event || (event.organizerId !== caller.userId && !hasRole(caller, 'admin'))) throw notFound('event');
    return event;
  }
}

function staffList(eventId: string, staff: StaffMember[]): StaffList {
  return { eventId, staff: staff.map((m) => ({ email: m.email, addedAt: m.addedAt.toISOString() })) };
}

function staffAdded(event: EventRecord, userId: string, addedAt: Date) {
  return outboxEvent('EventStaffAdded', {
    eventId: event._id,
    organizerId: event.organizerId,
    userId,
    title: event.title,
    startsAt: event.startsAt.toISOString(),
    addedAt: addedAt.toISOString(),
  });
}

/** Addresses are not put in Redis keys as they are. */
const emailLock = (email: string) => `staff-email:${createHash('sha256').update(email).digest('base64url').slice(0, 32)}`;
