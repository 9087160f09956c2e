import { createRoute, z } from '@hono/zod-openapi';
import { createRouter } from '../http/router.ts';

const healthSchema = z
  .object({
    status: z.enum(['ok', 'unavailable']),
    checks: z.object({ database: z.object({ status: z.enum(['ok', 'unavailable']), ms: z.number() }) }),
  })
  .openapi('Health');

const health = createRoute({
  method: 'get',
  path: '/health',
  tags: ['Service'],
  summary: 'Liveness and database readiness',
  responses: {
    200: { description: 'Ready', content: { 'application/json': { schema: healthSchema } } },
    503: { description: 'The database does not answer', content: { 'application/json': { schema: healthSchema } } },
  },
});

export function healthRoutes() {
  const router = createRouter();
  router.openapi(health, async (c) => {
    const { pingDatabase, logger } = c.get('deps');
    const started = performance.now();
    let ok = true;
    try {
      await pingDatabase();
    } catch (err) {
      ok = false;
      logger.error('health.database_unavailable', { requestId: c.get('requestId'), error: (err as Error).name });
    }
    const ms = Math.round((performance.now() - started) * 10) / 10;
    const status = ok ? 'ok' : 'unavailable';
    c.header('Cache-Control', 'no-store');
    return c.json({ status, checks: { database: { status, ms } } }, ok ? 200 : 503);
  });
  return router;
}
