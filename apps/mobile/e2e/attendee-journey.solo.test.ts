import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { eventInput, loginAdmin, publishEvent, registerUser } from '@eventify/testing';
import { launchChromium } from './browser.js';
import { SHOTS, startAppStack, type AppStack } from './support.js';

/**
 * The attendee's journey in the web build of the app, in Chromium, against the real stack (every service, the
 * gateway, the Stripe stand-in), at phone and desktop size: sign up, search, open the event, book two tickets,
 * pay by card through Stripe's browser API, see the booking confirmed by the webhook, see two QR codes, and see
 * them again after reloading with the network cut. Screenshots of each screen go to docs/app/.
 */
const SIZES = { phone: { width: 390, height: 844 }, desktop: { width: 1280, height: 800 } } as const;

let app: AppStack;
let chromium: { browser: Browser; close: () => Promise<void> };
let webUrl: string;
const title = `Harbour Jazz ${Date.now().toString(36)}`;

before(async () => {
  app = await startAppStack();
  webUrl = app.webUrl;
  const organizer = await registerUser(app.stack.api, 'organizer');
  await publishEvent(app.stack.api, organizer, await loginAdmin(app.stack.api), eventInput({ title }));
  mkdirSync(SHOTS, { recursive: true });
  chromium = await launchChromium();
});

after(async () => {
  await chromium?.close();
  await app?.stop();
});

async function journey(page: Page, size: keyof typeof SIZES, report: (line: string) => void) {
  const shot = (name: string) => page.screenshot({ path: resolve(SHOTS, `${size}-${name}.png`) });
  const scripts: number[] = [];
  page.on('requestfinished', async (request) => {
    if (request.resourceType() === 'script') scripts.push((await request.sizes()).responseBodySize);
  });

  const opened = Date.now();
  await page.goto(webUrl);
  await page.getByRole('link', { name: new RegExp(title) }).waitFor();
  report(
    `${size}: first event list visible ${Date.now() - opened} ms after opening; JavaScript downloaded ${(scripts.reduce((a, b) => a + b, 0) / 1024).toFixed(0)} KiB (compressed)`,
  );
  await shot('1-discover');

  await page.getByLabel('Search events').fill(title.split(' ').at(-1)!);
  await page.waitForResponse((r) => r.url().includes('/events?') && r.url().includes('q='));
  await page.getByRole('link', { name: new RegExp(title) }).click();
  await page.getByRole('heading', { name: title }).waitFor();
  await shot('2-event');

  await page.getByRole('button', { name: 'Sign in to book' }).click();
  await page.getByRole('link', { name: /Create an account/ }).click();
  await page.getByLabel('Name').fill(`Ana (${size})`);
  await page.getByLabel('E-mail').fill(`ana-${size}-${Date.now()}@example.com`);
  await page.getByLabel('Password').fill('a sturdy passphrase');
  await shot('3-sign-up');
  await page.getByRole('button', { name: 'Create account' }).click();

  await page.getByRole('heading', { name: title }).waitFor();
  const more = page.getByRole('button', { name: 'One more Standard ticket' });
  await more.click();
  await more.click();
  await page.getByText('2 tickets · €50.00').waitFor();
  await shot('4-choose');
  await page.getByRole('button', { name: 'Book and pay' }).click();

  await page.getByText('Seats held for you').waitFor();
  await page.getByLabel('Card number').fill('4242 4242 4242 4242');
  await page.getByLabel('Expiry (MM/YY)').fill('12/34');
  await page.getByLabel('CVC').fill('123');
  await shot('5-pay');
  await page.getByRole('button', { name: 'Pay €50.00' }).click();
  await page.getByText(/You're going!/).waitFor({ timeout: 30_000 });
  assert.equal(await page.getByLabel('Status: Confirmed').count(), 1);
  await shot('6-confirmed');

  await page.getByRole('button', { name: 'See your tickets' }).click();
  const codes = page.getByTestId('ticket-qr');
  await codes.nth(1).waitFor({ timeout: 30_000 });
  assert.equal(await codes.count(), 2, 'one QR code per seat');
  await shot('7-tickets');

  // A reload renews the session from the HttpOnly refresh cookie: still signed in, tickets from the server.
  const renewed = page.waitForResponse((r) => r.url().endsWith('/auth/refresh') && r.request().method() === 'POST');
  const fetched = page.waitForResponse((r) => new URL(r.url()).pathname === '/tickets');
  await page.reload();
  assert.equal((await renewed).status(), 200, 'the session is renewed from the cookie');
  assert.equal((await fetched).status(), 200, 'the tickets come from Eventify');
  await codes.nth(1).waitFor({ timeout: 30_000 });

  // The app's files come from its service worker, the tickets from the copy this device keeps.
  const controlled = await page.evaluate(async () => {
    // In the page: the browser's navigator (this file is type-checked against Node's globals, not the DOM's).
    const { serviceWorker } = (globalThis as unknown as { navigator: { serviceWorker: { ready: Promise<unknown>; controller: unknown } } })
      .navigator;
    await serviceWorker.ready;
    for (let i = 0; i < 100 && !serviceWorker.controller; i++) await new Promise((r) => setTimeout(r, 100));
    return !!serviceWorker.controller;
  });
  assert.ok(controlled, 'the service worker controls the page');
  await page.context().setOffline(true);
  await page.reload();
  await codes.nth(1).waitFor({ timeout: 30_000 });
  assert.equal(await codes.count(), 2, 'both QR codes open offline');
  await page.getByText(/Showing the tickets saved on this device/).waitFor();
  await shot('8-offline');
  await page.context().setOffline(false);
}

describe('the attendee journey in the web app', () => {
  for (const size of Object.keys(SIZES) as (keyof typeof SIZES)[]) {
    it(`signs up, books and pays for two tickets, and shows both QR codes offline (${size})`, async (t) => {
      const context = await chromium.browser.newContext({ viewport: SIZES[size], locale: 'en-US', timezoneId: 'Europe/Berlin' });
      const page = await context.newPage();
      const errors: string[] = [];
      page.on('pageerror', (error) => errors.push(error.message));
      try {
        await journey(page, size, (line) => t.diagnostic(line));
        assert.deepEqual(errors, [], 'no uncaught errors in the page');
      } finally {
        await context.close();
      }
    });
  }
});
