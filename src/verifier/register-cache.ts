// Register facts kept between verifications, for as long as the register has not announced a
// change (register-changes.ts). What a verification reads about an extract (its state, its
// diploma's, the holder's name) and the versions of the status lists changes seldom and is read by
// every verification; this keeps it until the next announcement. The rules:
// - answers only while the feed is live and in step (register-changes.ts); otherwise every get() reads;
// - an announcement empties it, and a read that was under way when one came is not kept (it may
//   have read the old state), though it still answers its own callers;
// - only what exists is kept: an unknown credential or number is asked again next time;
// - entries are dropped after maxAgeMs all the same (an announcement lost without a reconnect),
//   and the oldest go first beyond maxEntries.
import type { RegisterChangeFeed } from './register-changes.ts';

export interface RegisterCacheOptions {
  maxEntries?: number;
  maxAgeMs?: number;
  now?: () => number;
}

interface Entry<V> {
  value: Promise<V | undefined>;
  at: number;
}

export interface RegisterCache<K, V> {
  /** the cached answer for `key`, or what `read(key)` answers (kept if the register stayed quiet) */
  get(key: K, read: (key: K) => Promise<V | undefined>): Promise<V | undefined>;
  readonly size: number;
}

export function createRegisterCache<K, V>(feed: RegisterChangeFeed | undefined, { maxEntries = 10_000, maxAgeMs = 10_000, now = () => performance.now() }: RegisterCacheOptions = {}): RegisterCache<K, V> {
  const entries = new Map<K, Entry<V>>();
  let epoch = 0;
  feed?.subscribe(() => {
    epoch++;
    entries.clear();
  });

  return {
    get(key, read) {
      if (!feed?.live || !feed.inStep) return read(key);
      const t = now();
      const hit = entries.get(key);
      if (hit && t - hit.at < maxAgeMs) return hit.value;
      if (hit) entries.delete(key);
      const startedIn = epoch;
      const value = read(key);
      // joined by callers until it settles: they asked after it started, and no change came since
      const entry: Entry<V> = { value, at: t };
      if (entries.size >= maxEntries) entries.delete(entries.keys().next().value as K);
      entries.set(key, entry);
      const forget = () => {
        if (entries.get(key) === entry) entries.delete(key);
      };
      value.then((v) => (v === undefined || epoch !== startedIn) && forget(), forget);
      return value;
    },
    get size() {
      return entries.size;
    },
  };
}
