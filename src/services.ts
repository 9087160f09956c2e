// The app's services: everything the register keeps between requests (the key cache, the private
// signing keys, the status-list publisher, prepared statements, caches, the rate limiters and the
// verifier built on them), in one object. It is built once per process (Node) or isolate
// (Workers) by createApp, and once per app in tests; routes read it from the context
// (c.get('services')). Nothing under src/ keeps state at module level (tests/unit/module-state.test.ts).
import type { Clock } from './clock.ts';
import type { RegisterChangeFeed } from './verifier/register-changes.ts';
import type { SigningKeyPair } from './signing-keys/signing-key.ts';
import { createKeyRegistry } from './signing-keys/key-registry.ts';
import { createSigningKeyring } from './signing-keys/keyring.ts';
import { createStatusListPublisher } from './extracts/status-publisher.ts';
import { createStatusSlotClaims } from './extracts/status-store.ts';
import { createDiplomaViews } from './extracts/extract-service.ts';
import { createRegisterReads } from './verifier/sources.ts';
import { createVerifier } from './verifier/verifier-service.ts';
import { createStatusListCache } from './verification/status-list-cache.ts';
import { createOidcCache } from './auth/oidc-client.ts';
import { inMemoryLimiters, type RateLimiterFactory } from './http/rate-limit.ts';

export interface ServicesOptions {
  clock: Clock;
  /** the register's change announcements, where the database gives them */
  registerChanges?: RegisterChangeFeed;
  /** the private signing keys held at start, by kid */
  signingKeys?: ReadonlyMap<string, SigningKeyPair>;
  /** reads the key store again (Node: keys/signing): a key activated while the service runs is found there */
  loadSigningKeys?: () => Promise<readonly SigningKeyPair[]>;
  /** where rate limits are kept; in this app's memory unless given (Workers: a Durable Object) */
  limiter?: RateLimiterFactory;
}

export type Services = ReturnType<typeof createServices>;

export function createServices(opts: ServicesOptions) {
  const limiter: RateLimiterFactory = opts.limiter ?? inMemoryLimiters(opts.clock);
  const keys = createKeyRegistry(opts.registerChanges);
  const signingKeys = createSigningKeyring(opts.signingKeys, opts.loadSigningKeys);
  const statusLists = createStatusListPublisher(keys, signingKeys);
  const sources = { keys, statusLists, reads: createRegisterReads(opts.registerChanges), statusListCache: createStatusListCache() };
  return {
    ...sources,
    signingKeys,
    statusSlots: createStatusSlotClaims(),
    diplomaViews: createDiplomaViews(),
    oidc: createOidcCache(),
    limiter,
    verifier: createVerifier(sources, limiter),
  };
}
