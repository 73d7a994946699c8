import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { MongoClient } from 'mongodb';
import { TEST_ADMIN_ENV, eventInput, loginAdmin, publishEvent, registerUser, startTestStack, type TestStack } from '@eventify/testing';

let stack: TestStack;
let mongo: MongoClient;
const events = () => mongo.db().collection<Record<string, unknown>>('events');
const CITIES = ['Hamburg', 'Berlin', 'Munich'];
const CATEGORIES = ['music', 'tech', 'food'];
const SEEDED = 300;

before(async () => {
  stack = await startTestStack({ services: ['auth', 'event', 'approval'], env: { auth: TEST_ADMIN_ENV } });
  const organizer = await registerUser(stack.api, 'organizer');
  const admin = await loginAdmin(stack.api);
  // One event through the whole review cycle, then a few hundred copies of its stored form with varied
  // fields, written directly: the queries under test are the service's, over HTTP.
  const template = await publishEvent(stack.api, organizer, admin, eventInput({ title: 'Template Gathering' }));
  mongo = new MongoClient(new URL(`event_db_${stack.plan.runId}`, `${stack.plan.infra.mongo}/`).toString());
  await mongo.connect();
  const stored = await events().findOne({ _id: template.id as never });
  const docs = Array.from({ length: SEEDED }, (_, i) => {
    const startsAt = new Date(Date.now() + ((i % 100) + 1) * 86_400_000 + i * 1000);
    const city = CITIES[i % 3]!;
    const title = i % 10 === 0 ? `Rare Saxophone Evening ${i}` : `Gathering number ${i}`;
    return {
      ...stored,
      _id: `seed-${String(i).padStart(4, '0')}`,
      title,
      category: CATEGORIES[i % 3],
      venue: { ...(stored!.venue as object), city },
      cityKey: city.toLowerCase(),
      keywords: [...title.toLowerCase().split(/\s+/), 'gathering'],
      startsAt,
      endsAt: new Date(startsAt.getTime() + 3_600_000),
    };
  });
  await events().insertMany(docs);
});
after(async () => {
  await mongo?.close();
  await stack?.stop();
});

async function pageThrough(query: string, startCursor: string | null = null) {
  const ids: string[] = [];
  let cursor: string | null = startCursor;
  let pages = 0;
  do {
    const response: { status: number; body: { items: { id: string; startsAt: string }[]; nextCursor: string | null } } =
      await stack.api.get(`/events?limit=40${query}${cursor ? `&cursor=${cursor}` : ''}`);
    assert.equal(response.status, 200);
    ids.push(...response.body.items.map((e) => e.id));
    cursor = response.body.nextCursor;
    pages++;
  } while (cursor && pages < 100);
  return ids;
}

describe('browsing published events', () => {
  it('pages through every event once, in start order', async () => {
    const ids = await pageThrough('');
    assert.equal(ids.length, SEEDED + 1);
    assert.equal(new Set(ids).size, ids.length, 'no event twice');
  });

  it('filters by text, category, city and dates', async () => {
    const rare = await pageThrough('&q=saxophone');
    assert.equal(rare.length, SEEDED / 10);
    const prefix = await pageThrough('&q=saxo');
    assert.equal(prefix.length, SEEDED / 10, 'words match by prefix');
    const berlinTech = await pageThrough('&city=berlin&category=tech');
    // Berlin and tech are both every third event from the same offset.
    assert.equal(berlinTech.length, SEEDED / 3);
    for (const id of berlinTech.slice(0, 5)) {
      const event = (await stack.api.get(`/events/${id}`)).body;
      assert.equal(event.venue.city, 'Berlin');
      assert.equal(event.category, 'tech');
    }
    const from = new Date(Date.now() + 10 * 86_400_000).toISOString();
    const to = new Date(Date.now() + 20 * 86_400_000).toISOString();
    const window = await stack.api.get(`/events?limit=100&from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}`);
    assert.ok(window.body.items.length > 0);
    for (const event of window.body.items) assert.ok(event.startsAt >= from && event.startsAt <= to);
  });

  it('keeps a cursor correct while events are added', async () => {
    const first = await stack.api.get('/events?limit=20');
    const lastOfFirst = first.body.items.at(-1);
    const stored = await events().findOne({ _id: 'seed-0000' as never });
    // Added while the client pages: two before its position, two after.
    const added = [-2, -1, 1, 2].map((offsetDays) => {
      const startsAt = new Date(Date.parse(lastOfFirst.startsAt) + offsetDays * 3_600_000);
      return { ...stored, _id: `added-${offsetDays}`, startsAt, endsAt: new Date(startsAt.getTime() + 3_600_000) };
    });
    await events().insertMany(added);
    const rest = await pageThrough('', first.body.nextCursor);
    const firstIds = first.body.items.map((e: { id: string }) => e.id);
    assert.equal(rest.filter((id) => firstIds.includes(id)).length, 0, 'nothing from the first page again');
    assert.ok(rest.includes('added-1') && rest.includes('added-2'), 'events after the position appear');
    assert.equal(new Set(rest).size, rest.length, 'nothing twice');
    assert.equal(firstIds.length + rest.length, SEEDED + 1 + 2, 'every event before the change seen exactly once');
  });

  it('refuses a broken cursor and bad filters with 400', async () => {
    assert.equal((await stack.api.get('/events?cursor=not-a-cursor')).status, 400);
    assert.equal((await stack.api.get('/events?category=knitting')).status, 400);
    assert.equal((await stack.api.get('/events?from=yesterday')).status, 400);
  });
});
