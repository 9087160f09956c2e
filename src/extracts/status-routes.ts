// Status lists as signed vc+jwt (Bitstring Status List v1.0) and our pinned JSON-LD context.
import { createRoute, z } from '@hono/zod-openapi';
import { problems } from '../errors.ts';
import { createRouter, problemResponses } from '../http/router.ts';
import { diplomaContext } from '../credentials/context.ts';
import { STATUS_LIST_TTL_SECONDS, type StatusListPublisher } from './status-publisher.ts';

const statusRoute = createRoute({
  method: 'get',
  path: '/status/{id}',
  tags: ['Trust'],
  summary: 'A status list (revocation or suspension) as a signed vc+jwt',
  description: `Bitstring Status List v1.0 credential, ${131072} entries, secured as \`application/vc+jwt\`. Cache it for at most \`ttl\` (${STATUS_LIST_TTL_SECONDS} s); supports ETag / If-None-Match.`,
  request: { params: z.object({ id: z.string().regex(/^[a-z]+-[0-9]+$/) }) },
  responses: { 200: { description: 'The signed status list credential', content: { 'application/vc+jwt': { schema: z.string() } } }, ...problemResponses(404, 503) },
});

export function statusRoutes(publisher: StatusListPublisher) {
  const router = createRouter();

  router.openapi(statusRoute, async (c) => {
    const entry = await publisher.signed(c.get('deps'), c.req.valid('param').id);
    if (!entry) throw problems.notFound('No such status list.');
    const headers = { ETag: entry.etag, 'Cache-Control': `public, max-age=${STATUS_LIST_TTL_SECONDS}`, 'Last-Modified': entry.lastModified, 'Content-Type': 'application/vc+jwt' };
    if (c.req.header('if-none-match')?.split(',').some((t) => t.trim() === entry.etag)) return new Response(null, { status: 304, headers }) as never;
    return new Response(entry.jwt, { status: 200, headers }) as never;
  });

  router.get('/contexts/diploma/v1', (c) => {
    c.header('Cache-Control', 'public, max-age=86400, immutable');
    c.header('Content-Type', 'application/ld+json');
    return c.body(JSON.stringify(diplomaContext(c.get('deps').config.publicBaseUrl)));
  });
  return router;
}
