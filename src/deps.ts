import type { Config } from './config.ts';
import type { Database } from './database.ts';
import type { Clock } from './clock.ts';
import type { Logger } from './logger.ts';
import type { MiddlewareHandler } from 'hono';
import type { SigningKeyPair } from './signing-keys/signing-key.ts';
import type { SealKey } from './documents/pdf-seal.ts';
import type { PreparedAssets } from './documents/extract-pdf.ts';

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
  /** private signing keys this process holds, by kid (status lists and extracts need the active one) */
  signingKeys?: ReadonlyMap<string, SigningKeyPair>;
  /** what rendering and sealing extracts needs; without it extracts answer 503 */
  documents?: { seal: SealKey; assets: PreparedAssets };
  /** the OpenID provider graduates log in with (issuer, client id/secret); without it login answers 503 */
  oidc?: { issuer: string; clientId: string; clientSecret?: string };
  /** serves /static/* where the platform does not (Node); Workers serve public/ as assets */
  staticAssets?: MiddlewareHandler;
}

export interface AppEnv {
  Variables: {
    deps: AppDeps;
    requestId: string;
  };
}
