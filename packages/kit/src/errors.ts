/**
 * The one error type of every service. Throw an AppError anywhere; the HTTP error handler turns it
 * into an RFC 9457 problem+json answer. Anything else that escapes is logged and answered as 500.
 */
export interface FieldError {
  /** Dotted path of the offending field, e.g. `items.0.quantity`. */
  readonly field: string;
  readonly message: string;
}

export interface ProblemDetails {
  type: string;
  title: string;
  status: number;
  detail?: string;
  instance?: string;
  errors?: FieldError[];
  [extension: string]: unknown;
}

export const PROBLEM_CONTENT_TYPE = 'application/problem+json; charset=utf-8';
const TYPE_BASE = 'https://eventify.dev/problems/';

export class AppError extends Error {
  readonly status: number;
  /** Short machine-readable slug; becomes the problem `type` URI. */
  readonly code: string;
  readonly title: string;
  readonly errors: FieldError[] | undefined;
  readonly extensions: Record<string, unknown>;
  /** Response headers to add (e.g. Retry-After). */
  readonly headers: Record<string, string>;

  constructor(options: {
    status: number;
    code: string;
    title: string;
    detail?: string;
    errors?: FieldError[];
    extensions?: Record<string, unknown>;
    headers?: Record<string, string>;
    cause?: unknown;
  }) {
    super(options.detail ?? options.title, { cause: options.cause });
    this.name = 'AppError';
    this.status = options.status;
    this.code = options.code;
    this.title = options.title;
    this.errors = options.errors;
    this.extensions = options.extensions ?? {};
    this.headers = options.headers ?? {};
  }

  toProblem(instance?: string): ProblemDetails {
    const problem: ProblemDetails = {
      type: TYPE_BASE + this.code,
      title: this.title,
      status: this.status,
      detail: this.message,
      ...this.extensions,
    };
    if (instance) problem.instance = instance;
    if (this.errors?.length) problem.errors = this.errors;
    return problem;
  }
}

export const badRequest = (detail: string, errors?: FieldError[]) =>
  new AppError({ status: 400, code: 'validation-error', title: 'Your request is not valid', detail, errors: errors ?? [] });
export const unauthorized = (detail = 'Sign in to do this: send a valid access token as "Authorization: Bearer <token>".') =>
  new AppError({ status: 401, code: 'unauthorized', title: 'Authentication required', detail, headers: { 'www-authenticate': 'Bearer' } });
export const forbidden = (detail = 'You are not allowed to do this.') =>
  new AppError({ status: 403, code: 'forbidden', title: 'Forbidden', detail });
export const notFound = (what = 'resource', detail?: string) =>
  new AppError({ status: 404, code: 'not-found', title: 'Not found', detail: detail ?? `No such ${what}.` });
export const conflict = (detail: string, code = 'conflict', extensions?: Record<string, unknown>) =>
  new AppError({ status: 409, code, title: 'Conflict', detail, extensions: extensions ?? {} });
/** A Retry-After header: whole seconds, at least one. */
const retryAfter = (seconds: number) => ({ 'retry-after': String(Math.max(1, Math.ceil(seconds))) });
export const tooManyRequests = (retryAfterSeconds: number, detail = 'Too many requests. Slow down and try again later.') =>
  new AppError({ status: 429, code: 'rate-limited', title: 'Too many requests', detail, headers: retryAfter(retryAfterSeconds) });
export const serviceUnavailable = (detail: string, retryAfterSeconds?: number) =>
  new AppError({
    status: 503,
    code: 'service-unavailable',
    title: 'Service unavailable',
    detail,
    headers: retryAfterSeconds === undefined ? {} : retryAfter(retryAfterSeconds),
  });
export const badGateway = (detail: string) => new AppError({ status: 502, code: 'bad-gateway', title: 'Bad gateway', detail });
export const gatewayTimeout = (detail: string) => new AppError({ status: 504, code: 'gateway-timeout', title: 'Gateway timeout', detail });

export function isAppError(error: unknown): error is AppError {
  return error instanceof AppError;
}
