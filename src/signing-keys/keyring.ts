// The private signing keys this app holds, by kid. A key made active while the service runs
// (`npm run keys:rotate` beside it) is not among the keys read at start: when asked for a kid it
// does not hold, the keyring reads the key store again (`load`, given by the Node entry), at most
// once per RELOAD_INTERVAL_MS, so a rotation counts without a restart.
import type { SigningKeyPair } from './signing-key.ts';

const RELOAD_INTERVAL_MS = 1_000;

export interface SigningKeyring {
  /** the private key of `kid`, if this app holds it (or finds it on reading its key store again) */
  get(kid: string): SigningKeyPair | undefined | Promise<SigningKeyPair | undefined>;
}

export function createSigningKeyring(held: ReadonlyMap<string, SigningKeyPair> | undefined, load?: () => Promise<readonly SigningKeyPair[]>): SigningKeyring {
  const keys = new Map(held);
  let reading: Promise<void> | undefined;
  let readAt = -Infinity;

  const reload = (): Promise<void> => {
    if (reading) return reading;
    if (performance.now() - readAt < RELOAD_INTERVAL_MS) return Promise.resolve();
    readAt = performance.now();
    reading = load!()
      .then((found) => {
        for (const k of found) keys.set(k.kid, k);
      })
      // an unreadable store leaves the keys held as they are; asked again after the interval
      .catch(() => {})
      .finally(() => (reading = undefined));
    return reading;
  };

  return {
    get(kid) {
      const key = keys.get(kid);
      if (key || !load) return key;
      return reload().then(() => keys.get(kid));
    },
  };
}
