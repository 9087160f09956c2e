// Workers entry (wrangler dev / deploy): the same createApp(deps) as src/node.ts, reaching
// PostgreSQL through a Hyperdrive binding. Web APIs only here (no node: imports); postgres.js
// needs the nodejs_compat flag (see wrangler.toml).
//
// Migrations are NOT run from the worker: the database is migrated (and the register bootstrapped,
// keys registered) by the Node tooling (npm start / db scripts) before the worker serves it.
//
// /static/* is served by the platform from public/ ([assets] in wrangler.toml), so no staticAssets.
//
// The app and its services are built once per isolate; each request brings its own database
// client. Rate limits hold across isolates through a Durable Object (RateLimitObject).
import type { ExecutionContext } from 'hono';
import { drizzle } from 'drizzle-orm/postgres-js';
import { sql } from 'drizzle-orm';
import postgres from 'postgres';
import * as schema from '../db/schema.ts';
import { createApp, type App, type PerRequest } from './app.ts';
import { ConfigError, loadConfig, type Config } from './config.ts';
import { createLogger } from './logger.ts';
import { systemClock } from './clock.ts';
import type { Database } from './database.ts';
import { signingKeyFromPrivateJwk } from './signing-keys/signing-key.ts';
import { durableObjectLimiters, type DurableObjectNamespaceLike } from './http/rate-limit-object.ts';
import { PROBLEM_JSON, problemStatus } from './http/problem.ts';
import { createDatabaseBreaker, guardPostgresClient, postgresOutageOptions, type DatabaseBreaker } from './lib/database-breaker.ts';

export interface WorkerEnv {
  HYPERDRIVE: { connectionString: string };
  /** a secret: `wrangler secret put PSEUDONYM_SECRET`, or .dev.vars / --var locally */
  PSEUDONYM_SECRET?: string;
  /** a secret: the private JWK of the active signing key (status lists are signed with it) */
  SIGNING_KEY_JWK?: string;
  OIDC_ISSUER?: string;
  OIDC_CLIENT_ID?: string;
  OIDC_CLIENT_SECRET?: string;
  /** the Durable Object namespace that keeps rate-limit windows and back-offs (wrangler.toml); without it, per isolate */
  RATE_LIMITS?: DurableObjectNamespaceLike;
  LOG_LEVEL?: string;
  PUBLIC_BASE_URL?: string;
  BODY_LIMIT?: string;
  BULK_BODY_LIMIT?: string;
}

/** What an isolate keeps: the config and the app with its services, built on the first request. */
type Isolate = { app: App; databaseBreaker: DatabaseBreaker } | ConfigError;

function buildIsolate(env: WorkerEnv): Isolate {
  let config: Config;
  try {
    config = loadConfig(env as unknown as Record<string, unknown>);
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    return err;
  }
  if (!config.pseudonymSecret) return new ConfigError(['PSEUDONYM_SECRET: required in the worker (wrangler secret put PSEUDONYM_SECRET)']);
  const signingKey = env.SIGNING_KEY_JWK ? signingKeyFromPrivateJwk(JSON.parse(env.SIGNING_KEY_JWK)) : undefined;
  const app = createApp({
    // every request brings its own database client (see fetch below); this one is never used
    db: undefined as unknown as Database,
    pingDatabase: () => Promise.reject(new Error('no database for this request')),
    config,
    clock: systemClock,
    logger: createLogger(config.logLevel),
    pseudonymSecret: config.pseudonymSecret,
    // without it the worker still verifies and publishes keys; signed status lists answer 503
    ...(signingKey ? { loadSigningKeys: async () => [await signingKey] } : {}),
    ...(config.oidc ? { oidc: config.oidc } : {}),
    // limits hold across isolates: their windows and back-offs live in a Durable Object
    ...(env.RATE_LIMITS ? { rateLimiter: durableObjectLimiters(env.RATE_LIMITS) } : {}),
  });
  return { app, databaseBreaker: createDatabaseBreaker() };
}

function configProblem(err: ConfigError): Response {
  // no app, so no public base URL to link the /docs entry from
  const { status, title } = problemStatus(ConfigError.code);
  const body = {
    type: 'about:blank',
    title,
    status,
    code: ConfigError.code,
    // issue paths and rule messages only: never the configured values
    detail: err.issues.join('; '),
  };
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'Content-Type': PROBLEM_JSON, 'Cache-Control': 'no-store' },
  });
}

/**
 * The worker: the app and its services (rate limiters, status-list publisher, caches) are built
 * once per isolate, on its first request, and kept for every later one; only the database client
 * is made per request.
 */
export function createWorker() {
  let isolate: Isolate | undefined;
  return {
    async fetch(request: Request, env: WorkerEnv, ctx: ExecutionContext): Promise<Response> {
      isolate ??= buildIsolate(env);
      if (isolate instanceof ConfigError) {
        console.error(JSON.stringify({ ts: new Date().toISOString(), level: 'error', msg: 'config_invalid', issues: isolate.issues.length }));
        return configProblem(isolate);
      }
      // One client per request: Workers forbid reusing a socket opened by another request
      // ("Cannot perform I/O on behalf of a different request"). Hyperdrive does the pooling.
      // short connect timeout and retries; while the database is known down (the isolate's breaker),
      // statements fail at once with 503 DATABASE_UNAVAILABLE instead of each waiting on a connect
      const client = postgres(env.HYPERDRIVE.connectionString, { max: 1, onnotice: () => {}, ...postgresOutageOptions });
      try {
        const db = drizzle(guardPostgresClient(client, isolate.databaseBreaker), { schema }) as unknown as Database;
        const database: PerRequest['database'] = { db, pingDatabase: async () => void (await db.execute(sql`select 1`)) };
        return await isolate.app.fetch(request, { ...env, database }, ctx);
      } finally {
        ctx.waitUntil(client.end());
      }
    },
  };
}

export default createWorker();

/** The Durable Object class behind RATE_LIMITS (wrangler.toml). */
export { RateLimitObject } from './http/rate-limit-object.ts';
