import type { RouteOptions } from 'fastify';
import { ProblemSchema } from '@eventify/contracts';

/** What each error status means, as the API docs say it; every error is RFC 9457 problem+json. */
const PROBLEMS: Record<number, string> = {
  400: 'The request is not valid: `errors` names each bad field (e.g. `body.items.0.quantity`).',
  401: 'No valid access token: send one as `Authorization: Bearer <token>`.',
  403: 'Signed in, but not allowed to do this (a role or ownership is missing).',
  404: 'Nothing by that id here (or nothing you may see).',
  409: 'The request conflicts with the current state of the resource.',
  410: 'It was there, but is no more.',
  413: 'The request body is larger than this endpoint accepts.',
  415: 'Send the request body as application/json.',
  422: 'Understood, but it cannot be done.',
  429: 'Too many requests: wait as long as `Retry-After` says.',
  502: 'The service behind the gateway answered badly.',
  503: 'Temporarily unavailable (a service or a database it needs is down): try again in a moment.',
  504: 'The service behind the gateway did not answer in time.',
};

export const PROBLEM_MEDIA_TYPE = 'application/problem+json';

/** One error answer for a route's `schema.response`: problem+json, described. */
export function problem(status: number, description = PROBLEMS[status] ?? 'An error (problem+json).') {
  return { description, content: { [PROBLEM_MEDIA_TYPE]: { schema: ProblemSchema } } };
}

/**
 * Error answers a route gives beyond the usual ones (which routeDocs adds by itself): spread into
 * `schema.response`, e.g. `response: { 200: BookingSchema, ...problems(409) }`.
 */
export function problems(...statuses: number[]): Record<number, ReturnType<typeof problem>> {
  return Object.fromEntries(statuses.map((status) => [status, problem(status)]));
}

/** How a route is guarded, read from its onRequest hooks. */
export type Access = 'public' | 'optional' | 'user' | 'role';

interface GuardFunctions {
  authenticate: unknown;
  optionalAuth: unknown;
  isRoleGuard: (hook: unknown) => boolean;
}

/** The access of a route, from the kit's guards among its onRequest hooks. */
export function accessOf(route: Pick<RouteOptions, 'onRequest'>, guards: GuardFunctions): Access {
  const hooks = [route.onRequest ?? []].flat() as unknown[];
  if (hooks.some((hook) => guards.isRoleGuard(hook))) return 'role';
  if (hooks.includes(guards.authenticate)) return 'user';
  if (hooks.includes(guards.optionalAuth)) return 'optional';
  return 'public';
}

const BEARER = [{ bearerAuth: [] }];

/**
 * Start-up hook (installed with the guards): every public route of a service is documented from what it does.
 * - `security` follows from the guard: authenticate and role guards need the bearer token, optionalAuth takes it
 *   when sent; a route that writes `security` itself is refused (it would drift from its guard).
 * - The usual errors are declared as problem+json: 400 for any route, 401 when a token is checked, 403 for a
 *   signed-in route, 404 for a route naming a resource in its path, 413/415 for routes taking a body, 503 (a database
 *   down). A route declares others (409, …) with `problems()`. The gateway adds its own (429, 502, 504).
 * - A route must declare its success answer (`schema.response` with a 2xx): the API docs are only as good as that.
 */
export function documentRoutes(route: RouteOptions, guards: GuardFunctions, service: string): void {
  const schema = (route.schema ?? {}) as Record<string, unknown> & { response?: Record<string, unknown>; hide?: boolean };
  if (schema.hide || route.url.startsWith('/internal/')) return;
  const where = `${service}: ${[route.method].flat().join(',')} ${route.url}`;
  if (schema.security) throw new Error(`${where}: do not write schema.security by hand; it follows from the route's guard (onRequest)`);
  const response = { ...(schema.response ?? {}) };
  if (!Object.keys(response).some((status) => /^2\d\d$/.test(status))) {
    throw new Error(`${where}: declare the success answer in schema.response (e.g. { 200: SomeSchema } from @eventify/contracts)`);
  }
  const access = accessOf(route, guards);
  const usual = [400, 503];
  if (access !== 'public') usual.push(401);
  // Role guards refuse with 403, and so do routes whose answer depends on who asks (staff of that event, …).
  if (access === 'user' || access === 'role') usual.push(403);
  if (route.url.includes(':')) usual.push(404);
  if ([route.method].flat().some((method) => ['POST', 'PUT', 'PATCH'].includes(method))) usual.push(413, 415);
  for (const status of usual) response[status] ??= problem(status);
  const security = access === 'public' ? {} : { security: access === 'optional' ? [{}, ...BEARER] : BEARER };
  route.schema = { ...schema, ...security, response };
}
