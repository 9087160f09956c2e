// Workers entry (wrangler dev / deploy): the same createApp(deps) as src/node.ts, reaching
// PostgreSQL through a Hyperdrive binding. Web APIs only here (no node: imports); postgres.js
// needs the nodejs_compat flag (see wrangler.toml).
//
// Migrations are NOT run from the worker: the database is migrated (and the register bootstrapped,
// keys registered) by the Node tooling (npm start / db scripts) before the worker serves it.
//
// /static/* is served by the platform from public/ ([assets] in wrangler.toml), so no staticAssets.
import type { ExecutionContext } from 'hono';
import { drizzle } from 'drizzle-orm/postgres-js';
import { sql } from 'drizzle-orm';
import postgres from 'postgres';
import * as schema from '../db/schema.ts';
import { createApp } from './app.ts';
import { ConfigError, loadConfig, type Config } from './config.ts';
import { createLogger, type Logger } from './logger.ts';
import { systemClock } from './clock.ts';
import type { Database } from './database.ts';
import { signingKeyFromPrivateJwk, type SigningKeyPair } from './signing-keys/signing-key.ts';
import { PROBLEM_JSON } from './http/problem.ts';

export interface WorkerEnv {
  HYPERDRIVE: { connectionString: string };
  /** a secret: `wrangler secret put PSEUDONYM_SECRET`, or .dev.vars / --var locally */
  PSEUDONYM_SECRET?: string;
  /** a secret: the private JWK of the active signing key (status lists are signed with it) */
  SIGNING_KEY_JWK?: string;
  OIDC_ISSUER?: string;
  OIDC_CLIENT_ID?: string;
  OIDC_CLIENT_SECRET?: string;
  LOG_LEVEL?: string;
  PUBLIC_BASE_URL?: string;
  BODY_LIMIT?: string;
  BULK_BODY_LIMIT?: string;
}

interface Settings {
  config: Config;
  logger: Logger;
  pseudonymSecret: string;
  signingKeys?: Promise<ReadonlyMap<string, SigningKeyPair>>;
}

// Parsing the config is pure and the bindings are fixed for an isolate: done once per isolate.
let settings: Settings | ConfigError | undefined;

function settingsFor(env: WorkerEnv): Settings | ConfigError {
  if (settings) return settings;
  try {
    const config = loadConfig(env as unknown as Record<string, unknown>);
    if (!config.pseudonymSecret) {
      settings = new ConfigError(['PSEUDONYM_SECRET: required in the worker (wrangler secret put PSEUDONYM_SECRET)']);
    } else {
      settings = {
        config,
        logger: createLogger(config.logLevel),
        pseudonymSecret: config.pseudonymSecret,
        // without it the worker still verifies and publishes keys; signed status lists answer 503
        signingKeys: env.SIGNING_KEY_JWK ? signingKeyFromPrivateJwk(JSON.parse(env.SIGNING_KEY_JWK)).then((k) => new Map([[k.kid, k]])) : undefined,
      };
    }
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    settings = err;
  }
  return settings;
}

function configProblem(err: ConfigError): Response {
  const body = {
    type: 'about:blank',
    title: 'Service misconfigured',
    status: 503,
    code: 'CONFIG_INVALID',
    // issue paths and rule messages only: never the configured values
    detail: err.issues.join('; '),
  };
  return new Response(JSON.stringify(body), {
    status: 503,
    headers: { 'Content-Type': PROBLEM_JSON, 'Cache-Control': 'no-store' },
  });
}

export default {
  async fetch(request: Request, env: WorkerEnv, ctx: ExecutionContext): Promise<Response> {
    const s = settingsFor(env);
    if (s instanceof ConfigError) {
      console.error(JSON.stringify({ ts: new Date().toISOString(), level: 'error', msg: 'config_invalid', issues: s.issues.length }));
      return configProblem(s);
    }

    // One client per request: Workers forbid reusing a socket opened by another request
    // ("Cannot perform I/O on behalf of a different request"). Hyperdrive does the pooling.
    const client = postgres(env.HYPERDRIVE.connectionString, { max: 1, onnotice: () => {} });
    try {
      const db = drizzle(client, { schema }) as unknown as Database;
      const app = createApp({
        db,
        config: s.config,
        clock: systemClock,
        logger: s.logger,
        pseudonymSecret: s.pseudonymSecret,
        pingDatabase: async () => void (await db.execute(sql`select 1`)),
        signingKeys: await s.signingKeys,
        oidc: s.config.oidc,
      });
      return await app.fetch(request, env, ctx);
    } finally {
      ctx.waitUntil(client.end());
    }
  },
};
