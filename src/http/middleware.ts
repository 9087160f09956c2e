import type { MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import type { AppDeps, AppEnv } from '../deps.ts';
import { problems } from '../errors.ts';
import { problemResponse } from './problem.ts';

const REQUEST_ID = /^[A-Za-z0-9._-]{8,64}$/;

/** Gives every request an id (a caller's own X-Request-Id is kept when it is well-formed). */
export function requestContext(deps: AppDeps): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const incoming = c.req.header('x-request-id');
    const requestId = incoming && REQUEST_ID.test(incoming) ? incoming : crypto.randomUUID();
    c.set('deps', deps);
    c.set('requestId', requestId);
    await next();
    // set on the answer itself: c.header() on a finished answer copies the whole Response
    try {
      c.res.headers.set('X-Request-Id', requestId);
    } catch {
      c.header('X-Request-Id', requestId); // a Response with immutable headers
    }
  };
}

/**
 * One log line per request. It names the route pattern, never the concrete path or query: paths
 * can carry extract numbers and references, which are personal data in context.
 */
export function accessLog(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const started = performance.now();
    await next();
    const deps = c.get('deps');
    const status = c.res.status;
    deps.logger[status >= 500 ? 'error' : 'info']('request', {
      requestId: c.get('requestId'),
      method: c.req.method,
      route: c.req.routePath,
      status,
      ms: Math.round((performance.now() - started) * 10) / 10,
    });
  };
}

/** Body size limits: the bulk feed takes a larger body than everything else. */
/**
 * Limits request bodies by path: `limitFor(path)` gives the byte limit, or `'route'` where the
 * route sets its own (a page that answers an oversize upload with an HTML page, not problem+json).
 */
export function limitBodies(limitFor: (path: string) => number | 'route'): MiddlewareHandler<AppEnv> {
  const limiters = new Map<number, MiddlewareHandler>();
  const limiter = (maxSize: number) => {
    let l = limiters.get(maxSize);
    if (!l) limiters.set(maxSize, (l = bodyLimit({ maxSize, onError: (c) => problemResponse(c, problems.payloadTooLarge(maxSize)) })));
    return l;
  };
  return async (c, next) => {
    // hono's bodyLimit rebuilds the Request around a counting stream, which undici refuses for a
    // bodiless GET/DELETE: nothing to limit there. A POST/PUT/PATCH is always limited (HTTP/2 and
    // Workers requests may stream a body without either header).
    // Only headers are read here: asking for the body would make the Node server (node/http-server.ts)
    // build a stream around a body it already holds.
    const length = c.req.header('content-length');
    const bodiless = length === '0' || (!length && !c.req.header('transfer-encoding') && !['POST', 'PUT', 'PATCH'].includes(c.req.method));
    if (bodiless) return next();
    const limit = limitFor(c.req.path);
    if (limit === 'route') return next();
    // an announced length is judged by itself; hono's bodyLimit (which first asks for the body)
    // counts the bytes of a body that comes without one
    if (length && /^\d+$/.test(length)) return Number(length) > limit ? problemResponse(c, problems.payloadTooLarge(limit)) : next();
    return limiter(limit)(c, next);
  };
}

/** 415 unless the request body has one of the given media types. */
export function requireMediaType(...types: string[]): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const ct = (c.req.header('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
    if (!types.includes(ct)) return problemResponse(c, problems.unsupportedMediaType(types));
    await next();
  };
}
