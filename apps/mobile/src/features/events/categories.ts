import type { EventCategory } from '@eventify/contracts';

/** Every category the API knows, in words; the type makes a new category in the contract fail to compile here. */
export const CATEGORY_LABELS: Record<EventCategory, string> = {
  music: 'Music',
  sports: 'Sports',
  arts: 'Arts',
  theatre: 'Theatre',
  comedy: 'Comedy',
  tech: 'Tech',
  food: 'Food & drink',
  business: 'Business',
  education: 'Education',
  family: 'Family',
  other: 'Other',
};
export const CATEGORIES = Object.keys(CATEGORY_LABELS) as EventCategory[];
