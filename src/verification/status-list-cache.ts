// Verified, decoded status lists, by their exact signed text. The status check still asks its
// source for the list on every verification (so a new version, e.g. after a withdrawal, counts at
// once); only when the source hands back the very text it handed back before are verifying the
// list's signature and gunzipping its 16 KB (together ~0.7 ms a list, two lists a verification)
// skipped. What depends on the moment or on our keys is checked again on every use: that the key
// that signed it is still trusted, with the same public key, and the list's validity period.
import { checkValidityPeriod, verifyCredentialJwt, type VerifyCredentialOptions } from '../credentials/vc-jwt.ts';
import { Bitstring, decodeStatusList } from '../credentials/status-list.ts';

export interface VerifiedStatusList {
  /** the list credential (the verified JWS payload); shared between verifications: read only */
  credential: Readonly<Record<string, unknown>>;
  /** its decoded `credentialSubject.encodedList`, decoded once; rejects for an unreadable list */
  bitstring(): Promise<Bitstring>;
}

/** Returns the public key a list signed under `kid` must verify with, if we trust one. */
export type TrustedListKey = (kid: string) => JsonWebKey | undefined;

interface Entry {
  kid: string;
  /** the public key it verified with */
  x: string;
  list: VerifiedStatusList;
}

/** A few lists per purpose are live at a time; 64 bounds the memory (~16 KB a list) all the same. */
const MAX_ENTRIES = 64;

export type StatusListCache = ReturnType<typeof createStatusListCache>;

export function createStatusListCache(maxEntries = MAX_ENTRIES) {
  const entries = new Map<string, Entry>();

  return {
    /** As verifyCredentialJwt(jwt, trustedKey, opts), throwing its errors; the result may be cached. */
    async verify(jwt: string, trustedKey: TrustedListKey, opts: VerifyCredentialOptions): Promise<VerifiedStatusList> {
      const hit = entries.get(jwt);
      if (hit && hit.x === trustedKey(hit.kid)?.x) {
        checkValidityPeriod(hit.list.credential, opts);
        return hit.list;
      }
      let x: string | undefined;
      const { credential, kid } = await verifyCredentialJwt(
        jwt,
        async (kid) => {
          const key = trustedKey(kid);
          x = key?.x;
          return key;
        },
        opts,
      );
      let bits: Promise<Bitstring> | undefined;
      const list: VerifiedStatusList = { credential, bitstring: () => (bits ??= decode(credential)) };
      if (typeof x === 'string') {
        if (entries.size >= maxEntries) entries.delete(entries.keys().next().value!);
        entries.set(jwt, { kid, x, list });
      }
      return list;
    },

    get size() {
      return entries.size;
    },
  };
}

async function decode(credential: Record<string, unknown>): Promise<Bitstring> {
  const subject = credential.credentialSubject as Record<string, unknown> | undefined;
  return new Bitstring(await decodeStatusList(subject?.encodedList as string));
}
