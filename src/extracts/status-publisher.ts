// Signing status lists for publication: the list credential is re-compressed and re-signed only
// when the list (its version) or the active key changed. One publisher per app: the /status route
// serves from it and the verifier reads our own lists through it.
import { eq, sql } from 'drizzle-orm';
import { statusLists } from '../../db/schema.ts';
import { AppError } from '../errors.ts';
import type { AppDeps } from '../deps.ts';
import type { Database } from '../database.ts';
import type { KeyRegistry } from '../signing-keys/key-registry.ts';
import type { SigningKeyring } from '../signing-keys/keyring.ts';
import { buildStatusListCredential, encodeStatusList, type StatusPurpose } from '../credentials/status-list.ts';
import { signCredential } from '../credentials/vc-jwt.ts';
import { readStatusList } from './status-store.ts';

/** How long verifiers may cache a list (ttl in the credential, max-age in HTTP). */
export const STATUS_LIST_TTL_SECONDS = 300;

export const statusListUrl = (baseUrl: string, listId: string) => `${baseUrl}/status/${listId}`;

export interface SignedStatusList {
  etag: string;
  jwt: string;
  lastModified: string;
}

export type StatusListPublisher = ReturnType<typeof createStatusListPublisher>;

// GET /status/:id reads the version on every call, so a change to a list is served at once;
// prepared once per database handle (kept by the publisher), it skips drizzle's query building.
// (Verifications read list versions with their register facts, verifier/sources.ts, and call
// signedVersion.)
const prepareVersionQuery = (db: Database) =>
  db
    .select({ purpose: statusLists.purpose, version: statusLists.version, updatedAt: statusLists.updatedAt })
    .from(statusLists)
    .where(eq(statusLists.id, sql.placeholder('id')))
    .prepare('status_list_version');


/** What the publisher needs to know of a list besides its id: its version says when to re-sign. */
export interface StatusListVersion {
  purpose: StatusPurpose;
  version: number;
  updatedAt: Date;
}

export function createStatusListPublisher(keys: KeyRegistry, signingKeys: SigningKeyring) {
  // by id@version@kid; a promise, so that callers arriving while a list is being signed share it
  const cache = new Map<string, Promise<SignedStatusList>>();
  const versionQueries = new WeakMap<Database, ReturnType<typeof prepareVersionQuery>>();

  async function readVersion(db: Database, id: string) {
    let query = versionQueries.get(db);
    if (!query) versionQueries.set(db, (query = prepareVersionQuery(db)));
    const [row] = await query.execute({ id });
    return row;
  }

  const unavailable = () => new AppError('SIGNING_KEY_UNAVAILABLE');

  async function signedVersion(deps: Pick<AppDeps, 'db' | 'config'>, id: string, list: StatusListVersion): Promise<SignedStatusList> {
    const kid = await keys.activeKid(deps.db);
    if (!kid) throw unavailable();
    const cacheKey = `${id}@${list.version}@${kid}`;
    const hit = cache.get(cacheKey);
    if (hit) return hit;
    const key = await signingKeys.get(kid);
    if (!key) throw unavailable();
    // another caller may have started it while the key was looked up
    let entry = cache.get(cacheKey);
    if (!entry) {
      entry = (async () => {
        const bits = (await readStatusList(deps.db, id))!.bits; // the 16 KB only when the list changed
        const credential = buildStatusListCredential({
          id: statusListUrl(deps.config.publicBaseUrl, id),
          issuerDid: deps.config.did,
          purpose: list.purpose,
          encodedList: await encodeStatusList(new Uint8Array(bits)),
          validFrom: list.updatedAt,
          ttlMs: STATUS_LIST_TTL_SECONDS * 1000,
        });
        return { etag: `"${id}-${list.version}-${kid!.slice(0, 8)}"`, jwt: await signCredential(credential, key), lastModified: list.updatedAt.toUTCString() };
      })();
      for (const k of cache.keys()) if (k.startsWith(`${id}@`)) cache.delete(k);
      cache.set(cacheKey, entry);
      entry.catch(() => cache.get(cacheKey) === entry && cache.delete(cacheKey));
    }
    return entry;
  }

  return {
    /** The signed list, or undefined when there is no such list. Throws 503 without a signing key. */
    async signed(deps: Pick<AppDeps, 'db' | 'config'>, id: string): Promise<SignedStatusList | undefined> {
      const list = await readVersion(deps.db, id);
      return list ? signedVersion(deps, id, list) : undefined;
    },
    /**
     * The signed list of the `version` the caller just read (the verifier reads the versions of
     * several lists in one query). Throws 503 without a signing key.
     */
    signedVersion,
  };
}
