import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { TEST_ADMIN, TEST_PASSWORD, poll, registerUser, type TestUser } from '@eventify/testing';
import { launchChromium } from './browser.js';
import { writeQrVideo } from './qr-video.js';
import { SHOTS, startAppStack, type AppStack } from './support.js';

/**
 * Everyone else's journey in the web app, against the real stack: an organizer creates an event with two tiers,
 * names door staff by e-mail (before that person even has an account) and submits it; an admin approves it from
 * the review queue; an attendee buys a ticket in the app; the door person scans one through the web scanner, with Chromium's
 * fake camera playing a video of its QR code — admitted, then the same code again: already used. Then, with the
 * browser offline, the scanner decides from its door kit: another valid ticket admitted, a forged code invalid, a
 * cancelled ticket cancelled; back online, the offline admission reaches the server and the figures count it once.
 */
const DESKTOP = { width: 1280, height: 800 };
const PHONE = { width: 390, height: 844 };
let app: AppStack;
const browsers: { close: () => Promise<void> }[] = [];
const videos = mkdtempSync(join(tmpdir(), 'eventify-qr-'));
const title = `Door Test ${Date.now().toString(36)}`;
const doorEmail = `door-${Date.now()}@example.com`;
let eventId = '';

before(async () => {
  app = await startAppStack();
});
after(async () => {
  for (const browser of browsers) await browser.close();
  await app?.stop();
  rmSync(videos, { recursive: true, force: true });
});

async function browser(fakeCameraVideo?: string): Promise<Browser> {
  const launched = await launchChromium(fakeCameraVideo ? { fakeCameraVideo } : {});
  browsers.push(launched);
  return launched.browser;
}

async function openApp(b: Browser, viewport = DESKTOP): Promise<Page> {
  const context = await b.newContext({ viewport, locale: 'en-US', timezoneId: 'Europe/Berlin' });
  const page = await context.newPage();
  page.on('pageerror', (error) => assert.fail(`uncaught error in the page: ${error.message}`));
  return page;
}

async function signIn(page: Page, email: string, password: string, next = '/manage') {
  await page.goto(`${app.webUrl}/sign-in?next=${encodeURIComponent(next)}`);
  await page.getByLabel('E-mail', { exact: true }).fill(email);
  await page.getByLabel('Password', { exact: true }).fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

const shot = (page: Page, name: string) => page.screenshot({ path: resolve(SHOTS, name) });
const inDays = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);

/** Buy tickets as an attendee through the API (the app's buying journey is the other browser test). */
async function buy(attendee: TestUser, tierName: string, quantity: number) {
  const event = (await app.stack.api.get(`/events/${eventId}`)).body;
  const tier = event.tiers.find((t: { name: string }) => t.name === tierName);
  const booking = await app.stack.api.post('/bookings', { eventId, items: [{ tierId: tier.id, quantity }] }, { token: attendee.token });
  assert.equal(booking.status, 201, booking.text);
  if (booking.body.status === 'pending_payment') {
    const intent = await app.stack.api.post('/payments/intents', { bookingId: booking.body.id }, { token: attendee.token });
    const confirm = await fetch(
      `http://127.0.0.1:${app.stack.plan.stripe.port}/v1/payment_intents/${intent.body.paymentIntentId}/confirm`,
      {
        method: 'POST',
        headers: { authorization: 'Bearer sk_test_e2e', 'content-type': 'application/x-www-form-urlencoded' },
        body: 'payment_method=pm_card_visa',
      },
    );
    assert.equal(confirm.status, 200);
  }
  return poll(
    async () => {
      const tickets = (await app.stack.api.get(`/tickets?eventId=${eventId}`, { token: attendee.token })).body.items ?? [];
      const mine = tickets.filter((t: { bookingId: string }) => t.bookingId === booking.body.id);
      return mine.length === quantity ? { bookingId: booking.body.id as string, tickets: mine as { id: string; qr: string }[] } : undefined;
    },
    'tickets issued',
    30_000,
  );
}

/** Part 1's journey, shortened: sign up on the event's page, buy one Standard ticket by card, see its QR code. */
async function buyInApp(page: Page): Promise<string> {
  const email = `ana-${Date.now()}@example.com`;
  await page.goto(`${app.webUrl}/events/${eventId}`);
  await page.getByRole('button', { name: 'Sign in to book' }).click();
  await page.getByRole('link', { name: /Create an account/ }).click();
  await page.getByLabel('Name', { exact: true }).fill('Ana Attendee');
  await page.getByLabel('E-mail', { exact: true }).fill(email);
  await page.getByLabel('Password', { exact: true }).fill(TEST_PASSWORD);
  await page.getByRole('button', { name: 'Create account' }).click();
  await page.getByRole('button', { name: 'One more Standard ticket' }).click();
  await page.getByRole('button', { name: 'Book and pay' }).click();
  await page.getByLabel('Card number', { exact: true }).fill('4242 4242 4242 4242');
  await page.getByLabel('Expiry (MM/YY)', { exact: true }).fill('12/34');
  await page.getByLabel('CVC', { exact: true }).fill('123');
  await page.getByRole('button', { name: 'Pay €25.00' }).click();
  await page.getByText(/You're going!/).waitFor({ timeout: 30_000 });
  await page.getByRole('button', { name: 'See your tickets' }).click();
  await page.getByTestId('ticket-qr').first().waitFor({ timeout: 30_000 });
  // The code the phone shows, as the scanner will see it through the camera.
  const { token } = await loginAs(email);
  const tickets = (await app.stack.api.get(`/tickets?eventId=${eventId}`, { token })).body.items as { qr: string }[];
  assert.equal(tickets.length, 1);
  return tickets[0]!.qr;
}

describe('organizers, admins and the door in the web app', () => {
  it('an organizer creates an event with door staff by e-mail and submits it; an admin approves it from the queue', async () => {
    const page = await openApp(await browser());
    await page.goto(`${app.webUrl}/sign-up?next=%2Fmanage`);
    await page.getByLabel('Name', { exact: true }).fill('Olga Organizer');
    await page.getByLabel('E-mail', { exact: true }).fill(`olga-${Date.now()}@example.com`);
    await page.getByLabel('Password', { exact: true }).fill(TEST_PASSWORD);
    await page.getByRole('switch', { name: 'I also organize events' }).click();
    await page.getByRole('button', { name: 'Create account' }).click();
    await page.getByRole('link', { name: /Create an event/ }).click();

    await page.getByLabel('Title', { exact: true }).fill(title);
    await page.getByLabel('Description', { exact: true }).fill('Live music under the harbour lights.');
    await page.getByLabel('Venue', { exact: true }).fill('Harbour Hall');
    await page.getByLabel('Address', { exact: true }).fill('Kai 1');
    await page.getByLabel('City', { exact: true }).fill('Hamburg');
    await page.getByLabel('Country code', { exact: true }).fill('DE');
    await page.getByLabel('Time zone', { exact: true }).fill('Europe/Berlin');
    await page.getByLabel('Starts on', { exact: true }).fill(inDays(20));
    await page.getByLabel('Tier 1 price', { exact: true }).fill('25.00');
    await page.getByLabel('Tier 1 tickets', { exact: true }).fill('100');
    await page.getByRole('button', { name: 'Add a tier' }).click();
    await page.getByLabel('Tier 2 name', { exact: true }).fill('Guest list');
    await page.getByLabel('Tier 2 price', { exact: true }).fill('0');
    await page.getByLabel('Tier 2 tickets', { exact: true }).fill('20');
    await shot(page, 'desktop-9-new-event.png');
    await page.getByRole('button', { name: 'Save draft' }).click();

    await page.getByRole('button', { name: 'Submit for review' }).waitFor();
    eventId = new URL(page.url()).pathname.split('/').pop()!;
    await page.getByLabel('Add door staff by e-mail', { exact: true }).fill(doorEmail);
    await page.getByRole('button', { name: 'Add', exact: true }).click();
    await page.getByTestId('staff-member').filter({ hasText: doorEmail }).waitFor();
    await page.getByRole('button', { name: 'Submit for review' }).click();
    await page.getByText(/An admin is reviewing it/).waitFor();
    await shot(page, 'desktop-10-in-review.png');

    const admin = await openApp(await browser());
    await signIn(admin, TEST_ADMIN.email, TEST_ADMIN.password);
    await admin.getByRole('link', { name: /Review queue/ }).click();
    await admin.getByRole('link', { name: new RegExp(`Review ${title}`) }).click();
    await admin.getByRole('heading', { name: title }).waitFor();
    await shot(admin, 'desktop-11-review.png');
    await admin.getByRole('button', { name: 'Approve and publish' }).click();
    await admin.getByTestId('decision').waitFor();

    await poll(async () => (await app.stack.api.get(`/events/${eventId}`)).body.status === 'published', 'the event published', 15_000);
    await page.reload();
    await page.getByText('On sale: anyone can find and book it.').waitFor({ timeout: 15_000 });
  });

  it('an attendee buys a ticket in the app; door staff scan it through the camera: admitted, then already used', async () => {
    assert.ok(eventId, 'the event of the first test');
    const qr = await buyInApp(await openApp(await browser(), PHONE));
    // Named by e-mail before they had an account: signing up with it makes them door staff.
    const staff = await app.stack.api.post('/auth/register', { email: doorEmail, password: TEST_PASSWORD, name: 'Dora Door' });
    assert.equal(staff.status, 201, staff.text);

    const video = join(videos, 'ticket.y4m');
    writeQrVideo(video, qr);
    const page = await openApp(await browser(video), PHONE);
    await signIn(page, doorEmail, TEST_PASSWORD, '/door');
    await page.getByRole('link', { name: `Scan tickets for ${title}` }).click({ timeout: 30_000 });
    const word = page.getByTestId('scan-result-word');
    await word.waitFor({ timeout: 30_000 });
    assert.equal(await word.textContent(), 'ADMITTED');
    await shot(page, 'phone-9-admitted.png');
    // The camera keeps showing the same ticket: once the result clears, scanning it again is refused.
    await page.getByTestId('scan-result').click();
    await poll(
      async () => ((await word.count()) && (await word.textContent()) === 'ALREADY USED' ? true : undefined),
      'the second scan',
      20_000,
    );
    await shot(page, 'phone-10-already-used.png');
    const stats = await app.stack.api.get(`/entry/events/${eventId}/stats`, { token: (await loginAs(doorEmail)).token });
    assert.equal(stats.body.checkedIn, 1);
  });

  it('offline, the scanner admits from its door kit, refuses a forged and a cancelled ticket, and uploads when back online', async () => {
    const attendee = await registerUser(app.stack.api, 'attendee');
    const valid = await buy(attendee, 'Standard', 1);
    const cancelled = await buy(attendee, 'Guest list', 1);
    assert.equal((await app.stack.api.post(`/bookings/${cancelled.bookingId}/cancel`, undefined, { token: attendee.token })).status, 200);
    await poll(
      async () => {
        const ticket = (await app.stack.api.get(`/tickets/${cancelled.tickets[0]!.id}`, { token: attendee.token })).body;
        return ticket.status === 'cancelled' || undefined;
      },
      'the cancelled ticket voided',
      20_000,
    );

    // A camera that sees no code: codes are typed in, as door staff do when a phone's screen is cracked.
    const blank = join(videos, 'blank.y4m');
    writeQrVideo(blank, null);
    const page = await openApp(await browser(blank), PHONE);
    await signIn(page, doorEmail, TEST_PASSWORD, '/door');
    await page.getByRole('link', { name: `Scan tickets for ${title}` }).click({ timeout: 30_000 });
    await page.getByText(/Door kit from/).waitFor({ timeout: 30_000 });

    await page.context().setOffline(true);
    const word = page.getByTestId('scan-result-word');
    const typeCode = async (code: string) => {
      await page.getByLabel('Ticket code', { exact: true }).fill(code);
      await page.getByRole('button', { name: 'Check code' }).click();
      await word.waitFor();
      const text = await word.textContent();
      await page.getByTestId('scan-result').click();
      return text;
    };
    const code = valid.tickets[0]!.qr;
    const forged = code.slice(0, -2) + (code.endsWith('AA') ? 'BB' : 'AA');
    assert.equal(await typeCode(forged), 'INVALID');
    assert.equal(await typeCode(cancelled.tickets[0]!.qr), 'CANCELLED');
    assert.equal(await typeCode(code), 'ADMITTED');
    await page.getByText(/1 admission waiting to upload/).waitFor();
    await shot(page, 'phone-11-offline-door.png');
    assert.equal(await typeCode(code), 'ALREADY USED');

    await page.context().setOffline(false);
    await page.getByText('Online: the server decides every scan.').waitFor({ timeout: 30_000 });
    const organizerView = await loginAs(doorEmail);
    const stats = await poll(
      async () => {
        const answer = (await app.stack.api.get(`/entry/events/${eventId}/stats`, { token: organizerView.token })).body;
        return answer.checkedIn === 2 ? answer : undefined;
      },
      'the offline admission uploaded',
      30_000,
    );
    assert.equal(stats.checkedIn, 2, 'the camera scan of the previous test and this offline one, each once');
    assert.deepEqual(stats.conflicts, []);
  });
});

async function loginAs(email: string) {
  const response = await app.stack.api.post('/auth/login', { email, password: TEST_PASSWORD });
  assert.equal(response.status, 200, response.text);
  return { token: response.body.accessToken as string };
}
