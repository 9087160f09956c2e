// createApp(deps) → the register's HTTP app and its services (built here, once per app: once per
// process in Node, once per isolate in Workers). Entry points (Node, Workers) and tests build the deps.
import { HTTPException } from 'hono/http-exception';
import { secureHeaders } from 'hono/secure-headers';
import type { AppDeps, AppEnv } from './deps.ts';
import type { MiddlewareHandler } from 'hono';
import { AppError, problems } from './errors.ts';
import { createRouter } from './http/router.ts';
import { accessLog, limitBodies, requestContext } from './http/middleware.ts';
import { publicCors } from './http/cors.ts';
import { httpExceptionResponse, problemResponse } from './http/problem.ts';
import { canonicalOrigin } from './http/canonical-origin.ts';
import { databaseUnavailableCode } from './lib/db-errors.ts';
import { DATABASE_RETRY_AFTER_SECONDS } from './lib/database-breaker.ts';
import { healthRoutes } from './health/routes.ts';
import { signingKeyRoutes } from './signing-keys/routes.ts';
import { BULK_PATH, feedRoutes } from './feed/routes.ts';
import { docsRoutes } from './docs/routes.tsx';
import { apiDescription } from './docs/introduction.ts';
import { homeRoutes } from './web/home.tsx';
import { statusRoutes } from './extracts/status-routes.ts';
import { API_VERIFY_PATH, verifierRoutes } from './verifier/routes.ts';
import { PAGE_UPLOAD_PATH, UPLOAD_FORM_OVERHEAD, verifierPages } from './verifier/pages.tsx';
import { portalRoutes } from './portal/routes.tsx';
import { notFoundPage, prefersHtml } from './web/not-found.tsx';
import { createServices, type Services } from './services.ts';
import { createWebCryptoEd25519 } from './credentials/ed25519.ts';

export const API_VERSION = '0.1.0';

export function createApp(appDeps: AppDeps) {
  // Ed25519 keys imported once per app where the platform has no verifier of its own (Workers)
  const deps: AppDeps = appDeps.ed25519 ? appDeps : { ...appDeps, ed25519: createWebCryptoEd25519() };
  const app = createRouter();
  const services = createServices({
    clock: deps.clock,
    ...(deps.registerChanges ? { registerChanges: deps.registerChanges } : {}),
    ...(deps.signingKeys ? { signingKeys: deps.signingKeys } : {}),
    ...(deps.loadSigningKeys ? { loadSigningKeys: deps.loadSigningKeys } : {}),
    ...(deps.rateLimiter ? { limiter: deps.rateLimiter } : {}),
  });

  app.use('*', requestContext(deps));
  app.use('*', withServices(services));
  app.use('*', accessLog());
  // outside secureHeaders, which would set its same-site resource policy over CORS's
  app.use('*', publicCors());
  app.use(
    '*',
    secureHeaders({
      contentSecurityPolicy: {
        defaultSrc: ["'self'"],
        imgSrc: ["'self'", 'data:'],
        styleSrc: ["'self'"],
        scriptSrc: ["'self'"],
        frameAncestors: ["'none'"],
        // logging out sends the form on to the OpenID provider's end_session_endpoint (src/portal/routes.tsx)
        formAction: ["'self'", ...(deps.oidc ? [new URL(deps.oidc.issuer).origin] : [])],
        baseUri: ["'none'"],
        objectSrc: ["'none'"],
      },
      strictTransportSecurity: 'max-age=63072000; includeSubDomains',
      // same-origin, not no-referrer: under no-referrer browsers send "Origin: null" on form posts
      referrerPolicy: 'same-origin',
      crossOriginResourcePolicy: 'same-site',
    }),
  );
  const uploadBodyLimit = deps.config.uploadLimit + UPLOAD_FORM_OVERHEAD;
  app.use(
    '*',
    limitBodies((path) => {
      if (path === BULK_PATH) return deps.config.bulkBodyLimit;
      if (path === API_VERIFY_PATH) return uploadBodyLimit;
      if (path === PAGE_UPLOAD_PATH) return 'route';
      return deps.config.bodyLimit;
    }),
  );

  // a page opened at 127.0.0.1 while PUBLIC_BASE_URL says localhost: to the public origin
  app.use('*', canonicalOrigin(deps.config.publicBaseUrl));
  if (deps.staticAssets) app.use('/static/*', deps.staticAssets);
  app.route('/', homeRoutes());
  app.route('/', healthRoutes());
  app.route('/', signingKeyRoutes());
  app.route('/', feedRoutes());
  app.route('/', statusRoutes(services.statusLists));
  app.route('/', verifierRoutes(services.verifier));
  app.route('/', verifierPages(services.verifier));
  app.route('/', portalRoutes());

  const openApiConfig = {
    openapi: '3.1.0',
    info: {
      title: 'Diplomaregister API',
      version: API_VERSION,
      description: apiDescription,
    },
    servers: [{ url: deps.config.publicBaseUrl }],
  };
  // built once, on first use (after every route is registered): generating it takes ~8 ms
  let openApiDocument: ReturnType<typeof app.getOpenAPI31Document> | undefined;
  const document = () => (openApiDocument ??= app.getOpenAPI31Document(openApiConfig));
  app.get('/openapi.json', (c) => c.json(document()));
  app.route('/', docsRoutes(() => document() as never));

  app.notFound((c) => {
    // 405 only when the path exists for other methods; a GET no route answered is a 404
    const allow = allowedMethods(app.routes, c.req.path);
    const methodNotAllowed = allow.length > 0 && !allow.includes(c.req.method);
    if (!methodNotAllowed && prefersHtml(c)) return notFoundPage(c);
    return problemResponse(c, methodNotAllowed ? problems.methodNotAllowed(allow) : problems.notFound());
  });

  app.onError((err, c) => {
    if (err instanceof AppError) return problemResponse(c, err);
    if (err instanceof HTTPException) {
      if (err.status === 400) return problemResponse(c, problems.malformedJson());
      if (err.status === 413) return problemResponse(c, problems.payloadTooLarge(deps.config.bodyLimit));
      return httpExceptionResponse(c, err.status, err.message);
    }
    // the database is gone or dropped the statement: 503 + Retry-After, never a 500
    const databaseCode = databaseUnavailableCode(err);
    if (databaseCode) {
      deps.logger.warn('database.unavailable', { requestId: c.get('requestId'), route: c.req.routePath, code: databaseCode });
      return problemResponse(c, problems.databaseUnavailable(DATABASE_RETRY_AFTER_SECONDS));
    }
    // Unexpected: log the type and where, not the message (driver messages can quote row values).
    deps.logger.error('unhandled_error', {
      requestId: c.get('requestId'),
      route: c.req.routePath,
      error: err.name,
      pgCode: (err as { code?: string }).code ?? (err as { cause?: { code?: string } }).cause?.code,
      where: err.stack?.split('\n').slice(1, 6).join(' | '),
    });
    return problemResponse(c, problems.internal());
  });

  return Object.assign(app, { services });
}

export type App = ReturnType<typeof createApp>;

/** What a runtime hands the app per request when it must (Workers: a database client per request). */
export interface PerRequest {
  database?: Pick<AppDeps, 'db' | 'pingDatabase'>;
}

/**
 * Puts the app's services in the context and, where the runtime hands over a database for this
 * request (Workers: in the env, see src/worker.ts), this request's deps with it.
 */
function withServices(services: Services): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    c.set('services', services);
    const database = (c.env as PerRequest | undefined)?.database;
    if (database) c.set('deps', { ...c.get('deps'), ...database });
    await next();
  };
}

/** The methods registered for a path (for 405 + Allow). */
function allowedMethods(routes: ReadonlyArray<{ method: string; path: string }>, path: string): string[] {
  const methods = new Set<string>();
  for (const r of routes) {
    if (r.method === 'ALL' || r.path.includes('*')) continue;
    const pattern = new RegExp('^' + r.path.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/:[^/]+/g, '[^/]+') + '/?$');
    if (pattern.test(path)) methods.add(r.method);
  }
  if (methods.has('GET')) methods.add('HEAD');
  return [...methods].sort();
}
