import { createRoute, z } from '@hono/zod-openapi';
import { createRouter } from '../http/router.ts';
import { cacheableJson } from '../http/cacheable.ts';
import { buildDidDocument, buildJwks } from './publication.ts';

const KEYS_MAX_AGE = 300;

const jwkSchema = z.object({ kty: z.string(), crv: z.string(), x: z.string(), kid: z.string(), alg: z.string(), use: z.string(), status: z.string() }).loose();

const jwks = createRoute({
  method: 'get',
  path: '/.well-known/jwks.json',
  tags: ['Trust'],
  summary: 'Public signing keys (JWKS)',
  description:
    'Active and retired Ed25519 keys under `keys` (a retired key still verifies what it signed). Compromised keys are not under `keys` but under `compromised`: anything they signed must fail.',
  responses: {
    200: {
      description: 'JWK Set',
      content: { 'application/json': { schema: z.object({ keys: z.array(jwkSchema), compromised: z.array(jwkSchema) }).openapi('Jwks') } },
    },
  },
});

const did = createRoute({
  method: 'get',
  path: '/.well-known/did.json',
  tags: ['Trust'],
  summary: 'The register as did:web',
  description: 'DID document with every key as a verification method; compromised keys carry `revoked` and are not assertion methods.',
  responses: { 200: { description: 'DID document', content: { 'application/json': { schema: z.object({ id: z.string() }).loose().openapi('DidDocument') } } } },
});

export function signingKeyRoutes() {
  const router = createRouter();
  router.openapi(jwks, async (c) => cacheableJson(c, buildJwks(await c.get('services').keys.list(c.get('deps').db)), KEYS_MAX_AGE) as never);
  router.openapi(did, async (c) => {
    const { db, config } = c.get('deps');
    return cacheableJson(c, buildDidDocument(config.did, await c.get('services').keys.list(db)), KEYS_MAX_AGE) as never;
  });
  return router;
}
