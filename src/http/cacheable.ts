import type { Context } from 'hono';
import { sha256Hex } from '../lib/bytes.ts';

/** JSON with a strong ETag and Cache-Control; answers 304 to a matching If-None-Match. */
export async function cacheableJson(c: Context, body: unknown, maxAgeSeconds: number, contentType = 'application/json'): Promise<Response> {
  const text = JSON.stringify(body);
  const etag = `"${(await sha256Hex(text)).slice(0, 32)}"`;
  const headers = { ETag: etag, 'Cache-Control': `public, max-age=${maxAgeSeconds}`, 'Content-Type': contentType };
  const inm = c.req.header('if-none-match');
  if (inm && inm.split(',').some((t) => t.trim().replace(/^W\//, '') === etag)) {
    return new Response(null, { status: 304, headers });
  }
  return new Response(text, { status: 200, headers });
}
