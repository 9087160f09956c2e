// Reading what a database driver's error means, whichever driver raised it and however it was
// wrapped (drizzle wraps driver errors in DrizzleQueryError, with the driver's error as `cause`).

type Chained = { code?: unknown; cause?: unknown } | undefined;

function codesOf(err: unknown): string[] {
  const codes: string[] = [];
  for (let e = err as Chained, depth = 0; e && depth < 5; e = e.cause as Chained, depth++) {
    if (typeof e.code === 'string') codes.push(e.code);
  }
  return codes;
}

/** PostgreSQL unique_violation (23505). */
export function isUniqueViolation(err: unknown): boolean {
  return codesOf(err).includes('23505');
}

export const DATABASE_UNAVAILABLE = 'DATABASE_UNAVAILABLE';

/**
 * The server cannot be reached, or takes no sessions: after one of these the database counts as
 * down (the breaker in database-breaker.ts opens).
 */
const UNREACHABLE = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ETIMEDOUT',
  // postgres.js: no connection within connect_timeout
  'CONNECT_TIMEOUT',
  // the server is starting up, shutting down or recovering (cannot_connect_now, crash_shutdown)
  '57P03',
  '57P02',
  // sqlclient_unable_to_establish_sqlconnection, sqlserver_rejected_establishment_of_sqlconnection
  '08001',
  '08004',
]);

/**
 * The connection broke while a statement ran, or the server gave up on it: the answer is "try
 * again", never a 500. A single broken connection does not make the database down.
 */
const INTERRUPTED = new Set([
  'ECONNRESET',
  'EPIPE',
  // postgres.js: the socket closed under a query, or the client was ended
  'CONNECTION_CLOSED',
  'CONNECTION_ENDED',
  'CONNECTION_DESTROYED',
  // admin_shutdown (also pg_terminate_backend), connection_exception, connection_does_not_exist,
  // connection_failure, transaction_resolution_unknown
  '57P01',
  '08000',
  '08003',
  '08006',
  '08007',
  // query_canceled: statement_timeout; too_many_connections
  '57014',
  '53300',
]);

/**
 * The code that makes `err` a database-unavailable failure, if it is one: the driver's own
 * (ECONNREFUSED, 57P01, …) where it is wrapped, else DATABASE_UNAVAILABLE (the breaker's).
 */
export function databaseUnavailableCode(err: unknown): string | undefined {
  return codesOf(err)
    .reverse()
    .find((c) => c === DATABASE_UNAVAILABLE || UNREACHABLE.has(c) || INTERRUPTED.has(c));
}

/** True when `err` (or what it wraps) says the database could not be reached or dropped the statement. */
export function isDatabaseUnavailable(err: unknown): boolean {
  return databaseUnavailableCode(err) !== undefined;
}

/** True when `err` says the server cannot be reached at all (not just one connection broke). */
export function isDatabaseUnreachable(err: unknown): boolean {
  return codesOf(err).some((c) => UNREACHABLE.has(c));
}
