import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import Stripe from 'stripe';
import type { FastifyInstance } from 'fastify';
import { createServer } from 'node:http';
import { createStripeStandin } from '../src/standin.js';

// The stand-in speaks Stripe's protocol: the official client works against it unchanged, and its webhooks
// carry signatures that the client library's own verification accepts.
const secret = 'whsec_standin_test_secret';
let standin: FastifyInstance;
let stripe: Stripe;
const received: { body: string; signature: string }[] = [];
const receiver = createServer((request, response) => {
  let body = '';
  request.on('data', (chunk) => (body += chunk));
  request.on('end', () => {
    received.push({ body, signature: String(request.headers['stripe-signature']) });
    response.end('{}');
  });
});

before(async () => {
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  const { port } = receiver.address() as { port: number };
  standin = createStripeStandin({ webhookUrl: `http://127.0.0.1:${port}/`, webhookSecret: secret });
  await standin.listen({ port: 0, host: '127.0.0.1' });
  stripe = new Stripe('sk_test_standin', {
    host: '127.0.0.1',
    port: (standin.server.address() as { port: number }).port,
    protocol: 'http',
  });
});
after(async () => {
  await standin?.close();
  receiver.close();
});

const waitFor = async (n: number) => {
  for (let i = 0; i < 100 && received.length < n; i++) await new Promise((r) => setTimeout(r, 20));
  assert.ok(received.length >= n, `expected ${n} webhooks, got ${received.length}`);
};

it('creates unique intents, honours Idempotency-Key, confirms and refunds with signed webhooks', async () => {
  const a = await stripe.paymentIntents.create(
    { amount: 1200, currency: 'eur', metadata: { bookingId: 'b1' } },
    { idempotencyKey: 'same-key' },
  );
  const again = await stripe.paymentIntents.create(
    { amount: 1200, currency: 'eur', metadata: { bookingId: 'b1' } },
    { idempotencyKey: 'same-key' },
  );
  const b = await stripe.paymentIntents.create({ amount: 1200, currency: 'eur' });
  assert.equal(again.id, a.id);
  assert.notEqual(b.id, a.id);
  assert.equal(a.metadata.bookingId, 'b1');

  const confirmed = await stripe.paymentIntents.confirm(a.id, { payment_method: 'pm_card_visa' });
  assert.equal(confirmed.status, 'succeeded');
  await waitFor(1);
  const event = stripe.webhooks.constructEvent(received[0]!.body, received[0]!.signature, secret);
  assert.equal(event.type, 'payment_intent.succeeded');
  assert.equal((event.data.object as Stripe.PaymentIntent).id, a.id);
  assert.throws(() => stripe.webhooks.constructEvent(received[0]!.body, received[0]!.signature, 'whsec_other_secret'));

  const refund = await stripe.refunds.create({ payment_intent: a.id, amount: 200 });
  assert.equal(refund.status, 'succeeded');
  await assert.rejects(stripe.refunds.create({ payment_intent: a.id, amount: 2000 }), /greater than unrefunded/);
  await waitFor(2);
  assert.equal(stripe.webhooks.constructEvent(received[1]!.body, received[1]!.signature, secret).type, 'refund.created');
});

it('declines the test card that declines, and refuses unknown intents and missing keys like Stripe', async () => {
  const intent = await stripe.paymentIntents.create({ amount: 500, currency: 'eur' });
  const declined = await stripe.paymentIntents.confirm(intent.id, { payment_method: 'pm_card_chargeDeclined' });
  assert.equal(declined.status, 'requires_payment_method');
  assert.equal(declined.last_payment_error?.code, 'card_declined');
  await assert.rejects(stripe.paymentIntents.retrieve('pi_missing'), (error: { statusCode?: number }) => error.statusCode === 404);
  const port = (standin.server.address() as { port: number }).port;
  const anonymous = await fetch(`http://127.0.0.1:${port}/v1/payment_intents/${intent.id}`);
  assert.equal(anonymous.status, 401);
  const basic = await fetch(`http://127.0.0.1:${port}/v1/payment_intents/${intent.id}`, {
    headers: { authorization: `Basic ${Buffer.from('sk_test_x:').toString('base64')}` },
  });
  assert.equal(basic.status, 200);
});

it('lets a browser pay as Stripe.js does: a card PaymentMethod and a confirm with the publishable key and client secret', async () => {
  const port = (standin.server.address() as { port: number }).port;
  const browser = (path: string, form: Record<string, string>) =>
    fetch(`http://127.0.0.1:${port}${path}`, {
      method: 'POST',
      headers: {
        authorization: 'Bearer pk_test_standin',
        'content-type': 'application/x-www-form-urlencoded',
        origin: 'http://localhost:8081',
      },
      body: new URLSearchParams(form).toString(),
    });
  const card = (number: string) => ({
    type: 'card',
    'card[number]': number,
    'card[exp_month]': '12',
    'card[exp_year]': String(new Date().getFullYear() + 2),
    'card[cvc]': '123',
  });

  const preflight = await fetch(`http://127.0.0.1:${port}/v1/payment_methods`, {
    method: 'OPTIONS',
    headers: {
      origin: 'http://localhost:8081',
      'access-control-request-method': 'POST',
      'access-control-request-headers': 'authorization,content-type',
    },
  });
  assert.equal(preflight.headers.get('access-control-allow-origin'), '*');

  const intent = await stripe.paymentIntents.create({ amount: 700, currency: 'eur' });
  const method = await browser('/v1/payment_methods', card('4242 4242 4242 4242'));
  assert.equal(method.status, 200);
  const pm = (await method.json()) as { id: string; card: { last4: string } };
  assert.equal(pm.card.last4, '4242');

  const wrongSecret = await browser(`/v1/payment_intents/${intent.id}/confirm`, {
    payment_method: pm.id,
    client_secret: 'pi_other_secret_x',
  });
  assert.equal(wrongSecret.status, 400);
  const before = received.length;
  const confirmed = await browser(`/v1/payment_intents/${intent.id}/confirm`, {
    payment_method: pm.id,
    client_secret: intent.client_secret!,
  });
  assert.equal(confirmed.status, 200);
  assert.equal(((await confirmed.json()) as { status: string }).status, 'succeeded');
  await waitFor(before + 1);
  assert.equal(JSON.parse(received.at(-1)!.body).type, 'payment_intent.succeeded');

  // Stripe's declining test card declines; a mistyped number never becomes a PaymentMethod.
  const second = await stripe.paymentIntents.create({ amount: 700, currency: 'eur' });
  const declining = (await (await browser('/v1/payment_methods', card('4000000000000002'))).json()) as { id: string };
  const declined = (await (
    await browser(`/v1/payment_intents/${second.id}/confirm`, { payment_method: declining.id, client_secret: second.client_secret! })
  ).json()) as {
    status: string;
    last_payment_error: { decline_code: string };
  };
  assert.equal(declined.status, 'requires_payment_method');
  assert.equal(declined.last_payment_error.decline_code, 'generic_decline');
  const mistyped = await browser('/v1/payment_methods', card('4242424242424241'));
  assert.equal(mistyped.status, 402);
  assert.equal(((await mistyped.json()) as { error: { code: string } }).error.code, 'incorrect_number');

  // A publishable key cannot do what only the server may: refunds, creating intents.
  const refund = await browser('/v1/refunds', { payment_intent: intent.id });
  assert.equal(refund.status, 401);
});
