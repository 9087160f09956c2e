// The Workers entry (src/worker.ts) under workerd via `wrangler dev` (local mode, offline), reaching
// a fresh PostgreSQL database through the Hyperdrive binding. Needs the suite's PostgreSQL server.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { databaseKinds, freshDatabase, type FreshDatabase } from '../support/databases.ts';
import { TEST_PSEUDONYM_SECRET } from '../support/constants.ts';
import { startWranglerDev, type WranglerDev } from '../support/wrangler.ts';
import { listKeys } from '../../src/signing-keys/key-registry.ts';
import { eq } from 'drizzle-orm';
import { diplomas, holders } from '../../db/schema.ts';
import { issueExtract } from '../../src/extracts/extract-service.ts';
import { LETTERS_BACKOFF, LETTERS_LIMIT_PER_NUMBER } from '../../src/verifier/verifier-service.ts';
import { testDocumentDeps } from '../support/documents.ts';

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
  // wrangler's dev registry, shared with the second worker (tests/edge/second-worker.wrangler.toml)
  const registry = mkdtempSync(join(tmpdir(), 'wrangler-registry-'));
  const workerEnv = () => ({ CLOUDFLARE_HYPERDRIVE_LOCAL_CONNECTION_STRING_HYPERDRIVE: withPassword(database!.url!), WRANGLER_REGISTRY_PATH: registry });

  beforeAll(async () => {
    database = await freshDatabase('postgres');
    worker = await startWranglerDev({
      env: workerEnv(),
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
      rmSync(registry, { recursive: true, force: true });
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

  describe('the letters entrance keeps its limits across requests (the app is built once per isolate)', () => {
    let number: string;
    let wrongLetters: string;
    let rightLetters: string;
    const attempt = (letters: string, client?: string, on = worker!) =>
      fetch(on.url + '/api/v1/verify', {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(client ? { 'cf-connecting-ip': client } : {}) },
        body: JSON.stringify({ number, letters }),
      });
    /** the statuses of `count` attempts, one after another */
    const statuses = async (count: number, letters: (i: number) => Promise<Response>) => {
      const out: number[] = [];
      for (let i = 0; i < count; i++) {
        const res = await letters(i);
        out.push(res.status);
        await res.arrayBuffer();
      }
      return out;
    };
    const newNumber = async () => {
      const docs = await testDocumentDeps();
      const [d] = await database!.db
        .select({ id: diplomas.id, familyName: holders.familyName })
        .from(diplomas)
        .innerJoin(holders, eq(holders.id, diplomas.holderId))
        .where(eq(diplomas.state, 'valid'))
        .limit(1);
      const issuer = { signingKeys: docs.signingKeys!, seal: docs.documents!.seal, documentAssets: docs.documents!.assets, publicBaseUrl: 'http://localhost:8787', did: 'did:web:localhost%3A8787' };
      const extract = await issueExtract(database!.db, issuer, { diplomaId: d!.id, lang: 'nl', issuedBy: 'holder', now: new Date() });
      const right = d!.familyName.normalize('NFD').replace(/\p{M}/gu, '').slice(0, 2).toLowerCase();
      wrongLetters = right === 'qx' ? 'zx' : 'qx';
      rightLetters = right;
      return extract.number;
    };

    it('from one client the 6th wrong-letters attempt for one number is a 429 with Retry-After, and so is the 11th and every one after it', async () => {
      number = await newNumber();
      const client = '192.0.2.61';
      const seen = await statuses(LETTERS_BACKOFF.freeMisses, () => attempt(wrongLetters, client));
      expect(seen).toEqual(Array(LETTERS_BACKOFF.freeMisses).fill(404));
      const locked = await attempt(wrongLetters, client);
      expect(locked.status).toBe(429);
      // the first lock is 30 s, counted from the 5th miss on the Durable Object's own clock
      const retryAfter = Number(locked.headers.get('retry-after'));
      expect(retryAfter).toBeGreaterThanOrEqual(1);
      expect(retryAfter).toBeLessThanOrEqual(LETTERS_BACKOFF.firstLockMs / 1000);
      expect(await locked.json()).toMatchObject({ code: 'TOO_MANY_ATTEMPTS', retryAfterSeconds: retryAfter });
      // once refused, refused: the lock does not start over between requests (attempts 7 to 12)
      expect(await statuses(6, () => attempt(wrongLetters, client))).toEqual(Array(6).fill(429));
      // another client is not locked out of this number
      expect((await attempt(wrongLetters, '192.0.2.62')).status).toBe(404);
    }, 60_000);

    describe('in another wrangler dev (another workerd process: other isolates)', () => {
      let second: WranglerDev | undefined;
      beforeAll(async () => {
        second = await startWranglerDev({
          config: 'tests/edge/second-worker.wrangler.toml',
          env: workerEnv(),
          vars: { PSEUDONYM_SECRET: TEST_PSEUDONYM_SECRET },
          ready: { path: '/health', check: async (res) => res.status === 200 && ((await res.json()) as { status?: string }).status === 'ok', timeoutMs: 60_000, intervalMs: 250 },
        });
      }, 120_000);
      afterAll(() => second?.stop(), 60_000);

      it('one client’s misses counted by the first worker lock the number for that client in the second: the back-off lives in the Durable Object', async () => {
        number = await newNumber();
        const client = '192.0.2.63';
        expect(await statuses(LETTERS_BACKOFF.freeMisses, () => attempt(wrongLetters, client))).toEqual(Array(LETTERS_BACKOFF.freeMisses).fill(404));
        // a back-off kept in each isolate's memory would let this miss through as the second worker's first
        const locked = await attempt(wrongLetters, client, second);
        expect(locked.status).toBe(429);
        expect(Number(locked.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
        expect(Number(locked.headers.get('retry-after'))).toBeLessThanOrEqual(LETTERS_BACKOFF.firstLockMs / 1000);
        expect((await attempt(wrongLetters, '192.0.2.64', second)).status).toBe(404);
      }, 60_000);

      it('a right check in one worker gives its miss back in the Durable Object that the other counts in', async () => {
        number = await newNumber();
        const client = '192.0.2.65';
        const free = LETTERS_BACKOFF.freeMisses;
        expect(await statuses(free - 1, () => attempt(wrongLetters, client))).toEqual(Array(free - 1).fill(404));
        const right = await attempt(rightLetters, client, second);
        expect(right.status, await right.text()).toBe(200);
        // the right check counted as a miss until it proved right: given back, the last free miss is still there
        expect((await attempt(wrongLetters, client)).status).toBe(404);
        expect((await attempt(rightLetters, client, second)).status).toBe(429);
      }, 60_000);
    });

    it('misses on one number from many clients meet the per-number limit, kept in the Durable Object', async () => {
      number = await newNumber();
      const limit = LETTERS_LIMIT_PER_NUMBER.limit;
      const seen = await statuses(limit + 1, (i) => attempt(wrongLetters, `198.51.${Math.floor(i / 250)}.${(i % 250) + 1}`));
      expect(seen.slice(0, limit)).toEqual(Array(limit).fill(404));
      expect(seen[limit]).toBe(429);
    }, 120_000);
  });

  it('the verifier page renders at the edge, with its script and the QR decoder as assets', async () => {
    const page = await get('/v?lang=en');
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('Check a diploma');
    for (const asset of ['/static/verifier.js', '/static/vendor/jsQR.js', '/static/verifier.css']) expect((await get(asset)).status).toBe(200);
  });
});
