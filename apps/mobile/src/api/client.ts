import type { Problem } from '@eventify/contracts';
import { randomUUID } from 'expo-crypto';
import { config } from '@/config';
import { ApiError } from './errors';

export type Query = Record<string, string | number | boolean | null | undefined>;

export interface RequestOptions {
  body?: unknown;
  query?: Query;
  /** Send the access token (default). Public calls (sign-in, browsing) say false. */
  auth?: boolean;
  idempotencyKey?: string;
  signal?: AbortSignal;
  /** Cookies travel with the call (the web build's refresh token lives in an HttpOnly cookie). */
  withCredentials?: boolean;
  headers?: Record<string, string>;
  /** Give up after this long (default 20 s); the door waits far less before deciding offline. */
  timeoutMs?: number;
}

/** How the client gets and renews the access token; the session provides it (features/auth). */
export interface AuthHandlers {
  accessToken(): string | null;
  /** Get a new access token after a 401; null when the session is over (the person must sign in again). */
  renew(): Promise<string | null>;
}

let auth: AuthHandlers = { accessToken: () => null, renew: async () => null };

export function setAuthHandlers(handlers: AuthHandlers): void {
  auth = handlers;
}

const TIMEOUT_MS = 20_000;

function urlOf(path: string, query: Query | undefined): string {
  const pairs = Object.entries(query ?? {})
    .filter(([, value]) => value !== undefined && value !== null && value !== '')
    .map(([key, value]) => `${encodeURIComponent(key)}=${encodeURIComponent(String(value))}`);
  return config.apiUrl + path + (pairs.length ? `?${pairs.join('&')}` : '');
}

/** Aborts when the caller's signal does or when the call takes too long (portable: no AbortSignal.any). */
function deadline(callerSignal: AbortSignal | undefined, timeoutMs = TIMEOUT_MS) {
  const controller = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort();
  }, timeoutMs);
  const onAbort = () => controller.abort();
  callerSignal?.addEventListener('abort', onAbort);
  return {
    signal: controller.signal,
    timedOut: () => timedOut,
    done: () => {
      clearTimeout(timer);
      callerSignal?.removeEventListener('abort', onAbort);
    },
  };
}

async function send(method: string, path: string, options: RequestOptions, token: string | null): Promise<Response> {
  const headers: Record<string, string> = { accept: 'application/json, application/problem+json', ...options.headers };
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  if (token) headers.authorization = `Bearer ${token}`;
  if (options.idempotencyKey) headers['idempotency-key'] = options.idempotencyKey;
  const limit = deadline(options.signal, options.timeoutMs);
  try {
    return await fetch(urlOf(path, options.query), {
      method,
      headers,
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
      signal: limit.signal,
      credentials: options.withCredentials ? 'include' : 'omit',
    });
  } catch (error) {
    if (options.signal?.aborted) throw error;
    throw new ApiError(limit.timedOut() ? 'timeout' : 'offline', 0, null);
  } finally {
    limit.done();
  }
}

async function problemOf(response: Response): Promise<Problem | null> {
  try {
    const body = (await response.json()) as Partial<Problem>;
    return typeof body === 'object' && body && typeof body.title === 'string' ? (body as Problem) : null;
  } catch {
    return null;
  }
}

function retryAfterOf(response: Response): number | null {
  const value = response.headers.get('retry-after');
  if (!value) return null;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(1, Math.ceil(seconds));
  const date = Date.parse(value);
  return Number.isNaN(date) ? null : Math.max(1, Math.ceil((date - Date.now()) / 1000));
}

/**
 * One call to the gateway. An expired access token is renewed once, transparently, and the call repeated;
 * every failure becomes an ApiError.
 */
export async function request<T>(method: string, path: string, options: RequestOptions = {}): Promise<T> {
  const wantsAuth = options.auth !== false;
  let token = wantsAuth ? auth.accessToken() : null;
  let response = await send(method, path, options, token);
  if (response.status === 401 && wantsAuth) {
    token = await auth.renew();
    if (token) response = await send(method, path, options, token);
  }
  if (!response.ok) throw new ApiError('http', response.status, await problemOf(response), retryAfterOf(response));
  if (response.status === 204) return undefined as T;
  const type = response.headers.get('content-type') ?? '';
  return (type.includes('json') ? await response.json() : await response.text()) as T;
}

export const api = {
  get: <T>(path: string, options?: RequestOptions) => request<T>('GET', path, options),
  post: <T>(path: string, body?: unknown, options?: RequestOptions) => request<T>('POST', path, { ...options, body }),
  put: <T>(path: string, body?: unknown, options?: RequestOptions) => request<T>('PUT', path, { ...options, body }),
  patch: <T>(path: string, body?: unknown, options?: RequestOptions) => request<T>('PATCH', path, { ...options, body }),
  delete: <T>(path: string, options?: RequestOptions) => request<T>('DELETE', path, options),
};

/** A fresh Idempotency-Key: one per thing the person means to do once (a booking), reused by its retries. */
export function newIdempotencyKey(): string {
  return randomUUID();
}
