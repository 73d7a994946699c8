import type { Collection, Db } from 'mongodb';
import type { Role } from '@eventify/contracts';
import {
  isDuplicateKeyError,
  outboxEvent,
  pushOutbox,
  withOutbox,
  type MongoOutbox,
  type Mutex,
  type OutboxEntry,
  type OutboxRelay,
  type WithOutbox,
} from '@eventify/kit';

export interface UserRecord extends WithOutbox {
  _id: string;
  email: string;
  name: string;
  roles: Role[];
  passwordHash: string;
  createdAt: Date;
  updatedAt: Date;
}

export class UsersRepository {
  private readonly users: Collection<UserRecord>;
  private readonly outbox: MongoOutbox<UserRecord>;
  /** Every change of an account after its insert runs under its lock, the outbox relay's too (FerretDB would lose one of two concurrent writes). */
  private readonly locked: <T>(id: string, fn: () => Promise<T>) => Promise<T>;
  constructor(db: Db, relay: OutboxRelay, mutex: Mutex) {
    this.users = db.collection('users');
    const lockKey = (id: string) => `account:${id}`;
    this.outbox = relay.mongo(this.users, { mutex, lockKey });
    this.locked = (id, fn) => mutex.run(lockKey(id), fn);
  }

  async ensureIndexes(): Promise<void> {
    await this.users.createIndex({ email: 1 }, { unique: true });
  }

  /** false when the e-mail address is taken. The account and its events (UserRegistered) are one insert. */
  async insert(user: UserRecord, events: OutboxEntry[] = []): Promise<boolean> {
    try {
      await this.users.insertOne(withOutbox(user, events));
      if (events.length) this.outbox.changed(user._id);
      return true;
    } catch (error) {
      if (isDuplicateKeyError(error)) return false;
      throw error;
    }
  }

  findByEmail(email: string) {
    return this.users.findOne({ email });
  }

  findById(id: string) {
    return this.users.findOne({ _id: id });
  }

  async setRoles(id: string, roles: Role[]): Promise<UserRecord | null> {
    return this.locked(id, () =>
      this.users.findOneAndUpdate({ _id: id }, { $set: { roles, updatedAt: new Date() } }, { returnDocument: 'after' }),
    );
  }

  /** The new password, and `PasswordChanged` in the same write. */
  async setPasswordHash(user: Pick<UserRecord, '_id' | 'email'>, passwordHash: string): Promise<void> {
    const event = outboxEvent('PasswordChanged', { userId: user._id, email: user.email });
    await this.locked(user._id, () =>
      this.users.updateOne({ _id: user._id }, pushOutbox<UserRecord>({ $set: { passwordHash, updatedAt: new Date() } }, [event])),
    );
    this.outbox.changed(user._id);
  }
}
