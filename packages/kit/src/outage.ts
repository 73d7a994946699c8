/**
 * Errors that mean "a database or Redis is unreachable right now", not "our code is wrong": the client
 * gets 503 (try again) instead of 500, and the logs a warning instead of an error.
 */
const OUTAGE_NAMES = new Set([
  'MongoServerSelectionError',
  'MongoNetworkError',
  'MongoNetworkTimeoutError',
  'MongoNotConnectedError',
  'MongoTopologyClosedError',
  'MongoPoolClearedError',
  'MaxRetriesPerRequestError',
]);
const OUTAGE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  '57P01', // PostgreSQL admin_shutdown (server restarting, or our backend terminated)
  '57P02',
  '57P03', // cannot_connect_now
  '08000',
  '08001',
  '08003',
  '08006',
]);
const OUTAGE_MESSAGES = [
  /Connection is closed/i,
  /Connection terminated/i,
  /timeout exceeded when trying to connect/i,
  /Stream isn't writeable/i,
  /connection .* closed/i,
  /server selection timed out/i,
  // FerretDB answering while its PostgreSQL is away
  /failed to connect to/i,
  /connection refused/i,
  // the driver's MongoBulkWriteError (insertMany) keeps only the message of the network error it wraps
  /\b(ECONNREFUSED|ECONNRESET|EPIPE|ETIMEDOUT)\b/,
  /not currently accepting connections/i,
  /the database system is (starting up|shutting down)/i,
];

export function isOutage(error: unknown): boolean {
  for (
    let e = error as { name?: string; code?: unknown; message?: string; cause?: unknown } | undefined, depth = 0;
    e && depth < 5;
    e = e.cause as typeof e, depth++
  ) {
    if (typeof e !== 'object') return false;
    if (e.name && OUTAGE_NAMES.has(e.name)) return true;
    if (typeof e.code === 'string' && OUTAGE_CODES.has(e.code)) return true;
    if (typeof e.message === 'string' && OUTAGE_MESSAGES.some((m) => m.test(e!.message!))) return true;
  }
  return false;
}
