// The /v pages when a form comes back with an error, over real HTTP: the title says "Fout:" /
// "Error:", the error summary takes the focus as the page opens (tabindex -1 + autofocus), and
// every invalid field carries aria-invalid and an aria-describedby that names its message.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { diplomas, holders } from '../../db/schema.ts';
import { issueExtract, type IssuedExtract } from '../../src/extracts/extract-service.ts';
import { describeEachDatabase } from '../support/databases.ts';
import { startApp, type RunningApp } from '../support/app.ts';
import { testDocumentDeps } from '../support/documents.ts';
import { TEST_NOW } from '../support/constants.ts';

const form = (fields: Record<string, string>, client: string) => ({
  method: 'POST',
  headers: { 'content-type': 'application/x-www-form-urlencoded', 'cf-connecting-ip': client },
  body: new URLSearchParams(fields).toString(),
});

/** The attributes of the element with this id (one start tag; the pages put one attribute set on each). */
function attributesOf(html: string, id: string): Record<string, string> {
  const tag = new RegExp(`<(?:input|textarea|div|p)\\b[^>]*\\bid="${id}"[^>]*>`).exec(html)?.[0];
  if (!tag) throw new Error(`no element with id ${id}`);
  return Object.fromEntries([...tag.matchAll(/([\w-]+)(?:="([^"]*)")?/g)].slice(1).map((m) => [m[1]!, m[2] ?? '']));
}

const titleOf = (html: string) => /<title>([^<]*)<\/title>/.exec(html)?.[1] ?? '';

/** The summary is there, takes the focus, and names the page as an error in the title. */
function expectErrorPage(html: string, lang: 'nl' | 'en') {
  expect(titleOf(html).startsWith(lang === 'nl' ? 'Fout: ' : 'Error: ')).toBe(true);
  const summary = attributesOf(html, 'error-summary');
  expect(summary).toMatchObject({ class: 'error-summary', tabindex: '-1' });
  expect('autofocus' in summary).toBe(true);
  // one element opens focused: nothing else on the page claims the autofocus
  expect(html.match(/\bautofocus\b/g)).toHaveLength(1);
}

/** Invalid, and described by a message that is on the page and says `words`. */
function expectInvalid(html: string, id: string, words: string) {
  const field = attributesOf(html, id);
  expect(field['aria-invalid'], id).toBe('true');
  const described = (field['aria-describedby'] ?? '').split(/\s+/).filter(Boolean);
  expect(described.length, id).toBeGreaterThan(0);
  const messages = described.map((ref) => {
    const element = new RegExp(`<p\\b[^>]*\\bid="${ref}"[^>]*>([\\s\\S]*?)</p>`).exec(html);
    expect(element, `${id} → #${ref}`).not.toBeNull();
    return element![1]!.replace(/&#39;/g, "'");
  });
  expect(messages.join(' ')).toContain(words);
}

const expectValid = (html: string, id: string) => expect(attributesOf(html, id)['aria-invalid'], id).toBeUndefined();

describeEachDatabase('verifier forms with an error', (getDb) => {
  let app: RunningApp;
  let extract: IssuedExtract;
  let letters: string;

  beforeAll(async () => {
    const docs = await testDocumentDeps();
    app = await startApp(getDb(), docs);
    const issuer = { signingKeys: docs.signingKeys!, seal: docs.documents!.seal, documentAssets: docs.documents!.assets, publicBaseUrl: 'http://register.test', did: 'did:web:register.test' };
    const [d] = await getDb()
      .db.select({ id: diplomas.id, familyName: holders.familyName })
      .from(diplomas)
      .innerJoin(holders, eq(holders.id, diplomas.holderId))
      .where(eq(diplomas.state, 'valid'))
      .limit(1);
    letters = d!.familyName.normalize('NFD').replace(/\p{M}/gu, '').slice(0, 2);
    extract = await issueExtract(getDb().db, issuer, { diplomaId: d!.id, lang: 'nl', issuedBy: 'holder', now: new Date(TEST_NOW) });
  });
  afterAll(() => app.close());

  it('the start page without an error has no summary, no "Fout:" and no invalid field', async () => {
    const html = await (await app.fetch('/v?lang=nl')).text();
    expect(titleOf(html).startsWith('Fout')).toBe(false);
    expect(html).not.toContain('error-summary');
    expect(html).not.toContain('aria-invalid');
  });

  it('wrong letters: number and letters invalid and described by the message; the summary takes the focus', async () => {
    for (const lang of ['nl', 'en'] as const) {
      const wrong = letters.toLowerCase() === 'qx' ? 'zz' : 'qx';
      const res = await app.fetch(`/v/check?lang=${lang}`, form({ number: extract.number, letters: wrong }, `203.0.113.${lang === 'nl' ? 60 : 61}`));
      expect(res.status).toBe(404);
      const html = await res.text();
      expectErrorPage(html, lang);
      const words = lang === 'nl' ? 'Er is geen uittreksel met dit nummer' : 'There is no extract with this number';
      expectInvalid(html, 'number', words);
      expectInvalid(html, 'letters', words);
      expectValid(html, 'file');
      // the summary links to the field to fix
      expect(html).toMatch(/class="error-summary"[\s\S]*?<a href="#number">/);
    }
  });

  it('a malformed number, typed or in the address: the number is invalid', async () => {
    const typed = await app.fetch('/v/check?lang=en', form({ number: 'ABC-!!', letters }, '203.0.113.62'));
    expect(typed.status).toBe(404);
    const typedHtml = await typed.text();
    expectErrorPage(typedHtml, 'en');
    expectInvalid(typedHtml, 'number', 'There is no extract with this number');

    const landing = await app.fetch('/v/NOT-A-NUMBER?lang=nl');
    expect(landing.status).toBe(404);
    const landingHtml = await landing.text();
    expectErrorPage(landingHtml, 'nl');
    expectInvalid(landingHtml, 'number', 'Er is geen uittreksel met dit nummer');
    expectValid(landingHtml, 'letters');
  });

  it('nothing typed: the missing fields are invalid, the filled one is not', async () => {
    const res = await app.fetch('/v/check?lang=nl', form({ number: extract.number, letters: '' }, '203.0.113.63'));
    expect(res.status).toBe(400);
    const html = await res.text();
    expectErrorPage(html, 'nl');
    expectInvalid(html, 'letters', 'Vul het uittrekselnummer en de eerste twee letters');
    expectValid(html, 'number');
    expect(html).toContain(`value="${extract.number}"`);
  });

  it('upload without a file: the file input is invalid and described by the message', async () => {
    const body = new FormData();
    body.set('file', new File([], 'empty.pdf', { type: 'application/pdf' }));
    const res = await app.fetch('/v/upload?lang=en', { method: 'POST', body, headers: { 'cf-connecting-ip': '203.0.113.64' } });
    expect(res.status).toBe(400);
    const html = await res.text();
    expectErrorPage(html, 'en');
    expectInvalid(html, 'file', 'Choose a PDF file');
    expectValid(html, 'number');
    expect(html).toMatch(/class="error-summary"[\s\S]*?<a href="#file">/);
  });

  it('a report without a message, or with a wrong address: that field is invalid; the page is an error page', async () => {
    const check = await app.fetch('/v/check?lang=nl', form({ number: extract.number, letters }, '203.0.113.65'));
    const token = /name="token" value="([^"]+)"/.exec(await check.text())?.[1];
    expect(token).toBeDefined();

    const empty = await app.fetch('/v/report?lang=nl', form({ token: token!, message: '' }, '203.0.113.65'));
    expect(empty.status).toBe(400);
    const emptyHtml = await empty.text();
    expectErrorPage(emptyHtml, 'nl');
    expectInvalid(emptyHtml, 'report-message', 'Beschrijf kort wat er aan de hand is');
    expectValid(emptyHtml, 'report-contact');

    const address = await app.fetch('/v/report?lang=en', form({ token: token!, message: 'Looks edited.', contact: 'not an address' }, '203.0.113.65'));
    expect(address.status).toBe(400);
    const addressHtml = await address.text();
    expectErrorPage(addressHtml, 'en');
    expectInvalid(addressHtml, 'report-contact', 'This is not a valid email address');
    expectValid(addressHtml, 'report-message');
  });

  it('a form from another site is refused on an error page that takes the focus', async () => {
    const res = await app.fetch('/v/check?lang=en', { ...form({ number: extract.number, letters }, '203.0.113.66'), headers: { 'content-type': 'application/x-www-form-urlencoded', origin: 'https://elsewhere.example' } });
    expect(res.status).toBe(403);
    expectErrorPage(await res.text(), 'en');
  });
});
