// createApp(deps) → the register's HTTP app. Entry points (Node, Workers) and tests build the deps.
import { HTTPException } from 'hono/http-exception';
import { secureHeaders } from 'hono/secure-headers';
import type { AppDeps } from './deps.ts';
import { AppError, problems } from './errors.ts';
import { createRouter } from './http/router.ts';
import { accessLog, limitBodies, requestContext } from './http/middleware.ts';
import { problemResponse } from './http/problem.ts';
import { healthRoutes } from './health/routes.ts';
import { signingKeyRoutes } from './signing-keys/routes.ts';
import { BULK_PATH, feedRoutes } from './feed/routes.ts';
import { docsRoutes } from './docs/routes.tsx';
import { homeRoutes } from './web/home.tsx';
import { statusRoutes } from './extracts/status-routes.ts';
import { createStatusListPublisher } from './extracts/status-publisher.ts';
import { API_VERIFY_PATH, verifierRoutes } from './verifier/routes.ts';
import { createVerifier } from './verifier/verifier-service.ts';
import { PAGE_UPLOAD_PATH, UPLOAD_FORM_OVERHEAD, verifierPages } from './verifier/pages.tsx';
import { portalRoutes } from './portal/routes.tsx';
import { notFoundPage, prefersHtml } from './web/not-found.tsx';
import { forgetKeysOnChange } from './signing-keys/key-registry.ts';

export const API_VERSION = '0.1.0';

export function createApp(deps: AppDeps) {
  const app = createRouter();
  if (deps.registerChanges) forgetKeysOnChange(deps.registerChanges);

  app.use('*', requestContext(deps));
  app.use('*', accessLog());
  app.use(
    '*',
    secureHeaders({
      contentSecurityPolicy: {
        defaultSrc: ["'self'"],
        imgSrc: ["'self'", 'data:'],
        styleSrc: ["'self'"],
        scriptSrc: ["'self'"],
        frameAncestors: ["'none'"],
        formAction: ["'self'"],
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

  if (deps.staticAssets) app.use('/static/*', deps.staticAssets);
  app.route('/', homeRoutes());
  app.route('/', healthRoutes());
  app.route('/', signingKeyRoutes());
  app.route('/', feedRoutes());
  const statusLists = createStatusListPublisher();
  app.route('/', statusRoutes(statusLists));
  const verifier = createVerifier(statusLists, deps.clock);
  app.route('/', verifierRoutes(verifier));
  app.route('/', verifierPages(verifier));
  app.route('/', portalRoutes());

  const openApiConfig = {
    openapi: '3.1.0',
    info: {
      title: 'Diplomaregister API',
      version: API_VERSION,
      description:
        'The national diploma register: institution feed, public keys and (soon) signed extracts and verification. Errors are RFC 9457 problem+json with a stable `code`.',
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
      return problemResponse(c, new AppError({ code: `HTTP_${err.status}`, status: err.status, title: err.message || 'Request failed' }));
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

  return app;
}

export type App = ReturnType<typeof createApp>;

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
