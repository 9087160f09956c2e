// A back-off on failed attempts per key: the first few misses are free, then each further miss
// closes the key for a while, doubling up to a cap. Unlike a fixed window, a lock is short and
// says exactly how long it lasts; a key with no miss for `forgetMs` starts afresh.
import type { Clock } from '../clock.ts';
import type { Taken } from './rate-limit.ts';

export interface BackoffOptions {
  /** misses before the first lock */
  freeMisses: number;
  /** the first lock; each further miss doubles it */
  firstLockMs: number;
  maxLockMs: number;
  /** a key whose last miss is this old is forgotten */
  forgetMs: number;
}

export interface BackoffLimiter {
  /**
   * Counts one attempt for `key` as a miss, or refuses while the key is locked. refund() gives the
   * miss back once the attempt proved right: counting first keeps concurrent attempts from all
   * slipping in before any of them is counted (as in rate-limit.ts).
   */
  take(key: string): Promise<Taken>;
}

/** One key's misses: what the in-memory map and the Durable Object's storage keep. */
export interface Misses {
  count: number;
  lastAt: number;
  /** when this record began: a give-back meant for an earlier (forgotten) record changes nothing */
  since: number;
}

/** A counted miss: the record after it, and what a give-back needs to undo it. */
export interface CountedMiss {
  ok: true;
  misses: Misses;
  /** the record's lastAt before this miss */
  before: number;
}

/** How long `misses` misses lock a key (0: not at all). */
export function lockMs(misses: number, opts: BackoffOptions): number {
  if (misses < opts.freeMisses) return 0;
  return Math.min(opts.maxLockMs, opts.firstLockMs * 2 ** Math.min(30, misses - opts.freeMisses));
}

export function createBackoffLimiter(opts: BackoffOptions & { clock: Clock; maxKeys?: number }): BackoffLimiter {
  const misses = createBackoffMisses(opts);
  return { take: (key) => Promise.resolve(misses.take(key)) };
}

/**
 * One attempt at `now` on a key whose record is `kept`: refused while the key is locked, otherwise
 * counted as a miss (in `kept`, or in a new record when there is none or it is forgotten). The one
 * rule for the in-memory limiter and the Durable Object (rate-limit-object.ts).
 */
export function countMiss(kept: Misses | undefined, now: number, opts: BackoffOptions): CountedMiss | { ok: false; retryAfterSeconds: number } {
  const current = kept && now - kept.lastAt < opts.forgetMs ? kept : undefined;
  if (current) {
    const until = current.lastAt + lockMs(current.count, opts);
    if (now < until) return { ok: false, retryAfterSeconds: Math.max(1, Math.ceil((until - now) / 1000)) };
  }
  const misses = current ?? { count: 0, lastAt: now, since: now };
  const before = misses.lastAt;
  misses.count++;
  misses.lastAt = now;
  return { ok: true, misses, before };
}

/** Gives back the miss counted at `at` (countMiss's answer); false once the record holds no miss. */
export function giveBackMiss(misses: Misses, at: number, before: number): boolean {
  misses.count--;
  if (misses.lastAt === at) misses.lastAt = before;
  return misses.count > 0;
}

/** The misses themselves, answering at once: an in-memory limiter or a Durable Object can hold them. */
export function createBackoffMisses(opts: BackoffOptions & { clock: Clock; maxKeys?: number }) {
  const keys = new Map<string, Misses>();
  const maxKeys = opts.maxKeys ?? 100_000;
  return {
    take(key: string): { ok: true; refund(): void } | { ok: false; retryAfterSeconds: number } {
      const now = opts.clock.now().getTime();
      const kept = keys.get(key);
      if (!kept && keys.size >= maxKeys) {
        for (const [k, v] of keys) if (now - v.lastAt >= opts.forgetMs || keys.size >= maxKeys) keys.delete(k);
      }
      const counted = countMiss(kept, now, opts);
      if (!counted.ok) return counted;
      const { misses, before } = counted;
      if (misses !== kept) keys.set(key, misses);
      let refunded = false;
      return {
        ok: true,
        refund() {
          if (refunded || keys.get(key) !== misses) return;
          refunded = true;
          if (!giveBackMiss(misses, now, before)) keys.delete(key);
        },
      };
    },
  };
}
