import type { Collection, Db } from 'mongodb';
import type { Role } from '@eventify/contracts';
import { isDuplicateKeyError } from '@eventify/kit';

export interface UserRecord {
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
  constructor(db: Db) {
    this.users = db.collection('users');
  }

  async ensureIndexes(): Promise<void> {
    await this.users.createIndex({ email: 1 }, { unique: true });
  }

  /** false when the e-mail address is taken. */
  async insert(user: UserRecord): Promise<boolean> {
    try {
      await this.users.insertOne(user);
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
    return this.users.findOneAndUpdate({ _id: id }, { $set: { roles, updatedAt: new Date() } }, { returnDocument: 'after' });
  }

  async setPasswordHash(id: string, passwordHash: string): Promise<void> {
    await this.users.updateOne({ _id: id }, { $set: { passwordHash, updatedAt: new Date() } });
  }
}
