import Stripe from 'stripe';
import { Redis } from 'ioredis';
import { eventInput, publishEvent, type TestStack, type TestUser } from '@eventify/testing';

/** The official client pointed at this stack's Stripe stand-in: what the mobile app's payment sheet would do. */
export function standinStripe(stack: TestStack): Stripe {
  return new Stripe('sk_test_eventify_tests', { host: '127.0.0.1', port: stack.plan.stripe.port, protocol: 'http' });
}

export async function paidEvent(stack: TestStack, organizer: TestUser, admin: TestUser, capacity = 10, price = 2500) {
  const event = await publishEvent(
    stack.api,
    organizer,
    admin,
    eventInput({ tiers: [{ name: 'Standard', price, currency: 'EUR', capacity }] }),
  );
  return { event, tierId: event.tiers[0]!.id as string };
}

export async function book(stack: TestStack, buyer: TestUser, eventId: string, tierId: string, quantity = 1) {
  const response = await stack.api.post('/bookings', { eventId, items: [{ tierId, quantity }] }, { token: buyer.token });
  if (response.status !== 201) throw new Error(`booking failed: ${response.status} ${response.text}`);
  return response.body as { id: string; amount: number; status: string };
}

export async function bookingOf(stack: TestStack, buyer: TestUser, id: string) {
  return (await stack.api.get(`/bookings/${id}`, { token: buyer.token })).body;
}

/** Integration events of one type that reached the bus in this run. */
export async function busEvents(stack: TestStack, type: string) {
  const redis = new Redis(stack.plan.infra.redis);
  try {
    const entries = await redis.xrange(`${stack.plan.namespace}:stream:${type}`, '-', '+');
    return entries.map(([, fields]) => JSON.parse(fields[1]!));
  } finally {
    redis.disconnect();
  }
}

/** A webhook as Stripe sends it: JSON body and a real `Stripe-Signature` made with the endpoint secret. */
export function signedWebhook(stack: TestStack, event: Record<string, unknown>, options: { secret?: string; timestamp?: number } = {}) {
  const payload = JSON.stringify(event);
  const signature = new Stripe('sk_test_signer').webhooks.generateTestHeaderString({
    payload,
    secret: options.secret ?? stack.plan.stripe.webhookSecret,
    ...(options.timestamp ? { timestamp: options.timestamp } : {}),
  });
  return stack.api.request('POST', '/payments/webhooks/stripe', {
    rawBody: payload,
    headers: { 'content-type': 'application/json', 'stripe-signature': signature },
  });
}

export function stripeEvent(type: string, object: Record<string, unknown>) {
  return {
    id: `evt_test_${Math.random().toString(36).slice(2)}`,
    object: 'event',
    type,
    created: Math.floor(Date.now() / 1000),
    livemode: false,
    data: { object },
  };
}
