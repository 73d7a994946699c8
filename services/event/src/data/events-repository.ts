import type { Collection, Db, Filter } from 'mongodb';
import {
  assertLeasesHeld,
  pushOutbox,
  type MongoOutbox,
  type Mutex,
  type OutboxEntry,
  type OutboxRelay,
  type WithOutbox,
} from '@eventify/kit';

import type { EventCategory, EventStatus } from '@eventify/contracts';

export type { EventStatus };

export interface Tier {
  id: string;
  name: string;
  description?: string | undefined;
  price: number;
  currency: string;
  capacity: number;
  salesStart: Date | null;
  salesEnd: Date | null;
  maxPerOrder: number;
}

/** A door person named by e-mail; `userId` once an account with that address exists (now, or when they register). */
export interface StaffMember {
  email: string;
  userId: string | null;
  addedAt: Date;
}

/** The accounts among the staff: who may scan. */
export const staffIdsOf = (staff: StaffMember[]) => [...new Set(staff.flatMap((m) => (m.userId ? [m.userId] : [])))];

export interface EventRecord extends WithOutbox {
  _id: string;
  organizerId: string;
  title: string;
  description: string;
  category: EventCategory;
  coverImageUrl: string | null;
  venue: { name: string; address: string; city: string; country: string; latitude?: number | undefined; longitude?: number | undefined };
  /** Lower-case city for exact, case-insensitive filtering. */
  cityKey: string;
  keywords: string[];
  startsAt: Date;
  endsAt: Date;
  timeZone: string;
  tiers: Tier[];
  status: EventStatus;
  /** Who may scan: the accounts among `staff` (what the qr service checks). Kept in step with `staff` in every write. */
  staffIds: string[];
  /** Door staff by e-mail; absent on events from before staff were named by e-mail (their `staffIds` only). */
  staff?: StaffMember[];
  /** Addresses in `staff` with no account yet: what a registration looks for. Kept in step with `staff`. */
  pendingStaffEmails?: string[];
  submissionId: string | null;
  rejection: { reason: string; reviewerId: string; decidedAt: Date } | null;
  createdAt: Date;
  updatedAt: Date;
  publishedAt: Date | null;
  cancelledAt: Date | null;
  cancellationReason: string | null;
}

export interface BrowseFilter {
  keywords: string[];
  category?: EventCategory | undefined;
  city?: string | undefined;
  from?: Date | undefined;
  to?: Date | undefined;
  after?: { startsAt: Date; id: string } | undefined;
  now: Date;
}

const escapeRegex = (value: string) => value.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

export class EventsRepository {
  private readonly events: Collection<EventRecord>;
  private readonly outbox: MongoOutbox<EventRecord>;
  constructor(db: Db, relay: OutboxRelay, mutex: Mutex) {
    this.events = db.collection('events');
    // Every change of an event after its insert happens under this lock (Events.locked), the relay's too.
    this.outbox = relay.mongo(this.events, { mutex, lockKey: (id) => `event:${id}` });
  }

  async ensureIndexes(): Promise<void> {
    // Browsing: published events in start order (the keyset cursor sorts on startsAt, _id).
    await this.events.createIndex({ status: 1, startsAt: 1, _id: 1 });
    await this.events.createIndex({ status: 1, category: 1, startsAt: 1 });
    await this.events.createIndex({ status: 1, cityKey: 1, startsAt: 1 });
    await this.events.createIndex({ keywords: 1 });
    // An organizer's own events.
    await this.events.createIndex({ organizerId: 1, createdAt: -1, _id: -1 });
    // Door staff: the events someone scans for, and invitations a registration resolves.
    await this.events.createIndex({ staffIds: 1 });
    await this.events.createIndex({ pendingStaffEmails: 1 });
  }

  async insert(event: EventRecord): Promise<void> {
    await this.events.insertOne(event);
  }

  find(id: string) {
    return this.events.findOne({ _id: id });
  }

  /** Replace the editable content, only while the event is in one of `allowed` states. Under the event's lock. */
  replaceContent(id: string, allowed: EventStatus[], changes: Partial<EventRecord>, events: OutboxEntry[] = []) {
    return this.change({ _id: id, status: { $in: allowed } }, changes, events);
  }

  /** Move from one state to another, with the events that implies; null when the event was not in `from`. Under the event's lock. */
  transition(
    id: string,
    from: EventStatus[],
    changes: Partial<EventRecord>,
    events: OutboxEntry[] = [],
    extraFilter: Filter<EventRecord> = {},
  ) {
    return this.change({ _id: id, status: { $in: from }, ...extraFilter }, changes, events);
  }

  /** The door staff, with who may scan and who is still awaited derived from it in the same write. Under the event's lock. */
  setStaff(id: string, staff: StaffMember[], events: OutboxEntry[]) {
    const staffIds = staffIdsOf(staff);
    const pendingStaffEmails = staff.flatMap((m) => (m.userId ? [] : [m.email]));
    return this.change({ _id: id }, { staff, staffIds, pendingStaffEmails }, events);
  }

  /** Events awaiting an account with this address as door staff. */
  awaitingStaff(email: string) {
    return this.events.find({ pendingStaffEmails: email }, { projection: { _id: 1 } }).toArray();
  }

  /**
   * Published events not yet ended that the user organizes or works the door of, in start order. Two
   * equality queries merged rather than one `$or` (which FerretDB answers by scanning every event).
   */
  async scannableBy(userId: string, now: Date, after: { startsAt: Date; id: string } | undefined, limit: number): Promise<EventRecord[]> {
    const common: Filter<EventRecord>[] = [{ status: 'published' }, { endsAt: { $gt: now } }];
    if (after) common.push({ $or: [{ startsAt: { $gt: after.startsAt } }, { startsAt: after.startsAt, _id: { $gt: after.id } }] });
    const query = (who: Filter<EventRecord>) =>
      this.events
        .find({ $and: [who, ...common] })
        .sort({ startsAt: 1, _id: 1 })
        .limit(limit)
        .toArray();
    const [staffed, organized] = await Promise.all([query({ staffIds: userId }), query({ organizerId: userId })]);
    const merged = new Map([...staffed, ...organized].map((e) => [e._id, e]));
    return [...merged.values()]
      .sort((a, b) => a.startsAt.getTime() - b.startsAt.getTime() || (a._id < b._id ? -1 : a._id > b._id ? 1 : 0))
      .slice(0, limit);
  }

  /** One single-document write: the change and its events together (the outbox). */
  private async change(filter: Filter<EventRecord>, changes: Partial<EventRecord>, events: OutboxEntry[]) {
    assertLeasesHeld();
    const updated = await this.events.findOneAndUpdate(
      filter,
      pushOutbox<EventRecord>({ $set: { ...changes, updatedAt: new Date() } }, events),
      {
        returnDocument: 'after',
      },
    );
    if (updated && events.length) this.outbox.changed(updated._id);
    return updated;
  }

  async browse(filter: BrowseFilter, limit: number): Promise<EventRecord[]> {
    const and: Filter<EventRecord>[] = [{ status: 'published' }, { endsAt: { $gt: filter.now } }];
    for (const word of filter.keywords) and.push({ keywords: { $regex: `^${escapeRegex(word)}` } });
    if (filter.category) and.push({ category: filter.category });
    if (filter.city) and.push({ cityKey: filter.city.trim().toLowerCase() });
    if (filter.from) and.push({ startsAt: { $gte: filter.from } });
    if (filter.to) and.push({ startsAt: { $lte: filter.to } });
    if (filter.after) {
      and.push({ $or: [{ startsAt: { $gt: filter.after.startsAt } }, { startsAt: filter.after.startsAt, _id: { $gt: filter.after.id } }] });
    }
    return this.events.find({ $and: and }).sort({ startsAt: 1, _id: 1 }).limit(limit).toArray();
  }

  async ofOrganizer(organizerId: string, after: { createdAt: Date; id: string } | undefined, limit: number): Promise<EventRecord[]> {
    const filter: Filter<EventRecord> = { organizerId };
    if (after) filter.$or = [{ createdAt: { $lt: after.createdAt } }, { createdAt: after.createdAt, _id: { $lt: after.id } }];
    return this.events.find(filter).sort({ createdAt: -1, _id: -1 }).limit(limit).toArray();
  }
}
