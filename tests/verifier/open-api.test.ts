// The open verification APIs against floods and other sites, over real HTTP on every database:
// a per-client rate limit on the VC-API and the QR entrance, one "who looked" line per client,
// extract and entrance within ten minutes, CORS only where other sites may ask, and a 413 that a
// fetch client still receives.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { and, eq, sql } from 'drizzle-orm';
import { diplomas, statusLists, verificationEvents } from '../../db/schema.ts';
import { issueExtract, type ExtractIssuer, type IssuedExtract } from '../../src/extracts/extract-service.ts';
import { loadConfig } from '../../src/config.ts';
import { WHO_LOOKED_WINDOW_MS } from '../../src/verifier/verifier-service.ts';
import { describeEachDatabase } from '../support/databases.ts';
import { startApp, type RunningApp } from '../support/app.ts';
import { testDocumentDeps } from '../support/documents.ts';
import { TEST_NOW } from '../support/constants.ts';

const LIMIT = 20;

describeEachDatabase('the open verification APIs', (getDb) => {
  let app: RunningApp;
  let extract: IssuedExtract;
  let other: IssuedExtract;

  beforeAll(async () => {
    const docs = await testDocumentDeps();
    app = await startApp(getDb(), { ...docs, env: { VERIFY_RATE_LIMIT: String(LIMIT) } });
    const issuer: ExtractIssuer = { signingKeys: docs.signingKeys!, seal: docs.documents!.seal, documentAssets: docs.documents!.assets, publicBaseUrl: 'http://register.test', did: 'did:web:register.test' };
    const valid = await getDb().db.select({ id: diplomas.id }).from(diplomas).where(eq(diplomas.state, 'valid')).limit(2);
    extract = await issueExtract(getDb().db, issuer, { diplomaId: valid[0]!.id, lang: 'nl', issuedBy: 'holder', now: new Date(TEST_NOW) });
    other = await issueExtract(getDb().db, issuer, { diplomaId: valid[1]!.id, lang: 'en', issuedBy: 'holder', now: new Date(TEST_NOW) });
  });
  afterAll(() => app.close());

  const at = (ms: number) => app.clock.set(new Date(Date.parse(TEST_NOW) + ms));
  const verify = (jwt: string, client: string, headers: Record<string, string> = {}) =>
    app.fetch('/credentials/verify', { method: 'POST', headers: { 'content-type': 'application/json', 'cf-connecting-ip': client, ...headers }, body: JSON.stringify({ verifiableCredential: jwt }) });
  const byQr = (e: IssuedExtract, client: string) => {
    const u = new URL(e.verifyUrl);
    return app.fetch('/api/v1/verify', { method: 'POST', headers: { 'content-type': 'application/json', 'cf-connecting-ip': client }, body: JSON.stringify({ number: u.pathname.split('/').pop(), secret: u.hash.slice(1) }) });
  };
  const looks = async (e: IssuedExtract, entrance: 'api' | 'qr') =>
    (await getDb().db.select({ n: sql<number>`count(*)::int` }).from(verificationEvents).where(and(eq(verificationEvents.extractId, e.id), eq(verificationEvents.entrance, entrance))))[0]!.n;

  it('the default limit is 300 verifications per client and minute', () => {
    expect(loadConfig({}).verifyRateLimit).toBe(300);
  });

  it('POST /credentials/verify is rate limited per client: a clear 429 problem with Retry-After, in Dutch and English', async () => {
    const client = '203.0.113.21';
    try {
      const statuses = await Promise.all(Array.from({ length: LIMIT }, () => verify(extract.credentialJwt, client).then((r) => r.status)));
      expect(statuses).toEqual(Array.from({ length: LIMIT }, () => 200));
      const limited = await verify(extract.credentialJwt, client);
      expect(limited.status).toBe(429);
      expect(limited.headers.get('content-type')).toBe('application/problem+json');
      expect(limited.headers.get('retry-after')).toBe('60');
      const problem = await limited.json();
      expect(problem).toMatchObject({ code: 'TOO_MANY_ATTEMPTS', status: 429, retryAfterSeconds: 60, detail: expect.stringContaining('Try again in 1 minute') });
      expect(problem.message).toEqual({ nl: expect.stringContaining('Probeer het over 1 minuut opnieuw'), en: expect.stringContaining('Try again in 1 minute') });
      // the QR entrance counts against the same limit; another client is not affected
      expect((await byQr(extract, client)).status).toBe(429);
      expect((await verify(extract.credentialJwt, '203.0.113.22')).status).toBe(200);
      at(60_000);
      expect((await verify(extract.credentialJwt, client)).status).toBe(200);
    } finally {
      app.clock.set(TEST_NOW);
    }
  });

  it('repeated verifications of one credential by one client within ten minutes are one "who looked" line', async () => {
    const [api, qr] = [await looks(other, 'api'), await looks(other, 'qr')];
    const client = '203.0.113.31';
    try {
      // at once and one after another
      expect((await Promise.all(Array.from({ length: 10 }, () => verify(other.credentialJwt, client)))).map((r) => r.status)).toEqual(Array.from({ length: 10 }, () => 200));
      for (let i = 0; i < 5; i++) expect((await verify(other.credentialJwt, client)).status).toBe(200);
      for (let i = 0; i < 5; i++) expect((await byQr(other, client)).status).toBe(200);
      expect([await looks(other, 'api'), await looks(other, 'qr')]).toEqual([api + 1, qr + 1]);
      // another client is another line; so is the same client ten minutes later
      expect((await verify(other.credentialJwt, '203.0.113.32')).status).toBe(200);
      at(WHO_LOOKED_WINDOW_MS - 1000);
      expect((await verify(other.credentialJwt, client)).status).toBe(200);
      expect(await looks(other, 'api')).toBe(api + 2);
      at(WHO_LOOKED_WINDOW_MS);
      expect((await verify(other.credentialJwt, client)).status).toBe(200);
      expect(await looks(other, 'api')).toBe(api + 3);
    } finally {
      app.clock.set(TEST_NOW);
    }
  });

  it('CORS on the public reads and the two verification APIs: any origin, no credentials; OPTIONS answers 204', async () => {
    const origin = { origin: 'https://employer.example' };
    const [{ id: listId }] = (await getDb().db.select({ id: statusLists.id }).from(statusLists).limit(1)) as [{ id: string }];
    for (const path of ['/.well-known/jwks.json', '/.well-known/did.json', `/status/${listId}`, '/contexts/diploma/v1']) {
      const res = await app.fetch(path, { headers: origin });
      expect(res.status, path).toBe(200);
      expect(res.headers.get('access-control-allow-origin'), path).toBe('*');
      expect(res.headers.get('access-control-allow-credentials'), path).toBeNull();
      expect(res.headers.get('cross-origin-resource-policy'), path).toBe('cross-origin');
      await res.arrayBuffer();
      const preflight = await app.fetch(path, { method: 'OPTIONS', headers: { ...origin, 'access-control-request-method': 'GET' } });
      expect(preflight.status, path).toBe(204);
      expect(preflight.headers.get('access-control-allow-origin')).toBe('*');
      expect(preflight.headers.get('access-control-allow-methods')).toBe('GET, HEAD, OPTIONS');
    }
    for (const path of ['/credentials/verify', '/api/v1/verify']) {
      const preflight = await app.fetch(path, { method: 'OPTIONS', headers: { ...origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' } });
      expect(preflight.status, path).toBe(204);
      expect(preflight.headers.get('access-control-allow-origin')).toBe('*');
      expect(preflight.headers.get('access-control-allow-methods')).toBe('POST, OPTIONS');
      expect(preflight.headers.get('access-control-allow-headers')).toMatch(/(^|, )Content-Type(,|$)/);
      expect(preflight.headers.get('access-control-allow-credentials')).toBeNull();
    }
    const answered = await verify(extract.credentialJwt, '203.0.113.41', origin);
    expect([answered.status, answered.headers.get('access-control-allow-origin')]).toEqual([200, '*']);
    expect(answered.headers.get('access-control-expose-headers')).toContain('Retry-After');
    expect(answered.headers.get('set-cookie')).toBeNull();
    // errors are readable by the other site too
    const invalid = await app.fetch('/credentials/verify', { method: 'POST', headers: { ...origin, 'content-type': 'application/json' }, body: '{"verifiableCredential":42}' });
    expect([invalid.status, invalid.headers.get('access-control-allow-origin')]).toEqual([422, '*']);
    // and nowhere else: the portal, the /v forms, the feed, health
    for (const [path, method] of [['/v', 'GET'], ['/v/check', 'OPTIONS'], ['/portal/', 'GET'], ['/api/v1/feed/records', 'OPTIONS'], ['/health', 'GET'], ['/login', 'GET']] as const) {
      const res = await app.fetch(path, { method, headers: { ...origin, ...(method === 'OPTIONS' ? { 'access-control-request-method': 'POST' } : {}) }, redirect: 'manual' });
      expect(res.headers.get('access-control-allow-origin'), `${method} ${path}`).toBeNull();
      expect(res.status, `${method} ${path}`).not.toBe(204);
      await res.arrayBuffer();
    }
  });

  it('a fetch client posting an oversize body receives the 413 (with CORS), not a broken connection', async () => {
    const form = () => {
      const f = new FormData();
      f.append('file', new Blob([new Uint8Array(7 * 1024 * 1024)], { type: 'application/pdf' }), 'big.pdf');
      return f;
    };
    for (let i = 0; i < 3; i++) {
      const api = await app.fetch('/api/v1/verify', { method: 'POST', headers: { origin: 'https://employer.example' }, body: form() });
      expect(api.status).toBe(413);
      expect(api.headers.get('access-control-allow-origin')).toBe('*');
      expect((await api.json()).code).toBe('PAYLOAD_TOO_LARGE');
      const json = await app.fetch('/credentials/verify', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ verifiableCredential: 'x'.repeat(3 * 1024 * 1024) }) });
      expect(json.status).toBe(413);
      expect((await json.json()).code).toBe('PAYLOAD_TOO_LARGE');
      const page = await app.fetch('/v/upload?lang=en', { method: 'POST', body: form() });
      expect(page.status).toBe(413);
      expect(await page.text()).toContain('larger than 5 MB');
    }
    // a body sent without a length (streamed) is counted as it comes, and still answered
    let left = 7 * 1024 * 1024;
    const stream = new ReadableStream<Uint8Array>({ pull(c) { if (left <= 0) return c.close(); const n = Math.min(left, 65536); left -= n; c.enqueue(new Uint8Array(n)); } });
    const streamed = await app.fetch('/credentials/verify', { method: 'POST', headers: { 'content-type': 'application/json' }, body: stream, duplex: 'half' } as RequestInit);
    expect(streamed.status).toBe(413);
  });
});
