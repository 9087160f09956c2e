// Rate limits in Workers: one client's requests reach many isolates (and many machines), so the
// windows and the back-offs live in a Durable Object, one object per (limit, key), behind the
// RateLimiter interface. The object keeps its window or its misses in its storage (it may be
// evicted between attempts) and deletes them by an alarm once they are over (the window ended, or
// the last miss is forgotten). Web APIs only; no import of cloudflare:workers (the class
// is the plain Durable Object shape: constructor(state, env) and fetch).
import { isBackoff, type RateLimiter, type RateLimiterFactory, type RateLimitOptions, type Taken } from './rate-limit.ts';
import { countMiss, giveBackMiss, type BackoffOptions, type Misses } from './backoff-limiter.ts';

interface DurableObjectStorageLike {
  get<T>(key: string): Promise<T | undefined>;
  put<T>(key: string, value: T): Promise<void>;
  deleteAll(): Promise<void>;
  setAlarm(at: number): Promise<void>;
}

export interface DurableObjectNamespaceLike {
  idFromName(name: string): unknown;
  get(id: unknown): { fetch(url: string, init?: RequestInit): Promise<Response> };
}

interface Window {
  start: number;
  count: number;
}

/**
 * The Durable Object, on one (limit, key): POST /take?limit=&windowMs= and POST /refund?window= for
 * a window; POST /miss?freeMisses=&firstLockMs=&maxLockMs=&forgetMs= and POST /give-back?since=&at=&before=
 * for a back-off (backoff-limiter.ts's rules).
 */
export class RateLimitObject {
  readonly #storage: DurableObjectStorageLike;

  constructor(state: { storage: DurableObjectStorageLike }, _env: unknown) {
    this.#storage = state.storage;
  }

  async fetch(request: Request): Promise<Response> {
    const url = new URL(request.url);
    const now = Date.now();
    if (url.pathname === '/miss') return this.#miss(now, url.searchParams);
    if (url.pathname === '/give-back') return this.#giveBack(url.searchParams);
    const stored = await this.#storage.get<Window>('window');
    if (url.pathname === '/take') {
      const limit = Number(url.searchParams.get('limit'));
      const windowMs = Number(url.searchParams.get('windowMs'));
      let window = stored;
      if (!window || now - window.start >= windowMs) {
        window = { start: now, count: 0 };
        await this.#storage.setAlarm(now + windowMs);
      }
      // a refused attempt is not counted (as createRateWindows)
      if (window.count >= limit) return Response.json({ ok: false, retryAfterSeconds: Math.max(1, Math.ceil((window.start + windowMs - now) / 1000)) });
      window.count++;
      await this.#storage.put('window', window);
      return Response.json({ ok: true, window: window.start });
    }
    if (url.pathname === '/refund') {
      // a refund after the window ended changes nothing
      if (stored && stored.start === Number(url.searchParams.get('window')) && stored.count > 0) {
        stored.count--;
        await this.#storage.put('window', stored);
      }
      return new Response(null, { status: 204 });
    }
    return new Response(null, { status: 404 });
  }

  async #miss(now: number, params: URLSearchParams): Promise<Response> {
    const opts: BackoffOptions = {
      freeMisses: Number(params.get('freeMisses')),
      firstLockMs: Number(params.get('firstLockMs')),
      maxLockMs: Number(params.get('maxLockMs')),
      forgetMs: Number(params.get('forgetMs')),
    };
    const counted = countMiss(await this.#storage.get<Misses>('misses'), now, opts);
    if (!counted.ok) return Response.json(counted);
    await this.#storage.put('misses', counted.misses);
    // a give-back only moves lastAt earlier: this alarm is never too early
    await this.#storage.setAlarm(now + opts.forgetMs);
    return Response.json({ ok: true, since: counted.misses.since, at: now, before: counted.before });
  }

  async #giveBack(params: URLSearchParams): Promise<Response> {
    const misses = await this.#storage.get<Misses>('misses');
    // a give-back meant for a record forgotten since changes nothing
    if (misses && misses.since === Number(params.get('since')) && misses.count > 0) {
      if (giveBackMiss(misses, Number(params.get('at')), Number(params.get('before')))) await this.#storage.put('misses', misses);
      else await this.#storage.deleteAll();
    }
    return new Response(null, { status: 204 });
  }

  async alarm(): Promise<void> {
    await this.#storage.deleteAll();
  }
}

/** Limiters whose windows and back-offs live in `namespace` (the RATE_LIMITS binding, wrangler.toml). */
export function durableObjectLimiters(namespace: DurableObjectNamespaceLike): RateLimiterFactory {
  return (name, opts) => (isBackoff(opts) ? backoffLimiter(namespace, name, opts) : windowLimiter(namespace, name, opts));
}

function windowLimiter(namespace: DurableObjectNamespaceLike, name: string, opts: RateLimitOptions): RateLimiter {
  return {
    async take(key: string): Promise<Taken> {
      const stub = namespace.get(namespace.idFromName(`${name}\n${key}`));
      const res = await stub.fetch(`https://rate-limit/take?limit=${opts.limit}&windowMs=${opts.windowMs}`, { method: 'POST' });
      const answer = (await res.json()) as { ok: true; window: number } | { ok: false; retryAfterSeconds: number };
      return answer.ok ? takenWithRefund(stub, `https://rate-limit/refund?window=${answer.window}`) : answer;
    },
  };
}

function backoffLimiter(namespace: DurableObjectNamespaceLike, name: string, opts: BackoffOptions): RateLimiter {
  const query = `freeMisses=${opts.freeMisses}&firstLockMs=${opts.firstLockMs}&maxLockMs=${opts.maxLockMs}&forgetMs=${opts.forgetMs}`;
  return {
    async take(key: string): Promise<Taken> {
      const stub = namespace.get(namespace.idFromName(`${name}\n${key}`));
      const res = await stub.fetch(`https://rate-limit/miss?${query}`, { method: 'POST' });
      const answer = (await res.json()) as { ok: true; since: number; at: number; before: number } | { ok: false; retryAfterSeconds: number };
      return answer.ok ? takenWithRefund(stub, `https://rate-limit/give-back?since=${answer.since}&at=${answer.at}&before=${answer.before}`) : answer;
    },
  };
}

/** A counted attempt whose refund (at most once) posts `refundUrl` to the same object. */
function takenWithRefund(stub: ReturnType<DurableObjectNamespaceLike['get']>, refundUrl: string): Taken {
  let refunded = false;
  return {
    ok: true,
    async refund() {
      if (refunded) return;
      refunded = true;
      await (await stub.fetch(refundUrl, { method: 'POST' })).arrayBuffer();
    },
  };
}
