// Fixed-window rate limits kept in the app instance's memory. At the edge (many isolates) this is
// per isolate; a shared store (a Durable Object) would make it global — noted for the Workers entry.
import type { Clock } from '../clock.ts';

export interface RateLimiter {
  /** counts one attempt for `key`; `ok` is false once the window's limit is used up */
  take(key: string): { ok: true } | { ok: false; retryAfterSeconds: number };
}

export function createRateLimiter(opts: { limit: number; windowMs: number; clock: Clock; maxKeys?: number }): RateLimiter {
  const windows = new Map<string, { start: number; count: number }>();
  const maxKeys = opts.maxKeys ?? 100_000;
  return {
    take(key) {
      const now = opts.clock.now().getTime();
      let w = windows.get(key);
      if (!w || now - w.start >= opts.windowMs) {
        if (windows.size >= maxKeys) for (const [k, v] of windows) if (now - v.start >= opts.windowMs) windows.delete(k);
        w = { start: now, count: 0 };
        windows.set(key, w);
      }
      w.count++;
      if (w.count <= opts.limit) return { ok: true };
      return { ok: false, retryAfterSeconds: Math.max(1, Math.ceil((w.start + opts.windowMs - now) / 1000)) };
    },
  };
}

/** The caller's address as the platform reports it (Workers: cf-connecting-ip; Node: the socket). Never logged. */
export function clientAddress(req: Request, env: unknown): string {
  const cf = req.headers.get('cf-connecting-ip');
  if (cf) return cf;
  const socket = (env as { incoming?: { socket?: { remoteAddress?: string } } } | undefined)?.incoming?.socket;
  return socket?.remoteAddress ?? 'unknown';
}
