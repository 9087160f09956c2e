import type { Config } from './config.ts';
import type { Database } from './database.ts';
import type { Clock } from './clock.ts';
import type { Logger } from './logger.ts';
import type { MiddlewareHandler } from 'hono';

/** Everything the app needs from outside. No globals: each entry point and each test builds these. */
export interface AppDeps {
  db: Database;
  config: Config;
  clock: Clock;
  logger: Logger;
  /** HMAC key for pseudonymous subject ids (see src/domain/pseudonym.ts) */
  pseudonymSecret: string;
  /** a cheap readiness probe for /health (select 1), per driver */
  pingDatabase: () => Promise<void>;
  /** serves /static/* where the platform does not (Node); Workers serve public/ as assets */
  staticAssets?: MiddlewareHandler;
}

export interface AppEnv {
  Variables: {
    deps: AppDeps;
    requestId: string;
  };
}
