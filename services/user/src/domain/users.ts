import type { Profile as PublicProfile, Role } from '@eventify/contracts';
import { conflict, notFound, type Page, type ServiceClient } from '@eventify/kit';
import type { Profile, ProfileChanges, ProfilesRepository } from '../data/profiles-repository.js';
import type { PushTokensRepository } from '../data/push-tokens-repository.js';

export type ProfileView = PublicProfile;

export function toView(profile: Profile, pushTokens?: string[]): ProfileView {
  return {
    id: profile._id,
    email: profile.email,
    name: profile.name,
    roles: profile.roles,
    phone: profile.phone,
    avatarUrl: profile.avatarUrl,
    city: profile.city,
    preferences: profile.preferences,
    ...(pushTokens ? { pushTokens } : {}),
    createdAt: profile.createdAt.toISOString(),
    updatedAt: profile.updatedAt.toISOString(),
  };
}

export interface UsersDeps {
  profiles: ProfilesRepository;
  pushTokens: PushTokensRepository;
  auth: ServiceClient;
}

/** Profiles, devices and role administration. Accounts and credentials belong to the auth service. */
export class Users {
  constructor(private readonly deps: UsersDeps) {}

  /** From UserRegistered; also on first read if that event has not been handled yet. */
  createProfile(user: { id: string; email: string; name: string; roles: Role[] }) {
    return this.deps.profiles.createIfMissing(user);
  }

  async me(userId: string): Promise<ProfileView> {
    let profile = await this.deps.profiles.find(userId);
    if (!profile) {
      // Registration does not wait for the profile; fetch the account once and create it now.
      const { body } = await this.deps.auth<{ id: string; email: string; name: string; roles: Role[] }>(
        'GET',
        `/internal/users/${encodeURIComponent(userId)}`,
      );
      profile = await this.deps.profiles.createIfMissing(body);
    }
    return toView(profile, await this.deps.pushTokens.ofUser(userId));
  }

  async updateMe(userId: string, changes: ProfileChanges): Promise<ProfileView> {
    await this.me(userId);
    const profile = await this.deps.profiles.update(userId, changes);
    return toView(profile!, await this.deps.pushTokens.ofUser(userId));
  }

  async addPushToken(userId: string, token: string): Promise<string[]> {
    await this.deps.pushTokens.assign(token, userId);
    return this.deps.pushTokens.ofUser(userId);
  }

  async removePushToken(userId: string, token: string): Promise<void> {
    await this.deps.pushTokens.remove(token, userId);
  }

  async list(
    q: string | undefined,
    after: { email: string; id: string } | undefined,
    limit: number,
  ): Promise<Page<ProfileView> & { last?: Profile }> {
    const rows = await this.deps.profiles.search(q, after, limit + 1);
    const items = rows.slice(0, limit);
    return { items: items.map((p) => toView(p)), nextCursor: null, ...(rows.length > limit ? { last: items.at(-1)! } : {}) };
  }

  async setRoles(adminId: string, userId: string, requested: Role[]): Promise<ProfileView> {
    if (adminId === userId && !requested.includes('admin')) {
      throw conflict('You cannot remove your own admin role; ask another admin.', 'own-admin-role');
    }
    // Auth issues the tokens, so the change is applied there first; new tokens carry it from now on.
    const { body } = await this.deps.auth<{ userId: string; roles: Role[] }>('PUT', `/internal/users/${encodeURIComponent(userId)}/roles`, {
      body: { roles: requested },
    });
    let profile = await this.deps.profiles.setRoles(userId, body.roles, adminId);
    if (!profile) {
      await this.me(userId);
      profile = await this.deps.profiles.setRoles(userId, body.roles, adminId);
    }
    if (!profile) throw notFound('user');
    return toView(profile);
  }

  async contact(userId: string) {
    const view = await this.me(userId);
    return { id: view.id, email: view.email, name: view.name, pushTokens: view.pushTokens ?? [] };
  }
}
