// The /v pages over real HTTP without a browser (the browser tests drive the same pages in
// Chromium): the entrances, the result screen in NL and EN, and "report suspected forgery".
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq, sql } from 'drizzle-orm';
import { auditEvents, diplomas, extracts, forgeryReports, holders, verificationEvents, verificationResults } from '../../db/schema.ts';
import { issueExtract, type ExtractIssuer, type IssuedExtract } from '../../src/extracts/extract-service.ts';
import { withdrawExtract } from '../../src/extracts/extract-status.ts';
import { describeEachDatabase } from '../support/databases.ts';
import { startApp, type RunningApp } from '../support/app.ts';
import { testDocumentDeps } from '../support/documents.ts';
import { TEST_NOW } from '../support/constants.ts';

const form = (fields: Record<string, string>) => ({
  method: 'POST',
  headers: { 'content-type': 'application/x-www-form-urlencoded' },
  body: new URLSearchParams(fields).toString(),
});
const text = (html: string) => html.replace(/<[^>]+>/g, ' ').replace(/&#39;/g, "'").replace(/&quot;/g, '"').replace(/&amp;/g, '&').replace(/\s+/g, ' ');
const tokenOf = (html: string) => /name="token" value="([^"]+)"/.exec(html)?.[1];

describeEachDatabase('verifier pages', (getDb) => {
  let app: RunningApp;
  let issuer: ExtractIssuer;
  let extract: IssuedExtract;
  let holder: { name: string; familyName: string; prefix: string | null };

  const issueFor = async (diplomaId: string) => issueExtract(getDb().db, issuer, { diplomaId, lang: 'nl', issuedBy: 'holder', now: new Date(TEST_NOW) });
  const qrParts = (e: IssuedExtract) => {
    const u = new URL(e.verifyUrl);
    return { number: u.pathname.split('/').pop()!, secret: u.hash.slice(1) };
  };

  beforeAll(async () => {
    const docs = await testDocumentDeps();
    app = await startApp(getDb(), docs);
    issuer = { signingKeys: docs.signingKeys!, seal: docs.documents!.seal, documentAssets: docs.documents!.assets, publicBaseUrl: 'http://register.test', did: 'did:web:register.test' };
    const [d] = await getDb()
      .db.select({ id: diplomas.id, given: holders.givenNames, prefix: holders.prefix, familyName: holders.familyName })
      .from(diplomas)
      .innerJoin(holders, eq(holders.id, diplomas.holderId))
      .where(eq(diplomas.state, 'valid'))
      .limit(1);
    holder = { name: [d!.given, d!.prefix, d!.familyName].filter(Boolean).join(' '), familyName: d!.familyName, prefix: d!.prefix };
    extract = await issueFor(d!.id);
  });
  afterAll(() => app.close());

  describe('the start page', () => {
    it('offers the three entrances in Dutch and in English, with labelled fields', async () => {
      for (const [lang, words] of [
        ['nl', ['QR-code scannen', 'Nummer invoeren', 'PDF uploaden', 'Uittrekselnummer']],
        ['en', ['Scan the QR code', 'Enter the number', 'Upload the PDF', 'Extract number']],
      ] as const) {
        const res = await app.fetch(`/v?lang=${lang}`);
        expect(res.status).toBe(200);
        const html = await res.text();
        expect(html).toContain(`<html lang="${lang}">`);
        for (const w of words) expect(text(html)).toContain(w);
        for (const id of ['number', 'letters', 'file', 'qr-photo']) expect(html).toContain(`<label for="${id}">`);
        expect(html).toContain('enctype="multipart/form-data"');
        expect(html).toContain('src="/static/vendor/jsQR.js"');
      }
    });

    it('serves its script, styles and the QR decoder', async () => {
      const root = await import('node:fs');
      // the Node entry serves public/; the tests' app has no static handler, so check the files exist
      for (const f of ['public/static/verifier.js', 'public/static/verifier.css', 'public/static/vendor/jsQR.js']) expect(root.existsSync(f)).toBe(true);
    });
  });

  describe('the QR landing and the number entrance', () => {
    it('the QR URL opens a page that carries the number (the secret stays in the fragment)', async () => {
      const { number } = qrParts(extract);
      const res = await app.fetch(`/v/${number}`);
      expect(res.status).toBe(200);
      const html = await res.text();
      expect(html).toContain('data-qr-secret');
      expect(html).toContain(`value="${number.slice(0, 4)}-${number.slice(4, 8)}-`);
      expect((await app.fetch('/v/NOT-A-NUMBER')).status).toBe(404);
      // a GET no route answers is a 404 (an HTML page for a browser), not a 405
      const slash = await app.fetch('/v/', { headers: { accept: 'text/html' } });
      expect(slash.status).toBe(404);
      expect(slash.headers.get('content-type')).toMatch(/^text\/html/);
      expect((await app.fetch('/v/a.b')).status).toBe(404);
      // the access log names the route, never the extract number
      expect(app.logs.join('\n')).not.toContain(number);
      expect(app.logs.join('\n')).toContain('/v/:number');
    });

    it('number + secret from the QR shows the verdict first, the register data and every check; recorded as qr', async () => {
      const { number, secret } = qrParts(extract);
      const res = await app.fetch('/v/check?lang=nl', form({ number, secret }));
      expect(res.status).toBe(200);
      expect(res.headers.get('cache-control')).toBe('no-store');
      const html = await res.text();
      const t = text(html);
      expect(html).toContain('data-verdict="authentic"');
      expect(t.indexOf('Echt')).toBeLessThan(t.indexOf(holder.familyName));
      expect(t).toContain(holder.name);
      for (const name of ['Opbouw', 'Handtekening', 'Uitgever', 'Status', 'Geldigheid', 'Register']) expect(t).toContain(name);
      expect(t).toContain('Instellingscode');
      expect(tokenOf(html)).toMatch(/^[A-Za-z0-9_-]{32}$/);
      const events = await getDb().db.select().from(verificationEvents).innerJoin(extracts, eq(extracts.id, verificationEvents.extractId)).where(eq(extracts.number, number));
      expect(events.map((e) => e.verification_events.entrance)).toContain('qr');
    });

    it('number + two letters in English; wrong letters and unknown numbers get the same page; nothing typed is a 400', async () => {
      const { number } = qrParts(extract);
      const letters = holder.familyName.normalize('NFD').replace(/\p{M}/gu, '').slice(0, 2).toLowerCase();
      const ok = await app.fetch('/v/check?lang=en', { ...form({ number, letters }), headers: { 'content-type': 'application/x-www-form-urlencoded', 'cf-connecting-ip': '203.0.113.20' } });
      expect(ok.status).toBe(200);
      const okHtml = await ok.text();
      expect(okHtml).toContain('data-verdict="authentic"');
      expect(text(okHtml)).toContain('Authentic');
      expect(text(okHtml)).toContain('What was checked');

      const wrong = await app.fetch('/v/check?lang=en', { ...form({ number, letters: letters === 'qq' ? 'zz' : 'qq' }), headers: { 'content-type': 'application/x-www-form-urlencoded', 'cf-connecting-ip': '203.0.113.21' } });
      const unknown = await app.fetch('/v/check?lang=en', { ...form({ number: '0000-0000-0000-00', letters }), headers: { 'content-type': 'application/x-www-form-urlencoded', 'cf-connecting-ip': '203.0.113.22' } });
      expect([wrong.status, unknown.status]).toEqual([404, 404]);
      const [a, b] = [text(await wrong.text()), text(await unknown.text())];
      expect(a).toContain('There is no extract with this number and these letters');
      expect(a.replace(number.slice(0, 4), '').length).toBeGreaterThan(0);
      expect(b).toContain('There is no extract with this number and these letters');

      const empty = await app.fetch('/v/check?lang=nl', form({ number: '' }));
      expect(empty.status).toBe(400);
      expect(text(await empty.text())).toContain('Vul het uittrekselnummer');
      expect(app.logs.join('\n')).not.toContain('203.0.113');
    });

    it('a withdrawn extract reads Ingetrokken / Revoked', async () => {
      const [d] = await getDb().db.select({ id: extracts.diplomaId }).from(extracts).where(eq(extracts.number, qrParts(extract).number));
      const other = await issueFor(d!.id);
      const [row] = await getDb()
        .db.select({ id: extracts.id, subject: holders.subjectId })
        .from(extracts)
        .innerJoin(diplomas, eq(diplomas.id, extracts.diplomaId))
        .innerJoin(holders, eq(holders.id, diplomas.holderId))
        .where(eq(extracts.number, qrParts(other).number));
      await withdrawExtract(getDb().db, { extractId: row!.id, holderSubjectId: row!.subject, now: new Date(TEST_NOW) });
      const { number, secret } = qrParts(other);
      const html = await (await app.fetch('/v/check?lang=nl', form({ number, secret }))).text();
      expect(html).toContain('data-verdict="revoked"');
      expect(text(html)).toContain('Ingetrokken');
    });
  });

  describe('report suspected forgery', () => {
    it('files the shown checks with the message once, gives a reference, and audits it', async () => {
      const { number, secret } = qrParts(extract);
      const html = await (await app.fetch('/v/check?lang=en', form({ number, secret }))).text();
      const token = tokenOf(html)!;
      const res = await app.fetch('/v/report?lang=en', form({ token, message: 'The holder’s photo ID showed another name.', contact: 'hr@example.com' }));
      expect(res.status).toBe(200);
      const reference = /data-report-reference="(MR-[0-9A-Z]{4}-[0-9A-Z]{4})"/.exec(await res.text())?.[1];
      expect(reference).toBeDefined();
      const [report] = await getDb().db.select().from(forgeryReports).where(eq(forgeryReports.reference, reference!));
      expect(report).toMatchObject({ entrance: 'qr', verdict: 'authentic', message: 'The holder’s photo ID showed another name.', contact: 'hr@example.com', lang: 'en', state: 'received' });
      expect((report!.checks as Array<{ id: string }>).map((c) => c.id)).toEqual(['format', 'signature', 'issuer', 'status', 'validity', 'register']);
      expect(report!.credentialId).toMatch(/^urn:uuid:/);
      const audit = await getDb().db.select().from(auditEvents).where(eq(auditEvents.subjectId, report!.id));
      expect(audit.map((a) => a.action)).toEqual(['forgery_report.received']);
      expect(JSON.stringify(audit)).not.toContain('hr@example.com');

      // the token is used up: a second report of the same check is refused
      const again = await app.fetch('/v/report?lang=en', form({ token, message: 'again' }));
      expect(again.status).toBe(410);
      expect(text(await again.text())).toContain('too long ago');
      expect(app.logs.join('\n')).not.toContain('photo ID');
    });

    it('refuses an empty message or a bad email address, keeping what was typed; nothing is stored', async () => {
      const { number, secret } = qrParts(extract);
      const token = tokenOf(await (await app.fetch('/v/check?lang=nl', form({ number, secret }))).text())!;
      const before = (await getDb().db.select().from(forgeryReports)).length;
      const empty = await app.fetch('/v/report?lang=nl', form({ token, message: '   ' }));
      expect(empty.status).toBe(400);
      const bad = await app.fetch('/v/report?lang=nl', form({ token, message: 'Vreemd', contact: 'not an address' }));
      expect(bad.status).toBe(400);
      const badHtml = await bad.text();
      expect(text(badHtml)).toContain('geen geldig e-mailadres');
      expect(badHtml).toContain('>Vreemd</textarea>');
      expect(badHtml).toContain(`value="${token}"`);
      expect((await getDb().db.select().from(forgeryReports)).length).toBe(before);
      expect((await app.fetch('/v/report', form({ token: 'made-up', message: 'x' }))).status).toBe(410);
    });

    it('holds results for an hour only', async () => {
      const rows = await getDb().db.select({ createdAt: verificationResults.createdAt, expiresAt: verificationResults.expiresAt, file: verificationResults.file }).from(verificationResults);
      expect(rows.length).toBeGreaterThan(0);
      for (const r of rows) expect(r.expiresAt.getTime() - r.createdAt.getTime()).toBe(60 * 60_000);
    });
  });

  describe('the PDF entrance', () => {
    const upload = (path: string, bytes: Uint8Array, name = 'extract.pdf', headers: Record<string, string> = {}) => {
      const body = new FormData();
      body.set('file', new File([new Uint8Array(bytes)], name, { type: 'application/pdf' }));
      return app.fetch(path, { method: 'POST', body, headers });
    };
    const sha256 = async (bytes: Uint8Array) => Buffer.from(await crypto.subtle.digest('SHA-256', new Uint8Array(bytes))).toString('hex');

    it('the genuine PDF is authentic through the page and the API, with seal and binding; recorded as upload', async () => {
      const page = await upload('/v/upload?lang=nl', extract.pdf);
      expect(page.status).toBe(200);
      const html = await page.text();
      expect(html).toContain('data-verdict="authentic"');
      expect(text(html)).toContain(await sha256(extract.pdf));
      expect(text(html)).toContain('Document hoort bij gegevens');
      expect(text(html)).toContain('Zegel van het bestand');
      const api = await upload('/api/v1/verify', extract.pdf);
      expect(api.status).toBe(200);
      const result = await api.json();
      expect(result).toMatchObject({ verified: true, verdict: 'authentic', file: { sha256: await sha256(extract.pdf) } });
      expect(result.checks.filter((c: { status: string }) => c.status !== 'passed')).toEqual([]);
      expect(result.checks.map((c: { id: string }) => c.id)).toContain('binding');
      const events = await getDb().db.select().from(verificationEvents).innerJoin(extracts, eq(extracts.id, verificationEvents.extractId)).where(eq(extracts.id, extract.id));
      // the page and the API from one client within ten minutes: one "who looked" line
      expect(events.filter((e) => e.verification_events.entrance === 'upload').length).toBe(1);
    });

    it('an edited PDF is Niet echt, and its report keeps the file and its SHA-256', async () => {
      const edited = extract.pdf.slice();
      // change one byte inside the first content stream ("stream\n" … ): the seal no longer matches
      const at = Buffer.from(edited).indexOf('stream') + 40;
      edited[at] = edited[at]! ^ 0x01;
      const html = await (await upload('/v/upload?lang=nl', edited)).text();
      expect(html).toContain('data-verdict="not_authentic"');
      expect(text(html)).toContain('Niet echt');
      // nothing is stored before a report is sent
      const held = await getDb().db.select({ file: verificationResults.file }).from(verificationResults).where(eq(verificationResults.fileSha256, await sha256(edited)));
      expect(held.map((r) => r.file)).toEqual([null]);
      const res = await app.fetch('/v/report?lang=nl', form({ token: tokenOf(html)!, message: 'Gekregen per e-mail van de sollicitant.' }));
      expect(res.status).toBe(200);
      const reference = /data-report-reference="([^"]+)"/.exec(await res.text())![1]!;
      const [report] = await getDb().db.select().from(forgeryReports).where(eq(forgeryReports.reference, reference));
      expect(report).toMatchObject({ entrance: 'upload', verdict: 'not_authentic', fileSha256: await sha256(edited) });
      expect(Buffer.from(report!.file!).equals(Buffer.from(edited))).toBe(true);
    });

    it('a flood of suspicious uploads stores no file; a report sent afterwards still gets its file', async () => {
      const edited = extract.pdf.slice();
      const at = Buffer.from(edited).indexOf('stream') + 60;
      edited[at] = edited[at]! ^ 0x02;
      const client = '198.51.100.210';
      const bytesHeld = async () => (await getDb().db.select({ n: sql<number>`coalesce(sum(octet_length(file)), 0)::int` }).from(verificationResults))[0]!.n;
      const tokens: string[] = [];
      for (let i = 0; i < 20; i++) {
        const res = await upload('/v/upload?lang=en', edited, 'x.pdf', { 'cf-connecting-ip': client });
        expect(res.status).toBe(200);
        tokens.push(tokenOf(await res.text())!);
      }
      expect(Number(await bytesHeld())).toBe(0);
      const report = form({ token: tokens[7]!, message: 'One of many.' });
      const res = await app.fetch('/v/report?lang=en', { ...report, headers: { ...report.headers, 'cf-connecting-ip': client } });
      expect(res.status).toBe(200);
      const reference = /data-report-reference="([^"]+)"/.exec(await res.text())![1]!;
      const [filed] = await getDb().db.select().from(forgeryReports).where(eq(forgeryReports.reference, reference));
      expect(Buffer.from(filed!.file!).equals(Buffer.from(edited))).toBe(true);
    });

    it('keeps a suspicious PDF for a report, but not junk: random bytes keep only their hash', async () => {
      const junk = crypto.getRandomValues(new Uint8Array(2048));
      await upload('/v/upload?lang=nl', junk, 'junk.pdf');
      const [held] = await getDb().db.select({ file: verificationResults.file }).from(verificationResults).where(eq(verificationResults.fileSha256, await sha256(junk)));
      // junk "could not be checked": nothing to report, so nothing is held at all
      expect(held ?? { file: null }).toEqual({ file: null });
    });

    it('limits uploads per client (429 with Retry-After), on the page and the API alike', async () => {
      const junk = new TextEncoder().encode('not a pdf');
      const from = (path: string) => {
        const body = new FormData();
        body.set('file', new File([junk], 'x.pdf', { type: 'application/pdf' }));
        return app.fetch(path, { method: 'POST', body, headers: { 'cf-connecting-ip': '198.51.100.200' } });
      };
      const statuses: number[] = [];
      for (let i = 0; i < 60; i++) statuses.push((await from(i % 2 ? '/api/v1/verify' : '/v/upload')).status);
      expect(statuses.every((s) => s === 200)).toBe(true);
      const page = await from('/v/upload?lang=en');
      expect(page.status).toBe(429);
      expect(page.headers.get('retry-after')).toMatch(/^\d+$/);
      expect(text(await page.text())).toContain('Too many attempts');
      const api = await from('/api/v1/verify');
      expect(api.status).toBe(429);
      expect((await api.json()).code).toBe('TOO_MANY_ATTEMPTS');
    });

    it('a file that is not a PDF, or random bytes, could not be checked (never Not authentic), never an error', async () => {
      for (const bytes of [new TextEncoder().encode('hello, I am a diploma'), crypto.getRandomValues(new Uint8Array(4096)), new Uint8Array([0x25, 0x50, 0x44, 0x46])]) {
        const page = await upload('/v/upload?lang=en', bytes, 'x.pdf');
        expect(page.status).toBe(200);
        expect(await page.text()).toContain('data-verdict="unreadable"');
        const api = await upload('/api/v1/verify', bytes, 'x.pdf');
        expect(api.status).toBe(200);
        expect((await api.json()).verdict).toBe('unreadable');
      }
    });
  });

  describe('uploads that are too large or missing', () => {
    it('answers an HTML page with 413 for a file over 5 MB, and 400 without a file', async () => {
      const big = new FormData();
      big.set('file', new File([new Uint8Array(5 * 1024 * 1024 + 1)], 'big.pdf', { type: 'application/pdf' }));
      const res = await app.fetch('/v/upload?lang=en', { method: 'POST', body: big });
      expect(res.status).toBe(413);
      expect(res.headers.get('content-type')).toMatch(/^text\/html/);
      expect(text(await res.text())).toContain('larger than 5 MB');

      const huge = new FormData();
      huge.set('file', new File([new Uint8Array(7 * 1024 * 1024)], 'huge.pdf', { type: 'application/pdf' }));
      const res2 = await app.fetch('/v/upload?lang=nl', { method: 'POST', body: huge });
      expect(res2.status).toBe(413);
      expect(text(await res2.text())).toContain('groter dan 5 MB');

      const none = new FormData();
      none.set('other', 'x');
      const res3 = await app.fetch('/v/upload?lang=en', { method: 'POST', body: none });
      expect(res3.status).toBe(400);
      expect(text(await res3.text())).toContain('Choose a PDF file');
    });

    it('the API answers problem+json 413 for an oversize upload', async () => {
      for (const size of [5 * 1024 * 1024 + 1, 8 * 1024 * 1024]) {
        const big = new FormData();
        big.set('file', new File([new Uint8Array(size)], 'big.pdf', { type: 'application/pdf' }));
        const res = await app.fetch('/api/v1/verify', { method: 'POST', body: big });
        expect(res.status).toBe(413);
        expect(res.headers.get('content-type')).toBe('application/problem+json');
        expect(['UPLOAD_TOO_LARGE', 'PAYLOAD_TOO_LARGE']).toContain((await res.json()).code);
      }
      const none = new FormData();
      none.set('other', 'x');
      const res = await app.fetch('/api/v1/verify', { method: 'POST', body: none });
      expect(res.status).toBe(422);
    });
  });

  describe('form posts from another website (Origin)', () => {
    // the tests' app serves http://register.test (PUBLIC_BASE_URL) while requests go to 127.0.0.1
    const OWN = 'http://register.test';
    const FOREIGN = 'https://forms.example';
    const post = (path: string, body: BodyInit, headers: Record<string, string>) => app.fetch(path, { method: 'POST', body, headers });
    const formBody = (fields: Record<string, string>) => new URLSearchParams(fields).toString();
    const formHeaders = (extra: Record<string, string>) => ({ 'content-type': 'application/x-www-form-urlencoded', ...extra });
    const pdfBody = (bytes: Uint8Array) => {
      const body = new FormData();
      body.set('file', new File([new Uint8Array(bytes)], 'extract.pdf', { type: 'application/pdf' }));
      return body;
    };
    const stored = async () => {
      const count = async (table: typeof verificationResults | typeof verificationEvents | typeof forgeryReports) => (await getDb().db.select({ n: sql<number>`count(*)::int` }).from(table))[0]!.n;
      return { results: await count(verificationResults), events: await count(verificationEvents), reports: await count(forgeryReports) };
    };
    /** a 403 HTML page in `lang` that says why, and keeps no connection open on an unread body */
    const refusedPage = async (res: Response, lang: 'nl' | 'en') => {
      expect(res.status).toBe(403);
      expect(res.headers.get('content-type')).toMatch(/^text\/html/);
      expect(res.headers.get('cache-control')).toBe('no-store');
      const html = await res.text();
      expect(html).toContain(`<html lang="${lang}">`);
      expect(text(html)).toContain(lang === 'nl' ? 'Formulier niet aangenomen' : 'Form not accepted');
      expect(text(html)).toContain(lang === 'nl' ? 'verstuurd vanaf een andere website' : 'sent from a website other than the diploma register');
      expect(html).toContain(`href="/v?lang=${lang}"`);
    };
    let fresh: IssuedExtract;
    let letters: string;
    beforeAll(async () => {
      const [d] = await getDb().db.select({ id: extracts.diplomaId }).from(extracts).where(eq(extracts.number, qrParts(extract).number));
      fresh = await issueFor(d!.id);
      letters = holder.familyName.normalize('NFD').replace(/\p{M}/gu, '').slice(0, 2);
    });

    it('/v/check: another site’s Origin gets 403 in the page’s language; nothing recorded, no attempt counted', async () => {
      const { number, secret } = qrParts(fresh);
      const before = await stored();
      await refusedPage(await post('/v/check?lang=nl', formBody({ number, secret }), formHeaders({ origin: FOREIGN })), 'nl');
      await refusedPage(await post('/v/check?lang=en', formBody({ number, secret }), formHeaders({ origin: FOREIGN })), 'en');
      // an opaque origin (a sandboxed frame, a privacy-stripped referrer) is not ours either
      await refusedPage(await post('/v/check', formBody({ number, secret }), formHeaders({ origin: 'null', 'accept-language': 'en-GB' })), 'en');
      // nor is our host under another scheme or port
      for (const origin of ['https://register.test', 'http://register.test:8080', 'http://sub.register.test']) expect((await post('/v/check', formBody({ number, secret }), formHeaders({ origin }))).status).toBe(403);
      // more wrong letters than the per-client (30) and per-number (10) limits allow, all refused unread
      const client = '198.51.100.150';
      for (let i = 0; i < 31; i++) expect((await post('/v/check?lang=en', formBody({ number, letters: 'qx' }), formHeaders({ origin: FOREIGN, 'cf-connecting-ip': client }))).status).toBe(403);
      expect(await stored()).toEqual(before);

      // the same client from our own page, and without Origin (curl, older clients): as before
      const own = await post('/v/check?lang=en', formBody({ number, letters }), formHeaders({ origin: OWN, 'cf-connecting-ip': client }));
      expect(own.status).toBe(200);
      expect(await own.text()).toContain('data-verdict="authentic"');
      const none = await post('/v/check?lang=en', formBody({ number, secret }), formHeaders({ 'cf-connecting-ip': client }));
      expect(none.status).toBe(200);
      expect(await none.text()).toContain('data-verdict="authentic"');
      const after = await stored();
      expect([after.results - before.results, after.events - before.events]).toEqual([2, 2]);
    });

    it('/v/upload: another site’s Origin gets 403 before the file is read; nothing recorded, no upload counted', async () => {
      const before = await stored();
      await refusedPage(await post('/v/upload?lang=nl', pdfBody(fresh.pdf), { origin: FOREIGN }), 'nl');
      await refusedPage(await post('/v/upload?lang=en', pdfBody(fresh.pdf), { origin: FOREIGN }), 'en');
      // more than the 60 uploads a client may make, all refused
      const client = '198.51.100.151';
      const junk = new TextEncoder().encode('not a pdf');
      for (let i = 0; i < 61; i++) expect((await post('/v/upload?lang=en', pdfBody(junk), { origin: FOREIGN, 'cf-connecting-ip': client })).status).toBe(403);
      expect(await stored()).toEqual(before);

      for (const headers of [{ origin: OWN, 'cf-connecting-ip': client }, { 'cf-connecting-ip': client }] as Array<Record<string, string>>) {
        const res = await post('/v/upload?lang=en', pdfBody(fresh.pdf), headers);
        expect(res.status).toBe(200);
        expect(await res.text()).toContain('data-verdict="authentic"');
      }
      const after = await stored();
      // one client's two checks of one extract within ten minutes are one "who looked" line
      expect([after.results - before.results, after.events - before.events]).toEqual([2, 1]);
    });

    it('/v/report: another site’s Origin gets 403; no forgery_reports row, the token and the report limit untouched', async () => {
      const { number, secret } = qrParts(fresh);
      const token = tokenOf(await (await app.fetch('/v/check?lang=nl', form({ number, secret }))).text())!;
      const before = await stored();
      const report = { token, message: 'Van een andere site ingestuurd.' };
      await refusedPage(await post('/v/report?lang=nl', formBody(report), formHeaders({ origin: FOREIGN })), 'nl');
      await refusedPage(await post('/v/report?lang=en', formBody(report), formHeaders({ origin: FOREIGN })), 'en');
      // more than the 10 reports a client may file in an hour, all refused
      const client = '198.51.100.152';
      for (let i = 0; i < 11; i++) expect((await post('/v/report?lang=nl', formBody(report), formHeaders({ origin: FOREIGN, 'cf-connecting-ip': client }))).status).toBe(403);
      expect(await stored()).toEqual(before);

      // the same token, the same client, from our own page: filed
      const own = await post('/v/report?lang=nl', formBody({ ...report, message: 'Echte melding.' }), formHeaders({ origin: OWN, 'cf-connecting-ip': client }));
      expect(own.status).toBe(200);
      const reference = /data-report-reference="([^"]+)"/.exec(await own.text())?.[1];
      const [row] = await getDb().db.select().from(forgeryReports).where(eq(forgeryReports.reference, reference!));
      expect(row).toMatchObject({ message: 'Echte melding.', lang: 'nl' });
      // and without Origin, with a token of its own
      const token2 = tokenOf(await (await app.fetch('/v/check?lang=en', form({ number, secret }))).text())!;
      const none = await post('/v/report?lang=en', formBody({ token: token2, message: 'Sent by a script.' }), formHeaders({ 'cf-connecting-ip': client }));
      expect(none.status).toBe(200);
      expect((await stored()).reports).toBe(before.reports + 2);
    });

    it('the JSON API is for other sites: an Origin does not matter there', async () => {
      const { number, secret } = qrParts(fresh);
      const res = await app.fetch('/api/v1/verify', { method: 'POST', headers: { 'content-type': 'application/json', origin: FOREIGN }, body: JSON.stringify({ number, secret }) });
      expect(res.status).toBe(200);
      expect((await res.json()).verdict).toBe('authentic');
      const upload = await post('/api/v1/verify', pdfBody(fresh.pdf), { origin: FOREIGN });
      expect(upload.status).toBe(200);
      expect((await upload.json()).verdict).toBe('authentic');
    });
  });
});
