import { config } from '@/config';

/**
 * The two calls Stripe.js makes to pay by card from a browser, made with the publishable key: create a
 * PaymentMethod from the card, then confirm the PaymentIntent with it and the intent's client secret. The card
 * goes from the browser to Stripe (or, in development, to the Stripe stand-in at EXPO_PUBLIC_STRIPE_API_URL).
 */
export interface CardInput {
  number: string;
  expMonth: number;
  expYear: number;
  cvc: string;
}

export type ConfirmOutcome = { status: 'succeeded' | 'processing' } | { status: 'failed'; message: string };

interface StripeErrorBody {
  error?: { message?: string; code?: string; decline_code?: string };
}

interface StripeIntent {
  status: string;
  last_payment_error?: { message?: string } | null;
}

class StripeRequestError extends Error {}

async function stripePost<T>(path: string, params: Record<string, string>): Promise<T> {
  let response: Response;
  try {
    response = await fetch(`${config.stripeApiUrl}${path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${config.stripePublishableKey}`, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(params).toString(),
    });
  } catch {
    throw new StripeRequestError("We couldn't reach the payment provider. Check your connection and try again.");
  }
  const body = (await response.json().catch(() => ({}))) as T & StripeErrorBody;
  if (!response.ok) throw new StripeRequestError(body.error?.message ?? 'The payment provider refused this payment. Try another card.');
  return body;
}

export async function payByCard(intent: { paymentIntentId: string; clientSecret: string }, card: CardInput): Promise<ConfirmOutcome> {
  try {
    const method = await stripePost<{ id: string }>('/v1/payment_methods', {
      type: 'card',
      'card[number]': card.number,
      'card[exp_month]': String(card.expMonth),
      'card[exp_year]': String(card.expYear),
      'card[cvc]': card.cvc,
    });
    const confirmed = await stripePost<StripeIntent>(`/v1/payment_intents/${encodeURIComponent(intent.paymentIntentId)}/confirm`, {
      payment_method: method.id,
      client_secret: intent.clientSecret,
    });
    if (confirmed.status === 'succeeded' || confirmed.status === 'processing') return { status: confirmed.status };
    if (confirmed.status === 'requires_action') {
      return {
        status: 'failed',
        message: 'Your bank asks to confirm this payment in a way this browser does not support yet. Try another card or the app.',
      };
    }
    return { status: 'failed', message: confirmed.last_payment_error?.message ?? 'Your card was declined. Try another card.' };
  } catch (error) {
    if (error instanceof StripeRequestError) return { status: 'failed', message: error.message };
    throw error;
  }
}

/** Checks a person can fix before anything is sent; Stripe decides the rest. */
export function checkCard(
  fields: { number: string; expiry: string; cvc: string },
  now = new Date(),
): { card?: CardInput; errors: Record<string, string> } {
  const errors: Record<string, string> = {};
  const number = fields.number.replace(/[\s-]/g, '');
  if (!/^\d{12,19}$/.test(number) || !luhn(number)) errors.number = 'Enter the card number as printed on the card.';
  const expiry = /^(\d{1,2})\s*\/\s*(\d{2}|\d{4})$/.exec(fields.expiry.trim());
  const expMonth = expiry ? Number(expiry[1]) : 0;
  const expYear = expiry ? (expiry[2]!.length === 2 ? 2000 + Number(expiry[2]) : Number(expiry[2])) : 0;
  if (!expiry || expMonth < 1 || expMonth > 12) errors.expiry = 'Enter the expiry date as MM/YY.';
  else if (expYear < now.getFullYear() || (expYear === now.getFullYear() && expMonth < now.getMonth() + 1))
    errors.expiry = 'This card has expired.';
  if (!/^\d{3,4}$/.test(fields.cvc.trim())) errors.cvc = 'Enter the 3 or 4 digits on the back of the card.';
  if (Object.keys(errors).length) return { errors };
  return { card: { number, expMonth, expYear, cvc: fields.cvc.trim() }, errors };
}

function luhn(digits: string): boolean {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let digit = Number(digits[digits.length - 1 - i]);
    if (i % 2 === 1) {
      digit *= 2;
      if (digit > 9) digit -= 9;
    }
    sum += digit;
  }
  return sum % 10 === 0;
}
