import { createRoute, z } from '@hono/zod-openapi';
import { createRouter } from '../http/router.ts';
import { DATABASE_RETRY_AFTER_SECONDS } from '../lib/database-breaker.ts';

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
    503: { description: 'The database does not answer (while it counts as down, at once); see Retry-After', content: { 'application/json': { schema: healthSchema } } },
  },
});

export function healthRoutes() {
  const router = createRouter();
  router.openapi(health, async (c) => {
    const { pingDatabase, logger } = c.get('deps');
    const started = performance.now();
    let ok = true;
    try {
      await withinHealthDeadline(pingDatabase());
    } catch (err) {
      ok = false;
      logger.error('health.database_unavailable', { requestId: c.get('requestId'), error: (err as Error).name });
    }
    const ms = Math.round((performance.now() - started) * 10) / 10;
    const status = ok ? 'ok' : 'unavailable';
    c.header('Cache-Control', 'no-store');
    // a load balancer or client polling /health may come back when requests would be served again
    if (!ok) c.header('Retry-After', String(DATABASE_RETRY_AFTER_SECONDS));
    return c.json({ status, checks: { database: { status, ms } } }, ok ? 200 : 503);
  });
  return router;
}

/** /health answers within a second even when the database neither answers nor refuses */
const HEALTH_DEADLINE_MS = 1000;

async function withinHealthDeadline(ping: Promise<void>): Promise<void> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(Object.assign(new Error('no answer within the health deadline'), { name: 'HealthDeadline' })), HEALTH_DEADLINE_MS);
  });
  try {
    await Promise.race([ping, late]);
  } finally {
    clearTimeout(timer);
    ping.catch(() => {});
  }
}
