// Keeps requests from queueing behind a database that is gone. Once the server cannot be reached,
// the breaker opens: statements fail at once with DATABASE_UNAVAILABLE (503 + Retry-After), and
// whoever still waits on a statement is answered the same. Every PROBE_EVERY_MS one statement is
// let through; the first that succeeds closes the breaker, so service resumes without a restart.
// One breaker per database client, created with it (no module state). Web APIs only: Workers too.
import type { Sql } from 'postgres';
import { problems } from '../errors.ts';
import { databaseUnavailableCode, isDatabaseUnreachable } from './db-errors.ts';

/** how often a statement is let through while the database counts as down */
export const PROBE_EVERY_MS = 250;
/** what a 503 tells clients to wait */
export const DATABASE_RETRY_AFTER_SECONDS = 2;
/**
 * A connection attempt that times out while other statements succeed is a slow connect (a loaded
 * server starting sessions), not an outage: its caller gets the 503, the others carry on. In an
 * outage where the server neither answers nor refuses, nothing succeeds and the breaker opens.
 */
const SLOW_CONNECT_GRACE_MS = 1000;
const isTimeout = (err: unknown) => ['CONNECT_TIMEOUT', 'ETIMEDOUT'].includes(databaseUnavailableCode(err) ?? '');

/**
 * postgres.js options that make an outage short for callers: a connection attempt gives up after
 * a second (a server that neither answers nor refuses is then found down within the second the
 * issue allows), and reconnects are retried within 0.2 s (postgres.js by default backs off
 * up to 20 s, and every statement queued meanwhile waits for it). Idle connections are closed after
 * a minute, so few are left to find broken after an outage.
 */
export const postgresOutageOptions = {
  connect_timeout: 1,
  idle_timeout: 60,
  max_lifetime: 30 * 60,
  backoff: (retries: number) => Math.min(0.05 * 2 ** retries, 0.2),
} as const;

export interface DatabaseAvailability {
  /** true while the database counts as down */
  readonly down: boolean;
  /** when it was found down (ms since the epoch), while it is */
  readonly downSince: number | undefined;
}

export interface DatabaseBreaker extends DatabaseAvailability {
  /** runs a statement under the breaker: fails at once while the database is down (unless it is the probe) */
  run<T>(start: () => PromiseLike<T>): Promise<T>;
}

export function createDatabaseBreaker(options: { now?: () => number; probeEveryMs?: number } = {}): DatabaseBreaker {
  const now = options.now ?? Date.now;
  const probeEveryMs = options.probeEveryMs ?? PROBE_EVERY_MS;
  let downSince: number | undefined;
  let lastSuccess = Number.NEGATIVE_INFINITY;
  let lastProbe = 0;
  let probing = false;
  const waiting = new Set<(err: unknown) => void>();

  const unavailable = (cause?: unknown) => problems.databaseUnavailable(DATABASE_RETRY_AFTER_SECONDS, cause);

  function open(cause: unknown) {
    if (downSince !== undefined) return;
    downSince = now();
    lastProbe = downSince;
    // statements still waiting will not be answered by a server that is gone: answer their callers now
    const released = [...waiting];
    waiting.clear();
    for (const reject of released) reject(unavailable(cause));
  }

  return {
    get down() {
      return downSince !== undefined;
    },
    get downSince() {
      return downSince;
    },
    run<T>(start: () => PromiseLike<T>): Promise<T> {
      let probe = false;
      if (downSince !== undefined) {
        if (probing || now() - lastProbe < probeEveryMs) return Promise.reject(unavailable());
        probe = probing = true;
        lastProbe = now();
      }
      return new Promise<T>((resolve, reject) => {
        const release = (err: unknown) => reject(err);
        waiting.add(release);
        const settle = () => {
          waiting.delete(release);
          if (probe) probing = false;
        };
        let started: PromiseLike<T>;
        try {
          started = start();
        } catch (err) {
          settle();
          reject(err);
          return;
        }
        started.then(
          (value) => {
            settle();
            downSince = undefined;
            lastSuccess = now();
            resolve(value);
          },
          (err: unknown) => {
            settle();
            if (databaseUnavailableCode(err) === undefined) return reject(err);
            if (isDatabaseUnreachable(err) && !(isTimeout(err) && now() - lastSuccess < SLOW_CONNECT_GRACE_MS)) open(err);
            reject(unavailable(err));
          },
        );
      });
    },
  };
}

type Unsafe = Sql['unsafe'];
type PendingQuery = ReturnType<Unsafe>;

/**
 * A postgres.js client whose statements (those drizzle sends: `unsafe`, `begin`) run under
 * `breaker`. Everything else (listen, the tagged template, end) is the client's own.
 */
export function guardPostgresClient(client: Sql, breaker: DatabaseBreaker): Sql {
  const unsafe = (...args: Parameters<Unsafe>) => guardedQuery(client.unsafe(...args), breaker);
  const begin = (...args: unknown[]) => breaker.run(() => (client.begin as (...a: unknown[]) => Promise<unknown>)(...args));
  return new Proxy(client, {
    get(target, prop, receiver) {
      if (prop === 'unsafe') return unsafe;
      if (prop === 'begin') return begin;
      return Reflect.get(target, prop, receiver);
    },
  });
}

/**
 * The pending query as drizzle uses it (`.values()`, then awaited): it is sent only when awaited,
 * and then only if the breaker lets it.
 */
function guardedQuery(query: PendingQuery, breaker: DatabaseBreaker): PendingQuery {
  let result: Promise<unknown> | undefined;
  const run = () => (result ??= breaker.run(() => query));
  const guarded = {
    values() {
      query.values();
      return guarded;
    },
    raw() {
      query.raw();
      return guarded;
    },
    simple() {
      query.simple();
      return guarded;
    },
    execute() {
      void run().catch(() => {});
      return guarded;
    },
    cancel: () => query.cancel(),
    then: (onFulfilled?: (v: unknown) => unknown, onRejected?: (e: unknown) => unknown) => run().then(onFulfilled, onRejected),
    catch: (onRejected?: (e: unknown) => unknown) => run().catch(onRejected),
    finally: (onFinally?: () => void) => run().finally(onFinally),
  };
  return guarded as unknown as PendingQuery;
}
