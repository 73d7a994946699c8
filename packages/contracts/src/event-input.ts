import { z } from 'zod';
import { EVENT_CATEGORIES as CATEGORIES } from './public-api.js';

/**
 * What an organizer sends to create or edit an event: one schema, used by the event service to validate and by
 * the app for its form's types. Messages are the words a person sees beside the field.
 */
const CURRENCIES = new Set(Intl.supportedValuesOf('currency'));

const isoDateTime = z.iso.datetime({
  offset: true,
  message: 'must be an ISO 8601 date-time with a time zone offset, e.g. 2027-05-01T19:30:00+02:00',
});
const timeZone = z.string().refine((tz) => {
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}, 'must be an IANA time zone such as Europe/Berlin');

export const TierInputSchema = z.object({
  /** Present when editing an existing tier. */
  id: z.string().max(64).optional(),
  name: z.string().trim().min(1, 'must not be empty').max(80),
  description: z.string().trim().max(1000).optional(),
  price: z.number().int('must be a whole number of minor units (cents)').min(0, 'must not be negative').max(100_000_000),
  currency: z
    .string()
    .transform((c) => c.toUpperCase())
    .refine((c) => CURRENCIES.has(c), 'must be an ISO 4217 currency code such as EUR'),
  capacity: z.number().int().min(1, 'must be at least 1').max(1_000_000),
  salesStart: isoDateTime.optional(),
  salesEnd: isoDateTime.optional(),
  maxPerOrder: z.number().int().min(1).max(100).default(10),
});

const venue = z.object({
  name: z.string().trim().min(1, 'must not be empty').max(150),
  address: z.string().trim().min(1, 'must not be empty').max(300),
  city: z.string().trim().min(1, 'must not be empty').max(100),
  country: z.string().regex(/^[A-Z]{2}$/, 'must be an ISO 3166 alpha-2 country code such as DE'),
  latitude: z.number().min(-90).max(90).optional(),
  longitude: z.number().min(-180).max(180).optional(),
});

const eventFields = z.object({
  title: z.string().trim().min(3, 'must be at least 3 characters').max(150),
  description: z.string().trim().max(10_000).default(''),
  category: z.enum(CATEGORIES),
  coverImageUrl: z
    .string()
    .url()
    .max(2048)
    .refine((u) => u.startsWith('https://'), 'must be an https:// URL')
    .optional(),
  venue,
  startsAt: isoDateTime,
  endsAt: isoDateTime,
  timeZone,
  tiers: z.array(TierInputSchema).min(1, 'needs at least one ticket tier').max(20),
});

/** Rules across fields, each reported on the field a person would fix. */
function crossFieldRules(event: z.infer<typeof eventFields>, ctx: z.RefinementCtx): void {
  if (Date.parse(event.endsAt) <= Date.parse(event.startsAt)) {
    ctx.addIssue({ code: 'custom', path: ['endsAt'], message: 'must be after startsAt' });
  }
  const names = new Set<string>();
  event.tiers.forEach((tier, i) => {
    const key = tier.name.toLowerCase();
    if (names.has(key)) ctx.addIssue({ code: 'custom', path: ['tiers', i, 'name'], message: 'is used by another tier' });
    names.add(key);
    if (tier.salesStart && tier.salesEnd && Date.parse(tier.salesEnd) <= Date.parse(tier.salesStart)) {
      ctx.addIssue({ code: 'custom', path: ['tiers', i, 'salesEnd'], message: 'must be after salesStart' });
    }
    if (tier.salesEnd && Date.parse(tier.salesEnd) > Date.parse(event.endsAt)) {
      ctx.addIssue({ code: 'custom', path: ['tiers', i, 'salesEnd'], message: 'must not be after the event ends' });
    }
  });
}

export const EventInputSchema = eventFields.superRefine(crossFieldRules);
/** The request body (before defaults are applied). */
export type EventInput = z.input<typeof EventInputSchema>;
export type TierInput = z.input<typeof TierInputSchema>;

/**
 * PATCH accepts any subset; the merged result must pass the full schema. No defaults here: a default would
 * fill in a field the organizer did not send (an absent description became '' and wiped the stored one).
 */
export const EventPatchSchema = eventFields
  .extend({ description: z.string().trim().max(10_000) })
  .partial()
  .strict();
export type EventPatch = z.input<typeof EventPatchSchema>;
