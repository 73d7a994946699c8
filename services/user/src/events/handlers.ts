import type { EventBus } from '@eventify/kit';
import type { Users } from '../domain/users.js';

export function subscribeUserEvents(bus: EventBus, users: Users): void {
  // Idempotent: creating a profile that exists changes nothing.
  bus.subscribe('UserRegistered', async ({ data }) => {
    await users.createProfile({ id: data.userId, email: data.email, name: data.name, roles: data.roles });
  });
}
