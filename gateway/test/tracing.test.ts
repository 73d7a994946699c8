import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  TEST_ADMIN_ENV,
  eventInput,
  loginAdmin,
  poll,
  publishEvent,
  registerUser,
  startOtlpReceiver,
  startTestStack,
  type OtlpReceiver,
  type ReceivedSpan,
  type TestStack,
  type TestUser,
} from '@eventify/testing';

// One paid booking through every service, each exporting its spans to a stand-in collector: the cancellation of
// the confirmed booking is one request whose trace must reach booking, event (seats given back over HTTP), and
// over the bus payment (refund), qr (tickets voided) and notification.
const SERVICES = ['auth', 'event', 'approval', 'booking', 'payment', 'qr', 'notification'] as const;
const SPAN_KIND = { server: 2, producer: 4, consumer: 5 };

let receiver: OtlpReceiver;
let stack: TestStack;
let buyer: TestUser;
let organizer: TestUser;
let admin: TestUser;

before(async () => {
  receiver = await startOtlpReceiver();
  // Short export delay: spans reach the receiver within a second rather than the default five.
  const tracing = { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint, OTEL_BSP_SCHEDULE_DELAY: '200', LOG_LEVEL: 'info' };
  stack = await startTestStack({
    services: [...SERVICES],
    env: { ...Object.fromEntries(SERVICES.map((name) => [name, tracing])), auth: { ...TEST_ADMIN_ENV, ...tracing }, gateway: tracing },
    echo: process.env.ECHO === '1',
    readyTimeoutMs: 180_000,
  });
  [buyer, organizer] = await Promise.all([registerUser(stack.api), registerUser(stack.api, 'organizer')]);
  admin = await loginAdmin(stack.api);
});
after(async () => {
  await stack?.stop();
  await receiver?.close();
});

function spansOfTrace(traceId: string): ReceivedSpan[] {
  return receiver.spans().filter((span) => span.traceId === traceId);
}

/** Log lines of a process as JSON objects (other output, such as a stack trace, is skipped). */
function logLines(name: keyof TestStack['processes']): Record<string, unknown>[] {
  return stack.processes[name]!.output()
    .split('\n')
    .flatMap((line) => {
      try {
        return [JSON.parse(line) as Record<string, unknown>];
      } catch {
        return [];
      }
    });
}

describe('tracing one booking', () => {
  it('follows the cancellation of a paid booking from the gateway through booking, event, payment, qr and notification, bus included', async () => {
    const event = await publishEvent(
      stack.api,
      organizer,
      admin,
      eventInput({ tiers: [{ name: 'Standard', price: 2500, currency: 'EUR', capacity: 10 }] }),
    );
    const booked = await stack.api.post(
      '/bookings',
      { eventId: event.id, items: [{ tierId: event.tiers[0]!.id, quantity: 1 }] },
      { token: buyer.token },
    );
    assert.equal(booked.status, 201, booked.text);
    const intent = await stack.api.post('/payments/intents', { bookingId: booked.body.id }, { token: buyer.token });
    assert.equal(intent.status, 200, intent.text);
    // What the app's payment sheet does: confirm at (the stand-in of) Stripe, which then calls the webhook.
    const confirmed = await fetch(`http://127.0.0.1:${stack.plan.stripe.port}/v1/payment_intents/${intent.body.paymentIntentId}/confirm`, {
      method: 'POST',
      headers: { authorization: 'Bearer sk_test_eventify_tests', 'content-type': 'application/x-www-form-urlencoded' },
      body: 'payment_method=pm_card_visa',
    });
    assert.equal(confirmed.status, 200, await confirmed.clone().text());
    await poll(
      async () => (await stack.api.get(`/bookings/${booked.body.id}`, { token: buyer.token })).body.status === 'confirmed',
      'booking confirmed',
    );
    await poll(async () => {
      const tickets = await stack.api.get(`/tickets?eventId=${event.id}`, { token: buyer.token });
      return tickets.body.items?.length === 1;
    }, 'ticket issued');

    const cancelled = await stack.api.post(`/bookings/${booked.body.id}/cancel`, {}, { token: buyer.token });
    assert.equal(cancelled.status, 200, cancelled.text);
    const requestId = cancelled.headers.get('x-request-id')!;
    assert.ok(requestId);

    // The gateway's server span of this request names the trace.
    const root = await poll(
      async () =>
        receiver
          .spans()
          .find(
            (s) =>
              s.service === 'gateway' &&
              s.kind === SPAN_KIND.server &&
              String(s.attributes['url.path'] ?? s.attributes['http.target'] ?? '').endsWith('/cancel'),
          ),
      'the gateway exported the cancel request',
    );
    const consumers = ['payment', 'qr', 'notification'];
    const trace = await poll(
      async () => {
        const spans = spansOfTrace(root.traceId);
        const services = new Set(spans.map((s) => s.service));
        const handled = consumers.every((name) =>
          spans.some((s) => s.service === name && s.kind === SPAN_KIND.consumer && s.name === 'process BookingCancelled'),
        );
        return ['gateway', 'booking', 'event'].every((name) => services.has(name)) && handled ? spans : undefined;
      },
      'one trace across gateway, booking, event, payment, qr and notification',
      20_000,
    );

    // The bus hop: each consumer span's parent is booking's publish span, itself inside the request's trace.
    const publish = trace.find((s) => s.service === 'booking' && s.kind === SPAN_KIND.producer && s.name === 'publish BookingCancelled');
    assert.ok(publish, "booking published BookingCancelled in the request's trace");
    for (const name of consumers) {
      const consumer = trace.find((s) => s.service === name && s.kind === SPAN_KIND.consumer && s.name === 'process BookingCancelled')!;
      assert.equal(consumer.parentSpanId, publish.spanId, `${name}'s consumer span is a child of the publish span`);
    }
    // Work done in the handlers is inside the consumer spans: payment's refund calls Stripe, in the same trace.
    assert.ok(
      trace.some((s) => s.service === 'payment' && s.kind === 3),
      "payment's outgoing calls during the refund are in the trace",
    );
    // Database and Redis calls made while handling the request are traced too.
    assert.ok(
      trace.some(
        (s) => s.service === 'booking' && (s.attributes['db.system'] === 'mongodb' || s.attributes['db.system.name'] === 'mongodb'),
      ),
      "booking's MongoDB calls",
    );
    assert.ok(
      trace.some(
        (s) => s.service === 'payment' && (s.attributes['db.system'] === 'postgresql' || s.attributes['db.system.name'] === 'postgresql'),
      ),
      "payment's PostgreSQL calls",
    );
    assert.ok(
      trace.some((s) => s.attributes['db.system'] === 'redis' || s.attributes['db.system.name'] === 'redis'),
      'Redis calls',
    );

    // Every service's log lines for the request, the bus consumers' included, carry its request id and trace id.
    for (const name of ['booking', 'event', 'payment', 'qr', 'notification'] as const) {
      const lines = await poll(async () => {
        const found = logLines(name).filter((line) => line.requestId === requestId);
        return found.length ? found : undefined;
      }, `${name} logged the request`);
      for (const line of lines) assert.equal(line.traceId, root.traceId, `${name}: ${JSON.stringify(line)}`);
    }
    const handledLines = logLines('payment').filter(
      (line) => line.msg === 'event handled' && line.type === 'BookingCancelled' && line.requestId === requestId,
    );
    assert.equal(handledLines.length, 1, "payment logged handling the event with the request's id");
    const gatewayLines = logLines('gateway').filter((line) => line.reqId === requestId);
    assert.ok(gatewayLines.length > 0);
    for (const line of gatewayLines) assert.equal(line.traceId, root.traceId);
  });
});
