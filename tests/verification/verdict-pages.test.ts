// Verdicts that say what was found (issue 9, point 8), over real HTTP on every database: a file
// that is no extract "could not be checked" (never "not authentic", no report form); "not
// authentic" shows no register data and says which passed checks hold for the embedded credential
// only; "revoked" shows the number and the verdict, no name, no birth date, no "Validity: Passed";
// the wrong-letters 404 never speaks of a secret.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { diplomas, holders } from '../../db/schema.ts';
import { issueExtract, type ExtractIssuer, type IssuedExtract } from '../../src/extracts/extract-service.ts';
import { withdrawExtract } from '../../src/extracts/extract-status.ts';
import { describeEachDatabase } from '../support/databases.ts';
import { startApp, type RunningApp } from '../support/app.ts';
import { testDocumentDeps } from '../support/documents.ts';
import { TEST_NOW } from '../support/constants.ts';

const text = (html: string) => html.replace(/<[^>]+>/g, ' ').replace(/&#39;/g, "'").replace(/&quot;/g, '"').replace(/&amp;/g, '&').replace(/\s+/g, ' ');
const PNG_1X1 = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==', 'base64');

interface Holder {
  subject: string;
  name: string;
  birthDate: string;
}

describeEachDatabase('verdicts that say what was found', (getDb) => {
  let app: RunningApp;
  let issuer: ExtractIssuer;
  let diplomaId: string;
  let holder: Holder;
  let client = 0;
  /** one client per request: the per-client limits are tested elsewhere */
  const fresh = () => ({ 'cf-connecting-ip': `198.19.${(++client >> 8) & 255}.${client & 255}` });

  const issue = () => issueExtract(getDb().db, issuer, { diplomaId, lang: 'nl', issuedBy: 'holder', now: new Date(TEST_NOW) });
  const qrParts = (e: IssuedExtract) => {
    const u = new URL(e.verifyUrl);
    return { number: u.pathname.split('/').pop()!, secret: u.hash.slice(1) };
  };
  const upload = (path: string, bytes: Uint8Array, name = 'extract.pdf', type = 'application/pdf') => {
    const body = new FormData();
    body.set('file', new File([new Uint8Array(bytes)], name, { type }));
    return app.fetch(path, { method: 'POST', body, headers: fresh() });
  };
  const page = async (res: Response) => {
    expect(res.status).toBe(200);
    const html = await res.text();
    return { html, words: text(html), verdict: /data-verdict="([^"]+)"/.exec(html)?.[1] };
  };
  /** the checks as the page lists them: "name status" */
  const listed = (html: string) =>
    [...html.matchAll(/<li class="check [^"]*"><span class="check-name">([^<]+)<\/span> <span class="check-status">([^<]+)<\/span>/g)].map((m) => `${m[1]}: ${m[2]}`);
  const formatBirthDate = (lang: 'nl' | 'en') =>
    new Intl.DateTimeFormat(lang === 'nl' ? 'nl-NL' : 'en-GB', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' }).format(new Date(`${holder.birthDate}T12:00:00Z`));

  beforeAll(async () => {
    const docs = await testDocumentDeps();
    app = await startApp(getDb(), docs);
    issuer = { signingKeys: docs.signingKeys!, seal: docs.documents!.seal, documentAssets: docs.documents!.assets, publicBaseUrl: 'http://register.test', did: 'did:web:register.test' };
    const [d] = await getDb()
      .db.select({ id: diplomas.id, subject: holders.subjectId, birthDate: holders.birthDate })
      .from(diplomas)
      .innerJoin(holders, eq(holders.id, diplomas.holderId))
      .where(eq(diplomas.state, 'valid'))
      .limit(1);
    diplomaId = d!.id;
    const e = await issue();
    const subject = JSON.parse(Buffer.from(e.credentialJwt.split('.')[1]!, 'base64url').toString()).credentialSubject as { name: string };
    holder = { subject: d!.subject, name: subject.name, birthDate: String(d!.birthDate).slice(0, 10) };
  });
  afterAll(() => app.close());

  it('control: a genuine extract shows the register data, with every check passed', async () => {
    const { html, words, verdict } = await page(await upload('/v/upload?lang=en', (await issue()).pdf));
    expect(verdict).toBe('authentic');
    expect(words).toContain(holder.name);
    expect(words).toContain(formatBirthDate('en'));
    expect(listed(html).every((line) => line.endsWith(': Passed'))).toBe(true);
  });

  it('a PNG, a text file and a damaged PDF could not be checked: no "not authentic", no report form', async () => {
    const genuine = (await issue()).pdf;
    const files: Array<[string, Uint8Array, string, string]> = [
      ['picture', new Uint8Array(PNG_1X1), 'photo.png', 'image/png'],
      ['text', new TextEncoder().encode('Dit is echt mijn diploma.'), 'diploma.txt', 'text/plain'],
      ['damaged PDF (cut short)', genuine.slice(0, Math.floor(genuine.length / 2)), 'extract.pdf', 'application/pdf'],
      ['a PDF without credential or seal', new TextEncoder().encode('%PDF-1.7\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n'), 'scan.pdf', 'application/pdf'],
    ];
    for (const [what, bytes, name, type] of files) {
      const nl = await page(await upload('/v/upload?lang=nl', bytes, name, type));
      expect({ what, verdict: nl.verdict }).toEqual({ what, verdict: 'unreadable' });
      expect(nl.words).toContain('Kon niet worden gecontroleerd');
      expect(nl.words).toContain('dit is geen leesbaar uittreksel');
      expect(nl.words).not.toContain('Niet echt');
      expect(nl.words).not.toMatch(/vervalsing/i);
      expect(nl.html).not.toContain('name="token"');
      const en = await page(await upload('/v/upload?lang=en', bytes, name, type));
      expect(en.verdict).toBe('unreadable');
      expect(en.words).toContain('Could not be checked — this is not a readable extract');
      expect(en.words).not.toContain('Not authentic');
      expect(en.words).not.toMatch(/forgery/i);
      const api = await upload('/api/v1/verify?lang=all', bytes, name, type);
      expect(api.status).toBe(200);
      expect(await api.json()).toMatchObject({ verified: false, verdict: 'unreadable', verdictLabel: { nl: 'Kon niet worden gecontroleerd', en: 'Could not be checked' } });
    }
  });

  it('an edited PDF is not authentic: no register data, and its passed checks hold for the embedded credential only', async () => {
    const edited = (await issue()).pdf.slice();
    const at = Buffer.from(edited).indexOf('stream') + 40;
    edited[at] = edited[at]! ^ 0x01;
    const { html, words, verdict } = await page(await upload('/v/upload?lang=en', edited));
    expect(verdict).toBe('not_authentic');
    expect(words).not.toContain(holder.name);
    expect(words).not.toContain(formatBirthDate('en'));
    expect(words).toContain('No data is shown');
    expect(words).toContain('the file itself was changed, or does not belong with the digital credential inside it');
    expect(listed(html)).toEqual([
      'Format: Passed for the embedded credential only',
      'Signature: Passed for the embedded credential only',
      'Seal of the file: Failed',
      'Issuer: Passed for the embedded credential only',
      'Status: Passed for the embedded credential only',
      'Validity: Passed for the embedded credential only',
      'Register: Passed for the embedded credential only',
      'Document matches data: Failed',
    ]);
    // a forgery is still reported from here
    expect(html).toContain('name="token"');
    const nl = await page(await upload('/v/upload?lang=nl', edited));
    expect(listed(nl.html)).toContain('Uitgever: In orde, alleen voor het bewijs in het bestand');
  });

  it('a withdrawn extract is revoked: the number and the verdict, no name, no birth date, no "Validity: Passed"', async () => {
    const e = await issue();
    await withdrawExtract(getDb().db, { extractId: e.id, holderSubjectId: holder.subject, now: new Date(TEST_NOW) });
    const { number, secret } = qrParts(e);
    for (const lang of ['nl', 'en'] as const) {
      const res = await app.fetch(`/v/check?lang=${lang}`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', ...fresh() }, body: new URLSearchParams({ number, secret }).toString() });
      const { html, words, verdict } = await page(res);
      expect(verdict).toBe('revoked');
      expect(words).toContain(e.number);
      expect(words).not.toContain(holder.name);
      expect(words).not.toContain(formatBirthDate(lang));
      expect(listed(html)).not.toContain(lang === 'nl' ? 'Geldigheid: In orde' : 'Validity: Passed');
      expect(listed(html)).toContain(lang === 'nl' ? 'Geldigheid: Niet gecontroleerd' : 'Validity: Not checked');
      expect(words).toContain(lang === 'nl' ? 'alleen het nummer en de uitslag' : 'only the number and the verdict');
    }
    // the API by number and secret: the verdict, not the credential with the holder's name (even when asked for)
    const api = await app.fetch('/api/v1/verify?include=credential', { method: 'POST', headers: { 'content-type': 'application/json', ...fresh() }, body: JSON.stringify({ number, secret }) });
    const body = await api.json();
    expect(body).toMatchObject({ verdict: 'revoked' });
    expect(body.credential).toBeUndefined();
    expect(JSON.stringify(body)).not.toContain(holder.name);
    expect(body.checks.find((c: { id: string }) => c.id === 'validity')).toMatchObject({ status: 'skipped', code: 'SKIPPED_NOT_IN_FORCE' });
  });

  it('the 404 for wrong letters does not speak of a secret', async () => {
    const e = await issue();
    const api = await app.fetch('/api/v1/verify', { method: 'POST', headers: { 'content-type': 'application/json', ...fresh() }, body: JSON.stringify({ number: e.number, letters: 'Qx' }) });
    expect(api.status).toBe(404);
    const problem = await api.json();
    expect(problem.code).toBe('EXTRACT_NOT_FOUND');
    expect(JSON.stringify(problem)).not.toMatch(/secret|geheim/i);
    for (const lang of ['nl', 'en'] as const) {
      const res = await app.fetch(`/v/check?lang=${lang}`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', ...fresh() }, body: new URLSearchParams({ number: e.number, letters: 'Qx' }).toString() });
      expect(res.status).toBe(404);
      expect(text(await res.text())).not.toMatch(/secret|geheim/i);
    }
  });
});
