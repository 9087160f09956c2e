// The Workers entry (src/worker.ts) under workerd via `wrangler dev` (local mode, offline), reaching
// a fresh PostgreSQL database through the Hyperdrive binding. Needs the suite's PostgreSQL server.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databaseKinds, freshDatabase, type FreshDatabase } from '../support/databases.ts';
import { TEST_PSEUDONYM_SECRET } from '../support/constants.ts';
import { startWranglerDev, type WranglerDev } from '../support/wrangler.ts';
import { listKeys } from '../../src/signing-keys/key-registry.ts';

const hasPostgres = databaseKinds().includes('postgres');

/** Hyperdrive's local mode insists on a password in the URL, even with trust auth. */
function withPassword(url: string): string {
  const u = new URL(url);
  if (!u.password) u.password = 'postgres';
  return u.toString();
}

if (!hasPostgres) {
  it.skip('worker under workerd + Hyperdrive: needs PostgreSQL (set DATABASE_URL or TEST_DATABASE_URL)', () => {});
}

describe.skipIf(!hasPostgres)('worker under workerd (wrangler dev + Hyperdrive) [postgres]', () => {
  let database: FreshDatabase | undefined;
  let worker: WranglerDev | undefined;
  const get = (path: string, init?: RequestInit) => fetch(worker!.url + path, init);

  beforeAll(async () => {
    database = await freshDatabase('postgres');
    worker = await startWranglerDev({
      env: { CLOUDFLARE_HYPERDRIVE_LOCAL_CONNECTION_STRING_HYPERDRIVE: withPassword(database.url!) },
      vars: { PSEUDONYM_SECRET: TEST_PSEUDONYM_SECRET },
      ready: {
        path: '/health',
        check: async (res) => res.status === 200 && ((await res.json()) as { status?: string }).status === 'ok',
        timeoutMs: 60_000,
        intervalMs: 250,
      },
    });
    const t0 = performance.now();
    await (await get('/health')).arrayBuffer();
    const secondMs = performance.now() - t0;
    console.log(
      `[workerd] wrangler dev ready in ${Math.round(worker.readyMs)} ms; first /health ${Math.round(worker.firstRequestMs)} ms, second ${Math.round(secondMs)} ms`,
    );
  }, 120_000);

  afterAll(async () => {
    try {
      await worker?.stop();
    } finally {
      await database?.dispose();
    }
  }, 120_000);

  it('/health answers ok with the database checked through Hyperdrive', async () => {
    const res = await get('/health');
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body).toMatchObject({ status: 'ok', checks: { database: { status: 'ok' } } });
    expect(body.checks.database.status).toBe('ok');
  });

  it('/.well-known/jwks.json publishes exactly the active key from the database, with an ETag', async () => {
    const active = (await listKeys(database!.db)).filter((k) => k.status === 'active');
    expect(active).toHaveLength(1);
    const res = await get('/.well-known/jwks.json');
    expect(res.status).toBe(200);
    expect(res.headers.get('etag')).toMatch(/^"[0-9a-f]+"$/);
    const jwks = await res.json();
    expect(jwks.keys).toHaveLength(1);
    expect(jwks.keys[0]).toMatchObject({ kid: active[0]!.kid, x: active[0]!.publicJwk.x, status: 'active' });
  });

  it('/.well-known/did.json uses the configured public host', async () => {
    const res = await get('/.well-known/did.json');
    expect(res.status).toBe(200);
    const doc = await res.json();
    expect(doc.id.startsWith('did:web:localhost%3A8787')).toBe(true);
  });

  it('/openapi.json documents the feed', async () => {
    const res = await get('/openapi.json');
    expect(res.status).toBe(200);
    const doc = await res.json();
    expect(Object.keys(doc.paths)).toContain('/api/v1/feed/records');
  });

  it('an unknown path is a 404 problem+json', async () => {
    const res = await get('/no/such/page');
    expect(res.status).toBe(404);
    expect(res.headers.get('content-type')).toBe('application/problem+json');
    expect(await res.json()).toMatchObject({ status: 404, code: 'NOT_FOUND' });
  });

  it('/static/* is served from public/ as assets', async () => {
    const res = await get('/static/site.css');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/css/);
    expect((await res.text()).length).toBeGreaterThan(0);
  });

  it('the verifier page renders at the edge, with its script and the QR decoder as assets', async () => {
    const page = await get('/v?lang=en');
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('Check a diploma');
    for (const asset of ['/static/verifier.js', '/static/vendor/jsQR.js', '/static/verifier.css']) expect((await get(asset)).status).toBe(200);
  });
});
