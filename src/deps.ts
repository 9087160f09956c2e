import type { Config } from './config.ts';
import type { Database } from './database.ts';
import type { Clock } from './clock.ts';
import type { Logger } from './logger.ts';
import type { MiddlewareHandler } from 'hono';
import type { SigningKeyPair } from './signing-keys/signing-key.ts';
import type { SealKey } from './documents/pdf-seal.ts';
import type { PreparedAssets } from './documents/extract-pdf.ts';
import type { RegisterChangeFeed } from './verifier/register-changes.ts';
import type { Ed25519Verifier } from './credentials/ed25519.ts';
import type { RateLimiterFactory } from './http/rate-limit.ts';
import type { Services } from './services.ts';

/**
 * Everything the app needs from outside. No globals: each entry point and each test builds these;
 * what the app keeps between requests lives in its Services (src/services.ts), built by createApp.
 */
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
  /**
   * reads the key store again (Node: keys/signing/): when the register's active key is one this
   * process does not hold (`npm run keys:rotate` beside the running service), it is looked for there
   */
  loadSigningKeys?: () => Promise<readonly SigningKeyPair[]>;
  /** where rate limits are kept; in the app's memory unless given (Workers: a Durable Object) */
  rateLimiter?: RateLimiterFactory;
  /** what rendering and sealing extracts needs; without it extracts answer 503 */
  documents?: {
    seal: SealKey;
    assets: PreparedAssets;
    /** DER of earlier seal certificates (SEAL_PREVIOUS_CERTS): PDFs sealed before a renewal still verify */
    previousSealCertificates?: readonly Uint8Array[];
  };
  /** the OpenID provider graduates log in with (issuer, client id/secret); without it login answers 503 */
  oidc?: { issuer: string; clientId: string; clientSecret?: string };
  /**
   * the register's change announcements (db/register-changes.ts): with them the verifier keeps what
   * it read until the next change; without them (Workers) it reads the register every time
   */
  registerChanges?: RegisterChangeFeed;
  /** Ed25519 verification where the platform has a faster one than Web Crypto (Node: src/node/ed25519.ts) */
  ed25519?: Ed25519Verifier;
  /** serves /static/* where the platform does not (Node); Workers serve public/ as assets */
  staticAssets?: MiddlewareHandler;
}

export interface AppEnv {
  Variables: {
    deps: AppDeps;
    services: Services;
    requestId: string;
  };
}
