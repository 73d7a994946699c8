import { randomUUID } from 'node:crypto';
import cors from '@fastify/cors';
import Fastify, { type FastifyInstance, type FastifyRequest } from 'fastify';
import qs from 'qs';
import Stripe from 'stripe';
import {
  DECLINING_CARDS,
  DECLINING_METHODS,
  StripeApiError,
  nowSeconds,
  stripeId,
  type Decline,
  type PaymentIntent,
  type PaymentMethod,
  type Refund,
  type StripeEvent,
} from './objects.js';

export interface StandinOptions {
  /** Where signed webhooks are delivered (the payment service's public endpoint, through the gateway). */
  webhookUrl: string | undefined;
  /** The endpoint secret (whsec_…) webhooks are signed with, as Stripe does. */
  webhookSecret: string;
  /** Delivery attempts per event before giving up (Stripe retries for days; here a few quick tries). */
  maxDeliveryAttempts?: number;
  logger?: boolean;
}

const API_VERSION = '2026-10-28.endive';

/**
 * A small, stateful Stripe for development and tests. stripe-mock (Stripe's own emulator) checks that our
 * calls are well-formed but keeps no state and returns fixed ids; this answers the few endpoints the
 * payment service uses with unique ids and real state, and, like Stripe, delivers signed webhooks when an
 * intent is confirmed or a refund is made. Requests are form-encoded and answers are Stripe-shaped, so the
 * official `stripe` client talks to it unchanged (host/port/protocol settings).
 */
export function createStripeStandin(options: StandinOptions): FastifyInstance {
  const app = Fastify({ logger: options.logger ?? false });
  const intents = new Map<string, PaymentIntent>();
  const refunds = new Map<string, Refund>();
  const events: StripeEvent[] = [];
  const idempotent = new Map<string, { status: number; body: unknown }>();
  const signer = new Stripe('sk_test_standin_signer');
  const maxAttempts = options.maxDeliveryAttempts ?? 5;

  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_request, body, done) => {
    done(null, qs.parse(body as string, { depth: 5, arrayLimit: 100 }));
  });

  // Like Stripe's API, callable from any web page: browsers confirm payments with the publishable key.
  void app.register(cors, {
    origin: '*',
    allowedHeaders: ['authorization', 'content-type', 'idempotency-key', 'stripe-version'],
    maxAge: 600,
  });

  const publishable = new WeakSet<FastifyRequest>();
  app.addHook('onRequest', async (request) => {
    if (!request.url.startsWith('/v1/') || request.method === 'OPTIONS') return;
    // Like Stripe: the secret key as a Bearer token, or as the user name of Basic auth (`curl -u sk_test_…:`);
    // a publishable key (pk_…) only where Stripe.js uses one, with the intent's client secret.
    const auth = request.headers.authorization ?? '';
    const basic = /^Basic (\S+)$/.exec(auth);
    const key = basic ? Buffer.from(basic[1]!, 'base64').toString().split(':')[0] : auth.replace(/^Bearer /, '');
    if (/^pk_(test|live)_\S+$/.test(key ?? '')) {
      const path = request.url.split('?')[0]!;
      const allowed =
        (request.method === 'POST' && (path === '/v1/payment_methods' || /^\/v1\/payment_intents\/[^/]+\/confirm$/.test(path))) ||
        (request.method === 'GET' && /^\/v1\/payment_intents\/[^/]+$/.test(path));
      if (!allowed)
        throw new StripeApiError(
          401,
          'invalid_request_error',
          'This API call cannot be made with a publishable API key. Please use a secret API key.',
        );
      publishable.add(request);
      return;
    }
    if (!/^sk_(test|live)_\S+$/.test(key ?? '')) {
      throw new StripeApiError(401, 'invalid_request_error', 'Invalid API Key provided.');
    }
  });

  /** With a publishable key, only the holder of the intent's client secret may see or confirm it. */
  function checkClientSecret(request: FastifyRequest, pi: PaymentIntent, given: unknown): void {
    if (publishable.has(request) && given !== pi.client_secret) {
      throw new StripeApiError(
        400,
        'invalid_request_error',
        'The client_secret provided does not match the client_secret associated with the PaymentIntent.',
        'payment_intent_invalid_parameter',
        'client_secret',
      );
    }
  }

  app.setErrorHandler((error, _request, reply) => {
    if (error instanceof StripeApiError) return reply.status(error.status).send(error.body());
    const status = (error as { statusCode?: number }).statusCode ?? 500;
    return reply
      .status(status)
      .send(new StripeApiError(status, status < 500 ? 'invalid_request_error' : 'api_error', (error as Error).message).body());
  });

  /** Stripe replays the first answer for a repeated Idempotency-Key on the same endpoint. */
  function once(request: { headers: Record<string, unknown>; url: string }, status: number, make: () => unknown) {
    const key = request.headers['idempotency-key'];
    const cacheKey = typeof key === 'string' ? `${request.url} ${key}` : undefined;
    const earlier = cacheKey ? idempotent.get(cacheKey) : undefined;
    if (earlier) return earlier;
    const answer = { status, body: make() };
    if (cacheKey) idempotent.set(cacheKey, answer);
    return answer;
  }

  function intent(id: string): PaymentIntent {
    const found = intents.get(id);
    if (!found) throw new StripeApiError(404, 'invalid_request_error', `No such payment_intent: '${id}'`, 'resource_missing', 'intent');
    return found;
  }

  async function deliver(event: StripeEvent): Promise<void> {
    if (!options.webhookUrl) return;
    const payload = JSON.stringify(event, null, 2);
    for (let attempt = 1; attempt <= maxAttempts; attempt++) {
      const signature = signer.webhooks.generateTestHeaderString({ payload, secret: options.webhookSecret });
      try {
        const response = await fetch(options.webhookUrl, {
          method: 'POST',
          headers: {
            'content-type': 'application/json; charset=utf-8',
            'stripe-signature': signature,
            'user-agent': 'Stripe/1.0 (+https://stripe.com/docs/webhooks)',
          },
          body: payload,
          signal: AbortSignal.timeout(10_000),
        });
        await response.text();
        if (response.ok) return;
        app.log.warn({ event: event.id, status: response.status }, 'webhook refused; retrying');
      } catch (error) {
        app.log.warn({ event: event.id, err: error }, 'webhook delivery failed; retrying');
      }
      await new Promise((r) => setTimeout(r, 200 * 2 ** attempt));
    }
  }

  function emit(type: string, object: PaymentIntent | Refund, idempotencyKey: unknown): void {
    const event: StripeEvent = {
      id: stripeId('evt'),
      object: 'event',
      api_version: API_VERSION,
      created: nowSeconds(),
      type,
      livemode: false,
      pending_webhooks: options.webhookUrl ? 1 : 0,
      request: {
        id: `req_${randomUUID().replace(/-/g, '').slice(0, 14)}`,
        idempotency_key: typeof idempotencyKey === 'string' ? idempotencyKey : null,
      },
      data: { object: structuredClone(object) },
    };
    events.push(event);
    void deliver(event);
  }

  const str = (value: unknown) => (typeof value === 'string' ? value : undefined);
  const metadataOf = (value: unknown): Record<string, string> =>
    value && typeof value === 'object' ? Object.fromEntries(Object.entries(value).map(([k, v]) => [k, String(v)])) : {};
  const positiveInt = (value: unknown, param: string) => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < 1)
      throw new StripeApiError(400, 'invalid_request_error', `Invalid positive integer: ${param}`, 'parameter_invalid_integer', param);
    return n;
  };

  app.get('/healthz', async () => ({ status: 'ok' }));

  app.post<{ Body: Record<string, unknown> }>('/v1/payment_intents', async (request, reply) => {
    const body = request.body ?? {};
    const amount = positiveInt(body.amount, 'amount');
    const currency = str(body.currency);
    if (!currency || !/^[a-z]{3}$/.test(currency))
      throw new StripeApiError(400, 'invalid_request_error', 'Missing required param: currency.', 'parameter_missing', 'currency');
    const answer = once(request, 200, () => {
      const id = stripeId('pi');
      const created: PaymentIntent = {
        id,
        object: 'payment_intent',
        amount,
        amount_received: 0,
        currency,
        status: 'requires_payment_method',
        client_secret: `${id}_secret_${stripeId('s').slice(2)}`,
        metadata: metadataOf(body.metadata),
        created: nowSeconds(),
        livemode: false,
        latest_charge: null,
        payment_method: null,
        last_payment_error: null,
        automatic_payment_methods: body.automatic_payment_methods ? { enabled: true } : null,
        description: str(body.description) ?? null,
      };
      intents.set(id, created);
      return created;
    });
    return reply.status(answer.status).send(answer.body);
  });

  app.get<{ Params: { id: string }; Querystring: { client_secret?: string } }>('/v1/payment_intents/:id', async (request) => {
    const pi = intent(request.params.id);
    checkClientSecret(request, pi, request.query.client_secret);
    return pi;
  });

  /** A card PaymentMethod, as Stripe.js creates one from a card form; Stripe's test numbers decline as they do there. */
  const methodDeclines = new Map<string, Decline>();
  app.post<{ Body: Record<string, unknown> }>('/v1/payment_methods', async (request) => {
    const body = request.body ?? {};
    if (body.type !== 'card')
      throw new StripeApiError(400, 'invalid_request_error', 'Missing required param: type.', 'parameter_missing', 'type');
    const card = (body.card ?? {}) as Record<string, unknown>;
    const number = String(card.number ?? '').replace(/\s/g, '');
    if (!/^\d{12,19}$/.test(number) || !luhn(number))
      throw new StripeApiError(402, 'card_error', 'Your card number is incorrect.', 'incorrect_number', 'card[number]');
    const expMonth = Number(card.exp_month);
    const expYear = Number(card.exp_year);
    const now = new Date();
    if (!(expMonth >= 1 && expMonth <= 12))
      throw new StripeApiError(402, 'card_error', "Your card's expiration month is invalid.", 'invalid_expiry_month', 'card[exp_month]');
    if (!(expYear > now.getFullYear() || (expYear === now.getFullYear() && expMonth >= now.getMonth() + 1))) {
      throw new StripeApiError(402, 'card_error', "Your card's expiration year is invalid.", 'invalid_expiry_year', 'card[exp_year]');
    }
    if (!/^\d{3,4}$/.test(String(card.cvc ?? '')))
      throw new StripeApiError(402, 'card_error', "Your card's security code is invalid.", 'invalid_cvc', 'card[cvc]');
    const method: PaymentMethod = {
      id: stripeId('pm'),
      object: 'payment_method',
      type: 'card',
      card: {
        brand: number.startsWith('4') ? 'visa' : number.startsWith('5') ? 'mastercard' : 'unknown',
        last4: number.slice(-4),
        exp_month: expMonth,
        exp_year: expYear,
      },
      created: nowSeconds(),
      livemode: false,
    };
    const decline = DECLINING_CARDS[number];
    if (decline) methodDeclines.set(method.id, decline);
    return method;
  });

  /** Confirming is what the mobile app's payment sheet does; here a test or a person calls it with curl. */
  app.post<{ Params: { id: string }; Body: Record<string, unknown> | undefined }>(
    '/v1/payment_intents/:id/confirm',
    async (request, reply) => {
      const pi = intent(request.params.id);
      checkClientSecret(request, pi, request.body?.client_secret);
      const answer = once(request, 200, () => {
        if (pi.status === 'succeeded' || pi.status === 'canceled') {
          throw new StripeApiError(
            400,
            'invalid_request_error',
            `This PaymentIntent's status is ${pi.status} and cannot be confirmed.`,
            'payment_intent_unexpected_state',
          );
        }
        const method = str(request.body?.payment_method) ?? 'pm_card_visa';
        pi.payment_method = method;
        const decline = DECLINING_METHODS[method] ?? methodDeclines.get(method);
        if (decline) {
          pi.status = 'requires_payment_method';
          pi.last_payment_error = { ...decline, type: 'card_error' };
          emit('payment_intent.payment_failed', pi, request.headers['idempotency-key']);
        } else {
          pi.status = 'succeeded';
          pi.amount_received = pi.amount;
          pi.latest_charge = stripeId('ch');
          pi.last_payment_error = null;
          emit('payment_intent.succeeded', pi, request.headers['idempotency-key']);
        }
        return structuredClone(pi);
      });
      return reply.status(answer.status).send(answer.body);
    },
  );

  /** Like Stripe: an unpaid PaymentIntent can be cancelled; a succeeded one cannot. */
  app.post<{ Params: { id: string } }>('/v1/payment_intents/:id/cancel', async (request, reply) => {
    const pi = intent(request.params.id);
    const answer = once(request, 200, () => {
      if (pi.status === 'succeeded' || pi.status === 'canceled') {
        throw new StripeApiError(
          400,
          'invalid_request_error',
          `You cannot cancel this PaymentIntent because it has a status of ${pi.status}.`,
          'payment_intent_unexpected_state',
        );
      }
      pi.status = 'canceled';
      emit('payment_intent.canceled', pi, request.headers['idempotency-key']);
      return structuredClone(pi);
    });
    return reply.status(answer.status).send(answer.body);
  });

  app.post<{ Body: Record<string, unknown> }>('/v1/refunds', async (request, reply) => {
    const body = request.body ?? {};
    const piId = str(body.payment_intent);
    if (!piId)
      throw new StripeApiError(
        400,
        'invalid_request_error',
        'Missing required param: payment_intent.',
        'parameter_missing',
        'payment_intent',
      );
    const answer = once(request, 200, () => {
      const pi = intent(piId);
      if (pi.status !== 'succeeded') {
        throw new StripeApiError(
          400,
          'invalid_request_error',
          `PaymentIntent ${piId} does not have a successful charge to refund.`,
          'charge_not_refundable',
        );
      }
      const already = [...refunds.values()]
        .filter((r) => r.payment_intent === piId && r.status !== 'failed')
        .reduce((sum, r) => sum + r.amount, 0);
      const amount = body.amount === undefined ? pi.amount_received - already : positiveInt(body.amount, 'amount');
      if (amount < 1 || already + amount > pi.amount_received) {
        throw new StripeApiError(
          400,
          'invalid_request_error',
          `Refund amount (${amount}) is greater than unrefunded amount on charge (${pi.amount_received - already}).`,
          'amount_too_large',
          'amount',
        );
      }
      const refund: Refund = {
        id: stripeId('re'),
        object: 'refund',
        amount,
        currency: pi.currency,
        payment_intent: piId,
        charge: pi.latest_charge,
        status: 'succeeded',
        reason: str(body.reason) ?? null,
        metadata: metadataOf(body.metadata),
        created: nowSeconds(),
      };
      refunds.set(refund.id, refund);
      emit('refund.created', refund, request.headers['idempotency-key']);
      return refund;
    });
    return reply.status(answer.status).send(answer.body);
  });

  app.get<{ Params: { id: string } }>('/v1/refunds/:id', async (request) => {
    const refund = refunds.get(request.params.id);
    if (!refund) throw new StripeApiError(404, 'invalid_request_error', `No such refund: '${request.params.id}'`, 'resource_missing', 'id');
    return refund;
  });

  /** Like the Dashboard's event list: what was sent, newest first. */
  app.get('/v1/events', async () => ({ object: 'list', data: [...events].reverse().slice(0, 100), has_more: events.length > 100 }));

  return app;
}

/** The check digit every card number carries. */
function luhn(digits: string): boolean {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let digit = Number(digits[digits.length - 1 - i]);
    if (i % 2 === 1) digit = digit * 2 > 9 ? digit * 2 - 9 : digit * 2;
    sum += digit;
  }
  return sum % 10 === 0;
}
