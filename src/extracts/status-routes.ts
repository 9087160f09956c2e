// Status lists as signed vc+jwt (Bitstring Status List v1.0) and our pinned JSON-LD context.
import { createRoute, z } from '@hono/zod-openapi';
import { AppError, problems } from '../errors.ts';
import { createRouter, problemResponses } from '../http/router.ts';
import { activeKid } from '../signing-keys/key-registry.ts';
import { buildStatusListCredential, encodeStatusList } from '../credentials/status-list.ts';
import { signCredential } from '../credentials/vc-jwt.ts';
import { diplomaContext } from '../credentials/context.ts';
import { readStatusList } from './status-store.ts';
import { statusListUrl } from './extract-service.ts';

/** How long verifiers may cache a list (ttl in the credential, max-age in HTTP). */
export const STATUS_LIST_TTL_SECONDS = 300;

const statusRoute = createRoute({
  method: 'get',
  path: '/status/{id}',
  tags: ['Trust'],
  summary: 'A status list (revocation or suspension) as a signed vc+jwt',
  description: `Bitstring Status List v1.0 credential, ${131072} entries, secured as \`application/vc+jwt\`. Cache it for at most \`ttl\` (${STATUS_LIST_TTL_SECONDS} s); supports ETag / If-None-Match.`,
  request: { params: z.object({ id: z.string().regex(/^[a-z]+-[0-9]+$/) }) },
  responses: { 200: { description: 'The signed status list credential', content: { 'application/vc+jwt': { schema: z.string() } } }, ...problemResponses(404, 503) },
});

export function statusRoutes() {
  const router = createRouter();
  // signed lists by id@version@kid: re-signing and re-compressing only when the list changed
  const cache = new Map<string, { etag: string; jwt: string; lastModified: string }>();

  router.openapi(statusRoute, async (c) => {
    const { db, config, signingKeys } = c.get('deps');
    const { id } = c.req.valid('param');
    const list = await readStatusList(db, id);
    if (!list) throw problems.notFound('No such status list.');
    const kid = await activeKid(db);
    const key = kid ? signingKeys?.get(kid) : undefined;
    if (!key) throw new AppError({ code: 'SIGNING_KEY_UNAVAILABLE', status: 503, title: 'Signing is unavailable' });
    const cacheKey = `${id}@${list.version}@${kid}`;
    let entry = cache.get(cacheKey);
    if (!entry) {
      const credential = buildStatusListCredential({
        id: statusListUrl(config.publicBaseUrl, id),
        issuerDid: config.did,
        purpose: list.purpose,
        encodedList: await encodeStatusList(new Uint8Array(list.bits)),
        validFrom: list.updatedAt,
        ttlMs: STATUS_LIST_TTL_SECONDS * 1000,
      });
      entry = { etag: `"${id}-${list.version}-${kid!.slice(0, 8)}"`, jwt: await signCredential(credential, key), lastModified: list.updatedAt.toUTCString() };
      for (const k of cache.keys()) if (k.startsWith(`${id}@`)) cache.delete(k);
      cache.set(cacheKey, entry);
    }
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
