// CORS for what other sites' pages may read or ask: the published keys, the status lists, the
// JSON-LD contexts and the two verification APIs. Any origin, never with credentials: these
// answers are public and the APIs take no cookies, so a page elsewhere learns nothing it could not
// fetch itself. The portal, the /v forms and the institution feed get no CORS at all.
import type { MiddlewareHandler } from 'hono';
import type { AppEnv } from '../deps.ts';

const READS = 'GET, HEAD, OPTIONS';
const POSTS = 'POST, OPTIONS';

/** The methods other sites may use on `path`, or undefined where no CORS applies. */
export function corsMethods(path: string): string | undefined {
  if (path === '/.well-known/jwks.json' || path === '/.well-known/did.json') return READS;
  if (/^\/status\/[^/]+$/.test(path) || /^\/contexts\/.+/.test(path)) return READS;
  if (path === '/credentials/verify' || path === '/api/v1/verify') return POSTS;
  return undefined;
}

const ALLOWED_HEADERS = 'Content-Type, Accept, Accept-Language, If-None-Match, X-Request-Id';
const EXPOSED_HEADERS = 'ETag, Retry-After, X-Request-Id, Content-Length';

export function publicCors(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const methods = corsMethods(c.req.path);
    if (!methods) return next();
    if (c.req.method === 'OPTIONS') {
      // a preflight (or a plain OPTIONS): nothing is read, counted or stored
      return new Response(null, {
        status: 204,
        headers: {
          'Access-Control-Allow-Origin': '*',
          'Access-Control-Allow-Methods': methods,
          'Access-Control-Allow-Headers': ALLOWED_HEADERS,
          'Access-Control-Max-Age': '86400',
          Allow: methods,
          'Cache-Control': 'public, max-age=86400',
        },
      });
    }
    await next();
    const headers = {
      'Access-Control-Allow-Origin': '*',
      'Access-Control-Expose-Headers': EXPOSED_HEADERS,
      // secureHeaders (which runs inside this) says same-site everywhere else; these are for every site
      'Cross-Origin-Resource-Policy': 'cross-origin',
    };
    try {
      for (const [k, v] of Object.entries(headers)) c.res.headers.set(k, v);
    } catch {
      // a Response with immutable headers: hono copies it
      c.res = new Response(c.res.body, c.res);
      for (const [k, v] of Object.entries(headers)) c.res.headers.set(k, v);
    }
  };
}
