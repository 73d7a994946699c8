import type { Collection, Db, Filter } from 'mongodb';
import type { Role } from '@eventify/contracts';
import {
  isDuplicateKeyError,
  outboxEvent,
  pushOutbox,
  type MongoOutbox,
  type Mutex,
  type OutboxRelay,
  type WithOutbox,
} from '@eventify/kit';

export interface Profile extends WithOutbox {
  _id: string;
  email: string;
  name: string;
  roles: Role[];
  phone: string | null;
  avatarUrl: string | null;
  city: string | null;
  preferences: Record<string, string | number | boolean>;
  createdAt: Date;
  updatedAt: Date;
}

export type ProfileChanges = Partial<Pick<Profile, 'name' | 'phone' | 'avatarUrl' | 'city' | 'preferences'>>;

const escapeRegex = (value: string) => value.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

export class ProfilesRepository {
  private readonly profiles: Collection<Profile>;
  private readonly outbox: MongoOutbox<Profile>;
  /** Every change of a profile after its insert runs under its lock, the outbox relay's too (FerretDB would lose one of two concurrent writes). */
  private readonly locked: <T>(id: string, fn: () => Promise<T>) => Promise<T>;
  constructor(db: Db, relay: OutboxRelay, mutex: Mutex) {
    this.profiles = db.collection('profiles');
    const lockKey = (id: string) => `profile:${id}`;
    this.outbox = relay.mongo(this.profiles, { mutex, lockKey });
    this.locked = (id, fn) => mutex.run(lockKey(id), fn);
  }

  async ensureIndexes(): Promise<void> {
    await this.profiles.createIndex({ email: 1, _id: 1 });
    await this.profiles.createIndex({ name: 1 });
  }

  /** Create the profile if it does not exist yet; never overwrites what the user changed since. */
  async createIfMissing(user: { id: string; email: string; name: string; roles: Role[] }): Promise<Profile> {
    const now = new Date();
    const existing = await this.profiles.findOne({ _id: user.id });
    if (existing) return existing;
    try {
      await this.profiles.insertOne({
        _id: user.id,
        email: user.email,
        name: user.name,
        roles: user.roles,
        phone: null,
        avatarUrl: null,
        city: null,
        preferences: {},
        createdAt: now,
        updatedAt: now,
      });
    } catch (error) {
      // Created concurrently (the event handler and a first read at once): the other one won.
      if (!isDuplicateKeyError(error)) throw error;
    }
    return (await this.profiles.findOne({ _id: user.id }))!;
  }

  find(id: string) {
    return this.profiles.findOne({ _id: id });
  }

  update(id: string, changes: ProfileChanges) {
    return this.locked(id, () =>
      this.profiles.findOneAndUpdate({ _id: id }, { $set: { ...changes, updatedAt: new Date() } }, { returnDocument: 'after' }),
    );
  }

  /** New roles, and `UserRolesChanged` in the same write. */
  async setRoles(id: string, roles: Role[], changedBy: string) {
    const event = outboxEvent('UserRolesChanged', { userId: id, roles, changedBy });
    const profile = await this.locked(id, () =>
      this.profiles.findOneAndUpdate({ _id: id }, pushOutbox<Profile>({ $set: { roles, updatedAt: new Date() } }, [event]), {
        returnDocument: 'after',
      }),
    );
    if (profile) this.outbox.changed(id);
    return profile;
  }

  /** Users whose e-mail or name starts with `q`, ordered by e-mail, after the cursor position. */
  async search(q: string | undefined, after: { email: string; id: string } | undefined, limit: number): Promise<Profile[]> {
    const filter: Filter<Profile> = {};
    const and: Filter<Profile>[] = [];
    if (q) {
      const prefix = new RegExp(`^${escapeRegex(q)}`, 'i');
      and.push({ $or: [{ email: prefix }, { name: prefix }] });
    }
    if (after) and.push({ $or: [{ email: { $gt: after.email } }, { email: after.email, _id: { $gt: after.id } }] });
    if (and.length) filter.$and = and;
    return this.profiles.find(filter).sort({ email: 1, _id: 1 }).limit(limit).toArray();
  }
}
