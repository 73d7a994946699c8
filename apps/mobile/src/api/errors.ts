import type { Problem } from '@eventify/contracts';

export type ApiErrorKind = 'offline' | 'timeout' | 'http';

/**
 * Every failed call, as one type: no network, too slow, or an HTTP error with its problem+json. Screens turn
 * it into words with `describeError`; forms put `fieldErrors` beside their fields.
 */
export class ApiError extends Error {
  constructor(
    readonly kind: ApiErrorKind,
    readonly status: number,
    readonly problem: Problem | null,
    /** Seconds to wait before retrying, from Retry-After (429, 503). */
    readonly retryAfterSeconds: number | null = null,
  ) {
    super(problem?.detail ?? problem?.title ?? (kind === 'http' ? `HTTP ${status}` : kind));
    this.name = 'ApiError';
  }

  /** Field errors by field name as the form knows it: `body.venue.city` → `venue.city`. */
  get fieldErrors(): Record<string, string> {
    const byField: Record<string, string> = {};
    for (const error of this.problem?.errors ?? []) {
      const field = error.field.replace(/^(body|query|params|querystring)\./, '');
      byField[field] ??= error.message;
    }
    return byField;
  }

  /** The problem's type without its URL base, e.g. "sold-out", for branching on a specific conflict. */
  get code(): string | null {
    const type = this.problem?.type;
    if (!type || type === 'about:blank') return null;
    return type.split('/').pop() ?? null;
  }
}

export function isApiError(error: unknown): error is ApiError {
  return error instanceof ApiError;
}

function waitInWords(seconds: number): string {
  if (seconds < 60) return `${seconds} second${seconds === 1 ? '' : 's'}`;
  const minutes = Math.ceil(seconds / 60);
  return `${minutes} minute${minutes === 1 ? '' : 's'}`;
}

/** One sentence a person understands, for any error a call can end in. */
export function describeError(error: unknown): string {
  if (!isApiError(error)) return 'Something went wrong on this device. Try again.';
  if (error.kind === 'offline') return "You're offline. Check your connection and try again.";
  if (error.kind === 'timeout') return 'Eventify is taking too long to answer. Try again in a moment.';
  if (error.status === 429) {
    return error.retryAfterSeconds
      ? `Too many attempts. Try again in ${waitInWords(error.retryAfterSeconds)}.`
      : 'Too many attempts. Wait a moment and try again.';
  }
  if (error.status >= 500) return 'Eventify is having trouble right now. Try again in a moment.';
  if (error.problem?.errors?.length && !error.problem.detail) return 'Some fields need a second look.';
  return error.problem?.detail ?? error.problem?.title ?? 'That did not work. Try again.';
}
