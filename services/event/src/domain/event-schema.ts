import type { z } from 'zod';
import { EventInputSchema, EventPatchSchema, TierInputSchema } from '@eventify/contracts';

export { EVENT_CATEGORIES as CATEGORIES } from '@eventify/contracts';

/** The request schemas live in the contract (the app's event form uses the same); the service validates with them. */
export const createEventSchema = EventInputSchema;
export const patchEventSchema = EventPatchSchema;
export const tierInput = TierInputSchema;
export type EventInput = z.infer<typeof EventInputSchema>;
export type TierInput = z.infer<typeof TierInputSchema>;
export type EventPatch = z.infer<typeof EventPatchSchema>;

export function validateMerged(merged: unknown) {
  return createEventSchema.safeParse(merged);
}

/** Lower-case word prefixes searched by `q` (no text indexes on the MongoDB-protocol server here). */
export function keywordsOf(...texts: string[]): string[] {
  const words = new Set<string>();
  for (const text of texts) {
    for (const word of text
      .toLowerCase()
      .normalize('NFKD')
      .replace(/[\u0300-\u036f]/g, '')
      .split(/[^\p{L}\p{N}]+/u)) {
      if (word.length >= 2) words.add(word.slice(0, 40));
    }
  }
  return [...words].slice(0, 500);
}

export function normaliseQuery(q: string): string[] {
  return keywordsOf(q).slice(0, 8);
}
