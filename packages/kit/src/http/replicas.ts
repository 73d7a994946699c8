import { BalancedPool, RetryAgent, fetch as undiciFetch, type Dispatcher, type Pool } from 'undici';

/**
 * A peer's address setting (`<NAME>_SERVICE_URL`): one URL (a Kubernetes Service, a single process) or a comma-separated
 * list of its replicas (`npm start` with REPLICAS, compose with one name per container). No trailing slashes.
 */
export function replicaUrls(value: string): string[] {
  return value
    .split(',')
    .map((url) => url.trim().replace(/\/$/, ''))
    .filter(Boolean);
}

/** Failed before a byte of the request left: the request certainly did not run, so any method may go elsewhere. */
const NOT_SENT = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'EHOSTDOWN', 'ENETUNREACH', 'ENETDOWN']);
/** Cut after it may have been sent: only a method that may run twice is tried again. */
const CUT = new Set(['ECONNRESET', 'EPIPE', 'UND_ERR_SOCKET']);
const IDEMPOTENT = new Set(['GET', 'HEAD', 'OPTIONS', 'PUT', 'DELETE', 'TRACE']);

/** Whether a failed attempt may be made again on another replica. */
export function safeToRetry(method: string, code: string | undefined): boolean {
  if (!code) return false;
  return NOT_SENT.has(code) || (CUT.has(code) && IDEMPOTENT.has(method.toUpperCase()));
}

/**
 * Spreads requests over a service's replicas: undici's BalancedPool (weighted round robin; a replica whose
 * connections are refused or cut loses weight at once, down to one request in a hundred, and regains it as it
 * connects again), and undici's RetryAgent sending a failed attempt straight to the next replica when that is
 * safe (`safeToRetry`). Answers, 503s included, go back as they are: only the client knows whether to repeat.
 * `options` are each replica's Pool options (TLS `connect`, timeouts, connection limit).
 */
export function replicaDispatcher(origins: readonly string[], options: Pool.Options = {}): Dispatcher {
  return withFailover(new BalancedPool([...origins], options), origins.length);
}

/** RetryAgent over `dispatcher`: up to `replicas` more attempts, at once, when `safeToRetry` says so. */
export function withFailover(dispatcher: Dispatcher, replicas: number): Dispatcher {
  return new RetryAgent(dispatcher, {
    maxRetries: replicas,
    statusCodes: [],
    retry: (error, { state, opts }, next) => {
      const code = (error as Error & { code?: string }).code;
      if (state.counter > replicas || !safeToRetry(opts.method, code)) return next(error);
      // Not from inside undici's error callback: the next attempt starts on a clean stack.
      setImmediate(() => next(null));
    },
  });
}

/** `fetch` spread over plain-HTTP replicas (test fixtures, benchmarks' baselines); the URL's own origin is ignored. */
export function replicaFetch(
  origins: readonly string[],
  options: Pool.Options = {},
): (url: string | URL, init?: RequestInit) => Promise<Response> {
  const dispatcher = replicaDispatcher(origins, options);
  return (url, init = {}) =>
    undiciFetch(url, { ...(init as Parameters<typeof undiciFetch>[1]), dispatcher }) as unknown as Promise<Response>;
}
