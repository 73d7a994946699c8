import { randomBytes } from 'node:crypto';
import type { HttpClient } from './http.js';

/** Steps of the product journey, through the public API, for tests that need a user or a published event. */
export const TEST_PASSWORD = 'a sturdy test passphrase';
export const TEST_ADMIN = { email: 'chief@eventify.test', password: 'admin-password-for-tests' };
/** Give these to the auth service so the test admin exists. */
export const TEST_ADMIN_ENV = { EVENTIFY_ADMIN_EMAIL: TEST_ADMIN.email, EVENTIFY_ADMIN_PASSWORD: TEST_ADMIN.password };

export interface TestUser {
  id: string;
  email: string;
  token: string;
  refreshToken: string;
}

function expectStatus(response: { status: number; text: string }, status: number, what: string): void {
  if (response.status !== status) throw new Error(`${what}: expected ${status}, got ${response.status}: ${response.text}`);
}

export async function registerUser(api: HttpClient, role: 'attendee' | 'organizer' = 'attendee', name = 'Test User'): Promise<TestUser> {
  const email = `${role}-${randomBytes(6).toString('hex')}@example.com`;
  const response = await api.post('/auth/register', { email, password: TEST_PASSWORD, name, role });
  expectStatus(response, 201, 'register');
  return { id: response.body.user.id, email, token: response.body.accessToken, refreshToken: response.body.refreshToken };
}

export async function loginAdmin(api: HttpClient): Promise<TestUser> {
  const response = await api.post('/auth/login', TEST_ADMIN);
  expectStatus(response, 200, 'admin login');
  return { id: response.body.user.id, email: TEST_ADMIN.email, token: response.body.accessToken, refreshToken: response.body.refreshToken };
}

/** A valid event body starting in `days` days. */
export function eventInput(overrides: Record<string, unknown> = {}, days = 30) {
  const start = new Date(Date.now() + days * 86_400_000);
  const end = new Date(start.getTime() + 3 * 3_600_000);
  return {
    title: 'Jazz at the Harbour',
    description: 'An evening of live jazz by the water.',
    category: 'music',
    venue: { name: 'Harbour Hall', address: 'Kai 1', city: 'Hamburg', country: 'DE', latitude: 53.54, longitude: 9.98 },
    startsAt: start.toISOString(),
    endsAt: end.toISOString(),
    timeZone: 'Europe/Berlin',
    tiers: [
      { name: 'Standard', price: 2500, currency: 'EUR', capacity: 100 },
      { name: 'Free entry', price: 0, currency: 'EUR', capacity: 50 },
    ],
    ...overrides,
  };
}

export async function poll<T>(check: () => Promise<T | undefined | null | false>, what: string, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Create, submit, approve (as admin) and wait until the event is public. Needs auth, event and approval. */
export async function publishEvent(api: HttpClient, organizer: TestUser, admin: TestUser, input: Record<string, unknown> = eventInput()) {
  const created = await api.post('/events', input, { token: organizer.token });
  expectStatus(created, 201, 'create event');
  const id = created.body.id as string;
  expectStatus(await api.post(`/events/${id}/submit`, undefined, { token: organizer.token }), 200, 'submit event');
  const review = await poll(async () => {
    const page = await api.get(`/approvals?eventId=${id}&status=pending`, { token: admin.token });
    return page.body.items?.[0];
  }, 'review request');
  expectStatus(await api.post(`/approvals/${review.id}/approve`, undefined, { token: admin.token }), 200, 'approve');
  return poll(async () => {
    const event = await api.get(`/events/${id}`);
    return event.status === 200 && event.body.status === 'published' ? event.body : undefined;
  }, 'published event');
}
