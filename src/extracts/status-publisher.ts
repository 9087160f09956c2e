// Signing status lists for publication: the list credential is re-compressed and re-signed only
// when the list (its version) or the active key changed. One publisher per app: the /status route
// serves from it and the verifier reads our own lists through it.
import { AppError } from '../errors.ts';
import type { AppDeps } from '../deps.ts';
import { activeKid } from '../signing-keys/key-registry.ts';
import { buildStatusListCredential, encodeStatusList } from '../credentials/status-list.ts';
import { signCredential } from '../credentials/vc-jwt.ts';
import { readStatusList, readStatusListVersion } from './status-store.ts';

/** How long verifiers may cache a list (ttl in the credential, max-age in HTTP). */
export const STATUS_LIST_TTL_SECONDS = 300;

export const statusListUrl = (baseUrl: string, listId: string) => `${baseUrl}/status/${listId}`;

export interface SignedStatusList {
  etag: string;
  jwt: string;
  lastModified: string;
}

export type StatusListPublisher = ReturnType<typeof createStatusListPublisher>;

export function createStatusListPublisher() {
  const cache = new Map<string, SignedStatusList>(); // by id@version@kid

  return {
    /** The signed list, or undefined when there is no such list. Throws 503 without a signing key. */
    async signed(deps: Pick<AppDeps, 'db' | 'config' | 'signingKeys'>, id: string): Promise<SignedStatusList | undefined> {
      const list = await readStatusListVersion(deps.db, id);
      if (!list) return undefined;
      const kid = await activeKid(deps.db);
      const key = kid ? deps.signingKeys?.get(kid) : undefined;
      if (!key) throw new AppError({ code: 'SIGNING_KEY_UNAVAILABLE', status: 503, title: 'Signing is unavailable' });
      const cacheKey = `${id}@${list.version}@${kid}`;
      let entry = cache.get(cacheKey);
      if (!entry) {
        const bits = (await readStatusList(deps.db, id))!.bits; // the 16 KB only when the list changed
        const credential = buildStatusListCredential({
          id: statusListUrl(deps.config.publicBaseUrl, id),
          issuerDid: deps.config.did,
          purpose: list.purpose,
          encodedList: await encodeStatusList(new Uint8Array(bits)),
          validFrom: list.updatedAt,
          ttlMs: STATUS_LIST_TTL_SECONDS * 1000,
        });
        entry = { etag: `"${id}-${list.version}-${kid!.slice(0, 8)}"`, jwt: await signCredential(credential, key), lastModified: list.updatedAt.toUTCString() };
        for (const k of cache.keys()) if (k.startsWith(`${id}@`)) cache.delete(k);
        cache.set(cacheKey, entry);
      }
      return entry;
    },
  };
}
