// HTTP basics every caller meets: health, OpenAPI, the reference page, problem+json for every
// error, request ids, secure headers and logs without personal data.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createApiKey } from '../../src/feed/api-keys.ts';
import { fieldCodes, problemCodes } from '../../src/docs/problem-codes.ts';
import { freePort } from '../support/process.ts';
import { describeEachDatabase } from '../support/databases.ts';
import { startApp, type RunningApp } from '../support/app.ts';

describeEachDatabase('HTTP basics', (getDb) => {
  let app: RunningApp;
  beforeAll(async () => {
    app = await startApp(getDb(), { env: { BODY_LIMIT: '2048' } });
    app.app.get('/test/boom', () => {
      throw new Error('database said: Key (bsn)=(999990019) of Jan Jansen already exists');
    });
  });
  afterAll(() => app.close());

  const expectProblem = async (res: Response, status: number, code: string) => {
    expect(res.status).toBe(status);
    expect(res.headers.get('content-type')).toBe('application/problem+json');
    const body = await res.json();
    expect(body).toMatchObject({ status, code, title: expect.any(String), requestId: res.headers.get('x-request-id') });
    expect(body.type).toBe(`http://register.test/docs#problem-${code}`);
    expect(JSON.stringify(body)).not.toMatch(/at .*\.ts:\d+|node_modules|stack/i);
    return body;
  };

  it('/health reports the database', async () => {
    const res = await app.fetch('/health');
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ status: 'ok', checks: { database: { status: 'ok' } } });
  });

  it('/health is 503 when the database does not answer', async () => {
    const down = await startApp(getDb(), { pingDatabase: () => Promise.reject(new Error('connection refused')) });
    try {
      const res = await down.fetch('/health');
      expect(res.status).toBe(503);
      expect(await res.json()).toMatchObject({ status: 'unavailable', checks: { database: { status: 'unavailable' } } });
    } finally {
      await down.close();
    }
  });

  it('/openapi.json documents the feed, keys and health from the zod schemas', async () => {
    const doc = await (await app.fetch('/openapi.json')).json();
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/health', '/.well-known/jwks.json', '/.well-known/did.json', '/api/v1/feed/records', '/api/v1/feed/records/bulk', '/api/v1/feed/records/{reference}']));
    expect(doc.components.schemas).toHaveProperty('FeedRecord');
    expect(doc.components.schemas).toHaveProperty('Problem');
    expect(doc.components.securitySchemes.institutionApiKey).toMatchObject({ type: 'http', scheme: 'bearer' });
    const holder = doc.components.schemas.Holder;
    expect(holder.required).toEqual(expect.arrayContaining(['bsn', 'givenNames', 'familyName', 'birthDate']));
  });

  it('/docs renders the reference with every operation and error code', async () => {
    const res = await app.fetch('/docs');
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain('<html lang="en">');
    expect(html).toContain('POST /api/v1/feed/records/bulk');
    expect(html).toContain('id="problem-REFERENCE_CONFLICT"');
  });

  it('/docs is current: every address outside the pages, every problem and field code', async () => {
    const html = await (await app.fetch('/docs')).text();
    // the people's pages (verifier, portal, login) are named under "Other addresses", not each route
    const pages = /^\/(v|portal|login|logout|auth|error|static|test)(\/|$)|^\/$/;
    const addresses = app.app.routes
      .filter((r) => r.method !== 'ALL' && !pages.test(r.path))
      .map((r) => `${r.method} ${r.path.replace(/:(\w+)(\{[^}]*\})?/g, '{$1}')}`);
    expect(addresses).toContain('GET /contexts/diploma/v1');
    for (const address of new Set(addresses)) expect(html, address).toContain(address);
    for (const { code } of problemCodes) expect(html).toContain(`id="problem-${code}"`);
    for (const { code } of fieldCodes) expect(html).toContain(`id="field-${code}"`);
  });

  it('/docs renders its Markdown: code, links and emphasis, never a raw backtick', async () => {
    const html = await (await app.fetch('/docs')).text();
    const main = html.slice(html.indexOf('<main'));
    expect(main).not.toContain('`');
    expect(main).not.toContain('**');
    expect(main).toContain('<code>application/vc+jwt</code>');
    expect(main).toContain('<a href="https://www.rfc-editor.org/rfc/rfc9457">RFC 9457</a>');
    expect(main).toContain('<strong>feed</strong>');
    // problem-codes.ts is Markdown too
    expect(main).toMatch(/id="problem-VALIDATION_FAILED"[^]*?<code>errors<\/code>/);
    // one column on a phone: its own stylesheet, no table to push the page sideways
    expect(html).toContain('<link rel="stylesheet" href="/static/docs.css"/>');
    expect(main).not.toContain('<table');
  });

  it('a page opened at 127.0.0.1 while PUBLIC_BASE_URL says localhost goes to the public origin; the API answers under either name', async () => {
    const port = await freePort();
    const local = await startApp(getDb(), { port, env: { PUBLIC_BASE_URL: `http://localhost:${port}` } });
    try {
      expect(local.url).toBe(`http://127.0.0.1:${port}`);
      const browser = { accept: 'text/html,application/xhtml+xml,*/*;q=0.8', 'accept-language': 'en' };
      const page = await local.fetch('/v?lang=en', { headers: browser, redirect: 'manual' });
      expect(page.status).toBe(307);
      expect(page.headers.get('location')).toBe(`http://localhost:${port}/v?lang=en`);
      expect((await local.fetch('/docs', { method: 'HEAD', headers: browser, redirect: 'manual' })).headers.get('location')).toBe(`http://localhost:${port}/docs`);
      // a form posted under the other name: a page that names the address to use
      const posted = await local.fetch('/v/check', { method: 'POST', headers: { ...browser, 'content-type': 'application/x-www-form-urlencoded' }, body: 'number=1', redirect: 'manual' });
      expect(posted.status).toBe(421);
      expect(posted.headers.get('content-type')).toMatch(/^text\/html/);
      expect(await posted.text()).toContain(`<a href="http://localhost:${port}/v/check">http://localhost:${port}</a>`);
      // API clients and health checks are answered under whichever name they used
      expect((await local.fetch('/health')).status).toBe(200);
      expect((await local.fetch('/.well-known/jwks.json', { headers: { accept: 'application/json' } })).status).toBe(200);
    } finally {
      await local.close();
    }
    // another host (a proxy's, or this suite's register.test on 127.0.0.1) is never redirected
    const page = await app.fetch('/docs', { headers: { accept: 'text/html' }, redirect: 'manual' });
    expect(page.status).toBe(200);
    // nor another port: that is another service
    const elsewhere = await startApp(getDb(), { env: { PUBLIC_BASE_URL: `http://localhost:${port}` } });
    try {
      expect((await elsewhere.fetch('/docs', { headers: { accept: 'text/html' }, redirect: 'manual' })).status).toBe(200);
    } finally {
      await elsewhere.close();
    }
  });

  it('404 and 405 (with Allow) are problem+json', async () => {
    await expectProblem(await app.fetch('/no/such/thing'), 404, 'NOT_FOUND');
    const res = await app.fetch('/.well-known/jwks.json', { method: 'POST' });
    await expectProblem(res, 405, 'METHOD_NOT_ALLOWED');
    expect(res.headers.get('allow')).toBe('GET, HEAD');
    const feed = await app.fetch('/api/v1/feed/records/ABC', { method: 'DELETE' });
    expect(feed.status).toBe(405);
  });

  it('a browser asking for HTML gets a 404 page in its language; an API client asking for JSON gets problem+json', async () => {
    const page = await app.fetch('/no/such/page', { headers: { accept: 'text/html,application/xhtml+xml,*/*;q=0.8', 'accept-language': 'en-GB,en;q=0.9' } });
    expect(page.status).toBe(404);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    const html = await page.text();
    expect(html).toContain('<html lang="en">');
    expect(html).toContain('Page not found');
    const nl = await app.fetch('/no/such/page?lang=nl', { headers: { accept: 'text/html' } });
    expect(await nl.text()).toContain('Pagina niet gevonden');
    await expectProblem(await app.fetch('/no/such/page', { headers: { accept: 'application/json, text/html' } }), 404, 'NOT_FOUND');
    await expectProblem(await app.fetch('/no/such/page', { method: 'POST', headers: { accept: 'text/html' } }), 404, 'NOT_FOUND');
  });

  it('413 over the body limit, 415 for the wrong media type, 400 for broken JSON, 422 for bad fields', async () => {
    const key = (await createApiKey(getDb().db, '25LF', 'test')).key;
    const headers = { authorization: `Bearer ${key}`, 'content-type': 'application/json' };
    await expectProblem(await app.fetch('/api/v1/feed/records', { method: 'POST', headers, body: JSON.stringify({ pad: 'x'.repeat(5000) }) }), 413, 'PAYLOAD_TOO_LARGE');
    await expectProblem(await app.fetch('/api/v1/feed/records', { method: 'POST', headers: { ...headers, 'content-type': 'text/plain' }, body: '{}' }), 415, 'UNSUPPORTED_MEDIA_TYPE');
    await expectProblem(await app.fetch('/api/v1/feed/records', { method: 'POST', headers, body: '{"type":' }), 400, 'MALFORMED_JSON');
    const body = await expectProblem(await app.fetch('/api/v1/feed/records', { method: 'POST', headers, body: '{"type":"award"}' }), 422, 'VALIDATION_FAILED');
    expect(body.errors).toContainEqual(expect.objectContaining({ pointer: '/reference', code: 'FIELD_REQUIRED' }));
  });

  it('500 hides the error and logs no message text, only where it happened', async () => {
    const res = await app.fetch('/test/boom');
    const body = await expectProblem(res, 500, 'INTERNAL_ERROR');
    expect(JSON.stringify(body)).not.toContain('999990019');
    const logged = app.logs.filter((l) => l.includes(body.requestId));
    expect(logged.some((l) => JSON.parse(l).msg === 'unhandled_error')).toBe(true);
    expect(logged.join('\n')).not.toMatch(/999990019|Jan Jansen/);
  });

  it('puts a request id on every response and keeps a well-formed incoming one', async () => {
    const own = await app.fetch('/health', { headers: { 'x-request-id': 'caller-trace-0001' } });
    expect(own.headers.get('x-request-id')).toBe('caller-trace-0001');
    const bad = await app.fetch('/health', { headers: { 'x-request-id': 'bad id\twith spaces' } });
    expect(bad.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('sends secure headers', async () => {
    const res = await app.fetch('/');
    expect(res.headers.get('content-security-policy')).toContain("default-src 'self'");
    expect(res.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('strict-transport-security')).toContain('max-age=');
    expect(res.headers.get('referrer-policy')).toBe('same-origin');
  });

  it('logs one JSON line per request with the route pattern, never names, BSNs or references', async () => {
    const key = (await createApiKey(getDb().db, '25LF', 'test')).key;
    const record = {
      type: 'award', reference: 'LOG-CHECK-REF-1', institution: { brin: '25LF', location: '00' }, programme: { code: '25604' }, kind: 'diploma', awardDate: '2025-07-04',
      holder: { bsn: '999990019', givenNames: 'Şükrü', familyName: 'Nguyễn', birthDate: '2003-02-01' },
    };
    const res = await app.fetch('/api/v1/feed/records', { method: 'POST', headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' }, body: JSON.stringify(record) });
    expect(res.status).toBe(201);
    await app.fetch('/api/v1/feed/records/LOG-CHECK-REF-1', { headers: { authorization: `Bearer ${key}` } });
    const lines = app.logs.map((l) => JSON.parse(l));
    const last = lines.filter((l) => l.msg === 'request').at(-1);
    expect(last).toMatchObject({ level: 'info', method: 'GET', route: '/api/v1/feed/records/:reference', status: 200 });
    const all = app.logs.join('\n');
    for (const secret of ['999990019', 'Şükrü', 'Nguyễn', 'LOG-CHECK-REF-1', key]) expect(all).not.toContain(secret);
  });
});
