import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import type { IntegrationEvent } from '@eventify/contracts';
import { EventBus, connectRedis, listDeadLetters, outboxEvent, replayDeadLetters, type RedisHandle } from '../src/index.js';
import { eventually, infra, uniqueName } from './helpers.js';

const handles: RedisHandle[] = [];

/** A small real integration event's payload (the bus carries only known types, checked against their schemas). */
const expired = (bookingId: string) => ({ bookingId, userId: 'user-1', eventId: 'event-1' });
const buses: EventBus[] = [];

async function makeBus(namespace: string, options: Partial<ConstructorParameters<typeof EventBus>[0]> = {}) {
  const handle = await connectRedis(infra.redis);
  handles.push(handle);
  const bus = new EventBus({
    redis: handle.redis,
    blockingRedis: handle.duplicate(),
    namespace,
    source: 'test',
    group: 'consumers',
    claimIdleMs: 200,
    blockMs: 100,
    ...options,
  });
  buses.push(bus);
  return { bus, redis: handle.redis };
}

after(async () => {
  await Promise.all(buses.map((b) => b.stop()));
  for (const h of handles) {
    const keys = await h.redis.keys('bus-test-*');
    if (keys.length) await h.redis.del(...keys);
  }
  await Promise.all(handles.map((h) => h.close()));
});

describe('event bus on Redis Streams', () => {
  it('delivers a published event to every subscribing group, once each', async () => {
    const namespace = uniqueName('bus-test');
    const received: Record<string, IntegrationEvent[]> = { a: [], b: [] };
    const { bus: publisher } = await makeBus(namespace);
    for (const group of ['a', 'b'] as const) {
      const { bus } = await makeBus(namespace, { group });
      bus.subscribe('BookingExpired', async (event) => void received[group]!.push(event));
      await bus.start();
    }
    const published = await publisher.publish('BookingExpired', expired('b-1'));
    await eventually(() => received.a!.length === 1 && received.b!.length === 1, 5_000, 'both groups');
    assert.equal(received.a![0]!.id, published.id);
    assert.deepEqual(received.b![0]!.data, expired('b-1'));
    assert.match(received.a![0]!.occurredAt, /^\d{4}-\d\d-\d\dT/);
  });

  it('runs the handler once for an event id delivered twice', async () => {
    const namespace = uniqueName('bus-test');
    const seen: string[] = [];
    const { bus } = await makeBus(namespace);
    bus.subscribe('BookingExpired', async (event) => void seen.push(event.id));
    await bus.start();
    await bus.publish('BookingExpired', expired('b-1'), { id: 'evt-1' });
    await bus.publish('BookingExpired', expired('b-1'), { id: 'evt-1' });
    await bus.publish('BookingExpired', expired('b-2'), { id: 'evt-2' });
    await eventually(() => seen.includes('evt-2'), 5_000, 'evt-2');
    await new Promise((r) => setTimeout(r, 300));
    assert.deepEqual(seen.sort(), ['evt-1', 'evt-2']);
  });

  it('redelivers to another consumer what a crashed consumer had read but not acknowledged', async () => {
    const namespace = uniqueName('bus-test');
    const { bus: publisher, redis } = await makeBus(namespace);
    const stream = publisher.streamKey('BookingExpired');
    await redis.xgroup('CREATE', stream, 'consumers', '0', 'MKSTREAM');
    const event = await publisher.publish('BookingExpired', expired('b-42'));
    // A consumer reads the entry and dies before acknowledging it.
    const read = await redis.xreadgroup('GROUP', 'consumers', 'dead-consumer', 'COUNT', 10, 'STREAMS', stream, '>');
    assert.ok(read, 'the dead consumer read the entry');
    const handled: IntegrationEvent[] = [];
    const { bus: survivor } = await makeBus(namespace, { consumer: 'survivor' });
    survivor.subscribe('BookingExpired', async (e) => void handled.push(e));
    await survivor.start();
    await eventually(() => handled.length === 1, 5_000, 'take-over');
    assert.equal(handled[0]!.id, event.id);
    await eventually(async () => ((await redis.xpending(stream, 'consumers')) as [number])[0] === 0, 5_000, 'acknowledged');
  });

  it('retries a failing handler and then moves the event to the dead-letter stream', async () => {
    const namespace = uniqueName('bus-test');
    let attempts = 0;
    const { bus, redis } = await makeBus(namespace, { maxAttempts: 3 });
    bus.subscribe('BookingExpired', async () => {
      attempts++;
      throw new Error('cannot handle this');
    });
    await bus.start();
    const event = await bus.publish('BookingExpired', expired('b-poison'));
    const dead = await eventually(
      async () => {
        const entries = await redis.xrange(bus.deadLetterKey(), '-', '+');
        return entries.length ? entries : undefined;
      },
      10_000,
      'dead letter',
    );
    assert.equal(attempts, 3);
    const fields = dead[0]![1];
    const value = (name: string) => fields[fields.indexOf(name) + 1];
    assert.equal(JSON.parse(value('event')!).id, event.id);
    assert.equal(value('error'), 'cannot handle this');
    assert.equal(value('attempts'), '3');
  });

  it('succeeds on a later attempt after a transient failure', async () => {
    const namespace = uniqueName('bus-test');
    let attempts = 0;
    const done: string[] = [];
    const { bus } = await makeBus(namespace, { maxAttempts: 5 });
    bus.subscribe('BookingExpired', async (e) => {
      attempts++;
      if (attempts < 2) throw new Error('temporary');
      done.push(e.id);
    });
    await bus.start();
    const event = await bus.publish('BookingExpired', expired('b-flaky'));
    await eventually(() => done.length === 1, 5_000, 'second attempt');
    assert.equal(done[0], event.id);
    assert.equal(attempts, 2);
  });
});

describe('streams and slow consumer groups', () => {
  it('trimming never drops what a group has not acknowledged yet', async () => {
    const namespace = uniqueName('bus-test');
    const { bus: publisher, redis } = await makeBus(namespace, { maxStreamLength: 10 });
    const fast = new Set<string>(); // at least once: a slow round may be claimed again meanwhile
    const { bus: fastBus } = await makeBus(namespace, { group: 'fast', claimIdleMs: 5_000 });
    fastBus.subscribe('BookingExpired', async (event) => void fast.add(event.id));
    await fastBus.start();
    // The slow group exists (its service was deployed) but reads nothing yet.
    await redis.xgroup('CREATE', `${namespace}:stream:BookingExpired`, 'slow', '0', 'MKSTREAM').catch(() => undefined);
    for (let i = 0; i < 300; i++) await publisher.publish('BookingExpired', expired(String(i)));
    await eventually(() => fast.size === 300, 20_000, 'fast group done');
    await publisher.trim('BookingExpired');
    assert.equal(await redis.xlen(`${namespace}:stream:BookingExpired`), 300, 'all kept for the slow group');

    const slow: number[] = [];
    const { bus: slowBus } = await makeBus(namespace, { group: 'slow', claimIdleMs: 5_000 });
    slowBus.subscribe('BookingExpired', async (event) => void slow.push(Number(event.data.bookingId)));
    await slowBus.start();
    await eventually(() => new Set(slow).size === 300, 20_000, 'slow group caught up');
    assert.deepEqual(slow.slice(0, 3), [0, 1, 2], 'from the very first event: nothing was trimmed');
    await new Promise((r) => setTimeout(r, 100)); // the last acknowledgement
    await publisher.trim('BookingExpired');
    assert.ok((await redis.xlen(`${namespace}:stream:BookingExpired`)) < 300, 'trimmed once everyone has it');
  });

  it('a dead-lettered event is listed and, replayed, handled', async () => {
    const namespace = uniqueName('bus-test');
    let failing = true;
    const handled: string[] = [];
    const { bus, redis } = await makeBus(namespace, { group: 'svc', maxAttempts: 2, claimIdleMs: 100 });
    bus.subscribe('BookingExpired', async (event) => {
      if (failing) throw new Error('downstream broken');
      handled.push(event.id);
    });
    await bus.start();
    const published = await bus.publish('BookingExpired', expired('b-replay'));
    const letters = await eventually(
      async () => {
        const found = await listDeadLetters(redis, namespace, 'svc');
        return found.length ? found : undefined;
      },
      10_000,
      'dead letter',
    );
    assert.equal(letters[0]!.error, 'downstream broken');
    assert.equal(JSON.parse(letters[0]!.event).id, published.id);
    failing = false;
    const replayed = await replayDeadLetters(redis, namespace, 'svc', [letters[0]!.entryId]);
    assert.equal(replayed.length, 1);
    await eventually(() => handled.includes(published.id), 5_000, 'handled after the replay');
    assert.equal((await listDeadLetters(redis, namespace, 'svc')).length, 0);
  });

  it("refuses, before Redis would, to publish or subscribe to a type outside its row of the contracts' tables", async () => {
    const namespace = uniqueName('bus-test');
    const { bus, redis } = await makeBus(namespace, { source: 'notification', allowed: { publishes: [], consumes: ['BookingConfirmed'] } });
    const paid = { paymentId: 'p-1', bookingId: 'b-1', userId: 'u-1', paymentIntentId: 'pi_1', amount: 1000, currency: 'EUR' };
    await assert.rejects(
      bus.publish('PaymentSucceeded', paid),
      /notification service may not publish PaymentSucceeded: add it to PUBLISHER/,
    );
    assert.throws(() => bus.subscribe('PaymentSucceeded', async () => undefined), /may not consume PaymentSucceeded: add it to CONSUMES/);
    bus.subscribe('BookingConfirmed', async () => undefined);
    assert.equal(await redis.exists(`${namespace}:stream:PaymentSucceeded`), 0, 'nothing was written');
  });

  it("dead-letters at once, with the reason, an event whose payload does not match its type's schema; the handler never sees it", async () => {
    const namespace = uniqueName('bus-test');
    const handled: string[] = [];
    const { bus, redis } = await makeBus(namespace, { group: 'svc', maxAttempts: 5 });
    bus.subscribe('BookingExpired', async (event) => void handled.push(event.data.bookingId));
    await bus.start();
    // Written as another publisher (an older version, a bug) might have: bookingId missing, userId a number.
    const forged = {
      id: 'evt-bad',
      type: 'BookingExpired',
      occurredAt: new Date().toISOString(),
      source: 'booking',
      data: { userId: 7, eventId: 'e-1' },
    };
    await redis.xadd(bus.streamKey('BookingExpired'), '*', 'event', JSON.stringify(forged));
    await bus.publish('BookingExpired', expired('b-good'));
    const letters = await eventually(
      async () => {
        const found = await listDeadLetters(redis, namespace, 'svc');
        return found.length ? found : undefined;
      },
      10_000,
      'dead letter',
    );
    assert.equal(letters.length, 1);
    assert.equal(JSON.parse(letters[0]!.event).id, 'evt-bad');
    assert.match(letters[0]!.error, /^invalid BookingExpired payload: /);
    assert.match(letters[0]!.error, /bookingId/);
    assert.match(letters[0]!.error, /userId/);
    assert.equal(letters[0]!.attempts, 1, 'not retried: a retry cannot fix a payload');
    await eventually(() => handled.includes('b-good'), 5_000, 'the valid event after it');
    assert.deepEqual(handled, ['b-good']);
  });

  it("refuses to publish, or to store in an outbox, a payload that does not match its type's schema", async () => {
    const namespace = uniqueName('bus-test');
    const { bus, redis } = await makeBus(namespace);
    // Cast: what a caller outside TypeScript's reach (or a careless `as`) could hand over.
    const incomplete = { bookingId: 'b-1' } as unknown as ReturnType<typeof expired>;
    await assert.rejects(bus.publish('BookingExpired', incomplete), /invalid BookingExpired payload: userId: .*; eventId: /);
    assert.throws(() => outboxEvent('BookingExpired', incomplete), /invalid BookingExpired payload/);
    assert.equal(await redis.exists(bus.streamKey('BookingExpired')), 0, 'nothing was written');
  });
});
