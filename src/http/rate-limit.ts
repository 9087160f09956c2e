// Fixed-window rate limits. In Node they are kept in the app's memory (createRateLimiter); in
// Workers, where one client's requests reach many isolates, a Durable Object keeps the windows
// (src/edge/rate-limit-object.ts) behind this same interface, so take() answers a promise.
import type { Clock } from '../clock.ts';
import { createBackoffLimiter, type BackoffOptions } from './backoff-limiter.ts';

export type Taken = { ok: true; refund(): void | Promise<void> } | { ok: false; retryAfterSeconds: number };

export interface RateLimiter {
  /**
   * Counts one attempt for `key`; `ok` is false once the window's limit is used up. A limit on
   * failures only gives the attempt back with refund() once it succeeded: counting first and
   * refunding after, rather than checking first and counting after, keeps concurrent attempts
   * from all passing before any of them is counted. A refund after the window ended changes nothing.
   */
  take(key: string): Promise<Taken>;
}

export interface RateLimitOptions {
  limit: number;
  windowMs: number;
}

/**
 * Builds the limiters of one app: in memory (Node, tests) or in a Durable Object (Workers). The
 * options say which kind: a fixed window (RateLimitOptions) or a back-off on misses (BackoffOptions).
 */
export type RateLimiterFactory = (name: string, opts: RateLimitOptions | BackoffOptions) => RateLimiter;

export const isBackoff = (opts: RateLimitOptions | BackoffOptions): opts is BackoffOptions => 'freeMisses' in opts;

/** The limiters of an app that keeps them in its own memory (Node, tests). */
export function inMemoryLimiters(clock: Clock): RateLimiterFactory {
  return (_name, opts) => (isBackoff(opts) ? createBackoffLimiter({ ...opts, clock }) : createRateLimiter({ ...opts, clock }));
}

interface Window {
  start: number;
  count: number;
}

export function createRateLimiter(opts: { limit: number; windowMs: number; clock: Clock; maxKeys?: number }): RateLimiter {
  const windows = createRateWindows(opts);
  return { take: (key) => Promise.resolve(windows.take(key)) };
}

/** The windows themselves, answering at once: the in-memory limiter and the Durable Object share them. */
export function createRateWindows(opts: { limit: number; windowMs: number; clock: Clock; maxKeys?: number }) {
  const windows = new Map<string, Window>();
  const maxKeys = opts.maxKeys ?? 100_000;
  return {
    take(key: string): { ok: true; refund(): void } | { ok: false; retryAfterSeconds: number } {
      const now = opts.clock.now().getTime();
      let w = windows.get(key);
      if (!w || now - w.start >= opts.windowMs) {
        if (windows.size >= maxKeys) for (const [k, v] of windows) if (now - v.start >= opts.windowMs) windows.delete(k);
        w = { start: now, count: 0 };
        windows.set(key, w);
      }
      // a refused attempt does no work and is not counted: refunds then leave exactly the rest
      if (w.count >= opts.limit) return { ok: false, retryAfterSeconds: Math.max(1, Math.ceil((w.start + opts.windowMs - now) / 1000)) };
      w.count++;
      const window = w;
      let refunded = false;
      return {
        ok: true,
        refund() {
          if (refunded || windows.get(key) !== window) return;
          refunded = true;
          // a key whose attempts were all given back holds no memory
          if (--window.count === 0) windows.delete(key);
        },
      };
    },
  };
}

/**
 * The key a client is limited under: the address the platform reports, never a header the client
 * could choose. Node: the socket's address, unless `trustedHeader` names the header a proxy in
 * front of us sets (TRUSTED_CLIENT_IP_HEADER). Workers: cf-connecting-ip, which Cloudflare sets
 * and overwrites. IPv6 addresses count per /64 (one subscriber's usual allocation). Never logged.
 */
export function clientAddress(req: Request, env: unknown, trustedHeader?: string): string {
  const socket = (env as { incoming?: { socket?: { remoteAddress?: string } } } | undefined)?.incoming?.socket;
  const address = trustedHeader
    ? req.headers.get(trustedHeader)?.split(',')[0]?.trim()
    : socket
      ? socket.remoteAddress
      : req.headers.get('cf-connecting-ip');
  return address ? perSubscriber(address) : 'unknown';
}

function perSubscriber(address: string): string {
  const v4mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (v4mapped) return v4mapped[1]!;
  if (!address.includes(':')) return address;
  // the first four groups of the expanded address
  const [head = '', tail = ''] = address.toLowerCase().split('::');
  const headGroups = head ? head.split(':') : [];
  const tailGroups = tail ? tail.split(':') : [];
  const groups = address.includes('::') ? [...headGroups, ...Array(Math.max(0, 8 - headGroups.length - tailGroups.length)).fill('0'), ...tailGroups] : headGroups;
  return `${groups.slice(0, 4).map((g) => g.replace(/^0+(?=.)/, '')).join(':')}::/64`;
}
