import { EVENT_SCHEMAS, type EventType } from '@eventify/contracts';

/**
 * A payload that does not match its type's schema is a programming error: refused where the fact is made
 * (`outboxEvent`, `publish`), before any state change is stored with it, so no relay ever carries one.
 */
export function assertValidPayload(type: EventType, data: unknown): void {
  const checked = EVENT_SCHEMAS[type].safeParse(data);
  if (!checked.success) throw new Error(`invalid ${type} payload: ${describeIssues(checked.error.issues)}`);
}

/** Zod's issues in one line for a dead letter: where and what, never the values (payloads may hold personal data). */
export function describeIssues(issues: readonly { path: readonly PropertyKey[]; message: string }[]): string {
  return issues
    .slice(0, 5)
    .map((issue) => `${issue.path.map(String).join('.') || '(root)'}: ${issue.message}`)
    .join('; ');
}
