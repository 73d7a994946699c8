import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import { resetTokenSealContext, type Role } from '@eventify/contracts';
import { badRequest, conflict, notFound, outboxEvent, unauthorized, type KeyRing, type Mutex } from '@eventify/kit';
import type { RefreshTokensRepository } from '../data/refresh-tokens-repository.js';
import type { ResetTokensRepository } from '../data/reset-tokens-repository.js';
import type { UserRecord, UsersRepository } from '../data/users-repository.js';
import type { LoginThrottle } from './login-throttle.js';
import { decoyHash, hashPassword, passwordWeakness, verifyPassword } from './passwords.js';
import type { SigningKeys } from './signing-keys.js';

export interface PublicUser {
  id: string;
  email: string;
  name: string;
  roles: Role[];
  createdAt: string;
}

export interface Session {
  user: PublicUser;
  accessToken: string;
  refreshToken: string;
  expiresIn: number;
}

export interface AccountsDeps {
  users: UsersRepository;
  refreshTokens: RefreshTokensRepository;
  resetTokens: ResetTokensRepository;
  /** Seals the reset token for the notification service (RESET_TOKEN_SEAL_KEY). */
  resetTokenSeal: KeyRing;
  keys: SigningKeys;
  throttle: LoginThrottle;
  mutex: Mutex;
  log: Logger;
  accessTokenTtlSeconds: number;
  refreshTokenTtlSeconds: number;
  resetTokenTtlSeconds: number;
}

const sha256 = (value: string) => createHash('sha256').update(value).digest('base64url');
export const normaliseEmail = (email: string) => email.trim().toLowerCase();

/** An organizer also attends events; everyone is an attendee. */
export function rolesForSignup(role: 'attendee' | 'organizer'): Role[] {
  return role === 'organizer' ? ['attendee', 'organizer'] : ['attendee'];
}

export function toPublicUser(user: UserRecord): PublicUser {
  return { id: user._id, email: user.email, name: user.name, roles: user.roles, createdAt: user.createdAt.toISOString() };
}

const INVALID_CREDENTIALS = 'The e-mail address or password is not correct.';

/** The account use-cases: sign up, sign in, keep a session alive, sign out, recover a forgotten password. */
export class Accounts {
  constructor(private readonly deps: AccountsDeps) {}

  async register(input: { email: string; password: string; name: string; role: 'attendee' | 'organizer' }): Promise<Session> {
    const email = normaliseEmail(input.email);
    const weakness = passwordWeakness(input.password, { email });
    if (weakness) throw badRequest(`The password ${weakness}.`, [{ field: 'body.password', message: weakness }]);
    const now = new Date();
    const user: UserRecord = {
      _id: randomUUID(),
      email,
      name: input.name.trim(),
      roles: rolesForSignup(input.role),
      passwordHash: await hashPassword(input.password),
      createdAt: now,
      updatedAt: now,
    };
    const registered = outboxEvent('UserRegistered', { userId: user._id, email, name: user.name, roles: user.roles });
    if (!(await this.deps.users.insert(user, [registered]))) {
      throw conflict('An account with this e-mail address already exists. Sign in instead.', 'email-taken');
    }
    return this.startSession(user);
  }

  /** The id of the account with this address, if any: for other services only (see the internal route). */
  async idOf(email: string): Promise<string | null> {
    return (await this.deps.users.findByEmail(normaliseEmail(email)))?._id ?? null;
  }

  async login(input: { email: string; password: string; ip: string }): Promise<Session> {
    const email = normaliseEmail(input.email);
    await this.deps.throttle.assertAllowed(email, input.ip);
    const user = await this.deps.users.findByEmail(email);
    // Check a decoy hash for unknown addresses so timing does not tell which addresses have accounts.
    const ok = await verifyPassword(input.password, user?.passwordHash ?? (await decoyHash()));
    if (!user || !ok) {
      await this.deps.throttle.recordFailure(email, input.ip);
      throw unauthorized(INVALID_CREDENTIALS);
    }
    await this.deps.throttle.recordSuccess(email, input.ip);
    return this.startSession(user);
  }

  /** Rotate a refresh token. A token presented twice means it leaked: the whole login is revoked. */
  async refresh(refreshToken: string): Promise<Session> {
    const now = new Date();
    const hash = sha256(refreshToken);
    // Of two concurrent refreshes with one token, exactly one may spend it.
    const spent = await this.deps.mutex.run(`refresh:${hash}`, () => this.deps.refreshTokens.spend(hash, now));
    if (!spent) {
      const known = await this.deps.refreshTokens.find(hash);
      if (known?.usedAt) {
        await this.deps.refreshTokens.revokeFamily(known.familyId, now);
        this.deps.log.warn({ userId: known.userId, familyId: known.familyId }, 'refresh token reused: session family revoked');
      }
      throw unauthorized('The refresh token is not valid any more. Sign in again.');
    }
    const user = await this.deps.users.findById(spent.userId);
    if (!user) throw unauthorized('The refresh token is not valid any more. Sign in again.');
    return this.issue(user, spent.familyId);
  }

  async logout(refreshToken: string, userId: string): Promise<void> {
    const record = await this.deps.refreshTokens.find(sha256(refreshToken));
    // Someone else's or an unknown token: nothing to do, and nothing to reveal.
    if (record && record.userId === userId) await this.deps.refreshTokens.revokeFamily(record.familyId, new Date());
  }

  async forgotPassword(emailInput: string): Promise<void> {
    const email = normaliseEmail(emailInput);
    const user = await this.deps.users.findByEmail(email);
    if (!user) return;
    const token = randomBytes(32).toString('base64url');
    const now = new Date();
    const expiresAt = new Date(now.getTime() + this.deps.resetTokenTtlSeconds * 1000);
    // The database keeps the token's hash only; the event (stored in the outbox, then in the stream) carries it
    // sealed for the notification service, which builds the e-mail's link.
    const sealedResetToken = this.deps.resetTokenSeal.seal(token, resetTokenSealContext(user._id));
    const requested = outboxEvent('PasswordResetRequested', {
      userId: user._id,
      email: user.email,
      name: user.name,
      sealedResetToken,
      expiresAt: expiresAt.toISOString(),
    });
    await this.deps.resetTokens.insert({ _id: sha256(token), userId: user._id, createdAt: now, expiresAt, usedAt: null }, [requested]);
    this.deps.log.info({ userId: user._id }, 'password reset e-mail would be sent (handed to the notification service)');
  }

  async resetPassword(token: string, password: string): Promise<void> {
    const now = new Date();
    const hash = sha256(token);
    const used = await this.deps.resetTokens.use(hash, now);
    if (!used) {
      throw badRequest('This password reset link is not valid or has expired. Ask for a new one.', [
        { field: 'body.token', message: 'is not valid or has expired' },
      ]);
    }
    const user = await this.deps.users.findById(used.userId);
    if (!user) throw notFound('account');
    const weakness = passwordWeakness(password, { email: user.email });
    if (weakness) throw badRequest(`The password ${weakness}.`, [{ field: 'body.password', message: weakness }]);
    await this.deps.users.setPasswordHash(user, await hashPassword(password));
    await this.deps.refreshTokens.revokeAllOfUser(user._id, now);
  }

  async setRoles(userId: string, roles: Role[]): Promise<PublicUser> {
    const unique = [...new Set<Role>(['attendee', ...roles])];
    const user = await this.deps.users.setRoles(userId, unique);
    if (!user) throw notFound('user');
    return toPublicUser(user);
  }

  async getUser(userId: string): Promise<PublicUser> {
    const user = await this.deps.users.findById(userId);
    if (!user) throw notFound('user');
    return toPublicUser(user);
  }

  /** Create the first admin from configuration, once. Safe when replicas start together (unique e-mail). */
  async ensureAdmin(emailInput: string, password: string): Promise<'created' | 'exists'> {
    const email = normaliseEmail(emailInput);
    if (await this.deps.users.findByEmail(email)) return 'exists';
    const now = new Date();
    const inserted = await this.deps.users.insert({
      _id: randomUUID(),
      email,
      name: 'Administrator',
      roles: ['attendee', 'admin'],
      passwordHash: await hashPassword(password),
      createdAt: now,
      updatedAt: now,
    });
    return inserted ? 'created' : 'exists';
  }

  private startSession(user: UserRecord): Promise<Session> {
    return this.issue(user, randomUUID());
  }

  private async issue(user: UserRecord, familyId: string): Promise<Session> {
    const now = new Date();
    const refreshToken = randomBytes(32).toString('base64url');
    await this.deps.refreshTokens.insert({
      _id: sha256(refreshToken),
      userId: user._id,
      familyId,
      createdAt: now,
      expiresAt: new Date(now.getTime() + this.deps.refreshTokenTtlSeconds * 1000),
      usedAt: null,
      revokedAt: null,
    });
    const accessToken = await this.deps.keys.sign({ userId: user._id, roles: user.roles });
    return { user: toPublicUser(user), accessToken, refreshToken, expiresIn: this.deps.accessTokenTtlSeconds };
  }
}
