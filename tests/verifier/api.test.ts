// The verifier API against real extracts over real HTTP: one pipeline behind both entrances.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { and, eq, sql } from 'drizzle-orm';
import { diplomas, extracts, verificationEvents } from '../../db/schema.ts';
import { issueExtract, type ExtractIssuer, type IssuedExtract } from '../../src/extracts/extract-service.ts';
import { withdrawExtract } from '../../src/extracts/extract-status.ts';
import { holders } from '../../db/schema.ts';
import { describeEachDatabase } from '../support/databases.ts';
import { startApp, type RunningApp } from '../support/app.ts';
import { testDocumentDeps } from '../support/documents.ts';
import { TEST_NOW } from '../support/constants.ts';

describeEachDatabase('verifier API', (getDb) => {
  let app: RunningApp;
  let issuer: ExtractIssuer;
  let extract: IssuedExtract;
  let holderSubject: string;

  beforeAll(async () => {
    const docs = await testDocumentDeps();
    app = await startApp(getDb(), docs);
    issuer = { signingKeys: docs.signingKeys!, seal: docs.documents!.seal, documentAssets: docs.documents!.assets, publicBaseUrl: 'http://register.test', did: 'did:web:register.test' };
    const [d] = await getDb().db.select({ id: diplomas.id, subject: holders.subjectId }).from(diplomas).innerJoin(holders, eq(holders.id, diplomas.holderId)).where(eq(diplomas.state, 'valid')).limit(1);
    holderSubject = d!.subject;
    extract = await issueExtract(getDb().db, issuer, { diplomaId: d!.id, lang: 'nl', issuedBy: 'holder', now: new Date(TEST_NOW) });
  });
  afterAll(() => app.close());

  const verify = (body: unknown) => app.fetch('/credentials/verify', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const byQr = (number: string, secret: string) => app.fetch('/api/v1/verify', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ number, secret }) });
  const qrParts = (e: IssuedExtract) => {
    const u = new URL(e.verifyUrl);
    return { number: u.pathname.split('/').pop()!, secret: u.hash.slice(1) };
  };

  it('a genuine extract is authentic with every check passed, as a string and enveloped', async () => {
    for (const body of [{ verifiableCredential: extract.credentialJwt }, { verifiableCredential: { type: 'EnvelopedVerifiableCredential', id: `data:application/vc+jwt,${extract.credentialJwt}` } }]) {
      const res = await verify(body);
      expect(res.status).toBe(200);
      const result = await res.json();
      // by default one language (Dutch without Accept-Language) and no credential echoed
      expect(result).toMatchObject({ verified: true, verdict: 'authentic', verdictLabel: { nl: 'Echt' } });
      expect(result.checks.map((c: { id: string; status: string }) => `${c.id}:${c.status}`)).toEqual(['format:passed', 'signature:passed', 'issuer:passed', 'status:passed', 'validity:passed', 'register:passed']);
      expect(result.checks[0].message).toEqual({ nl: 'Het bewijs heeft de juiste vorm.' });
      expect(result.credential).toBeUndefined();
      expect(res.headers.get('content-language')).toBe('nl');
    }
  });

  type Answer = { verdictLabel: Record<string, string>; checks: Array<{ id: string; code: string; message: Record<string, string> }>; credential?: { id: string }; file?: unknown };
  const languages = (a: Answer) => [Object.keys(a.verdictLabel), ...a.checks.map((c) => Object.keys(c.message))].map((k) => k.join('+'));

  it('answers in the language asked for (lang, else Accept-Language, else Dutch), both with lang=all', async () => {
    const post = (path: string, headers: Record<string, string> = {}) =>
      app.fetch(path, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify({ verifiableCredential: extract.credentialJwt }) });
    const cases: Array<[string, Record<string, string>, string, string | null]> = [
      ['/credentials/verify', {}, 'nl', 'nl'],
      ['/credentials/verify', { 'accept-language': 'en-GB,en;q=0.9' }, 'en', 'en'],
      ['/credentials/verify', { 'accept-language': 'de-DE, en;q=0.5, nl;q=0.8' }, 'nl', 'nl'],
      ['/credentials/verify', { 'accept-language': 'fr, en;q=0.3' }, 'en', 'en'],
      ['/credentials/verify', { 'accept-language': 'ne, fr' }, 'nl', 'nl'],
      ['/credentials/verify?lang=en', { 'accept-language': 'nl' }, 'en', 'en'],
      ['/credentials/verify?lang=all', { 'accept-language': 'en' }, 'nl+en', null],
    ];
    for (const [path, headers, expected, contentLanguage] of cases) {
      const res = await post(path, headers);
      expect(res.status, path).toBe(200);
      expect(res.headers.get('content-language'), `${path} ${JSON.stringify(headers)}`).toBe(contentLanguage);
      expect(res.headers.get('vary') ?? '').toMatch(/accept-language/i);
      const answer = (await res.json()) as Answer;
      expect(new Set(languages(answer)), `${path} ${JSON.stringify(headers)}`).toEqual(new Set([expected]));
    }
    const english = (await (await post('/credentials/verify?lang=en')).json()) as Answer;
    expect(english.verdictLabel).toEqual({ en: 'Authentic' });
    // the same texts as before, only fewer of them
    const all = (await (await post('/credentials/verify?lang=all')).json()) as Answer;
    expect(all.verdictLabel).toEqual({ nl: 'Echt', en: 'Authentic' });
    expect(all.checks.map((c) => c.message.en)).toEqual(english.checks.map((c) => c.message.en));
    // a 400 (not verified) and the QR entrance follow the same rule
    const forged = `${extract.credentialJwt.slice(0, -4)}AAAA`;
    const bad = await app.fetch('/credentials/verify?lang=en', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ verifiableCredential: forged }) });
    expect(bad.status).toBe(400);
    const badAnswer = (await bad.json()) as Answer & { code: string };
    expect(badAnswer.code).toBe('CREDENTIAL_NOT_VERIFIED');
    expect(new Set(languages(badAnswer))).toEqual(new Set(['en']));
    const u = new URL(extract.verifyUrl);
    const qr = await app.fetch('/api/v1/verify', { method: 'POST', headers: { 'content-type': 'application/json', 'accept-language': 'en' }, body: JSON.stringify({ number: u.pathname.split('/').pop(), secret: u.hash.slice(1) }) });
    expect(new Set(languages((await qr.json()) as Answer))).toEqual(new Set(['en']));
    // anything else is refused at the boundary
    const wrong = await post('/credentials/verify?lang=de');
    expect(wrong.status).toBe(422);
    expect(((await wrong.json()) as { code: string }).code).toBe('VALIDATION_FAILED');
  });

  it('echoes the verified credential only when asked for (include=credential, or options.include in the VC-API body)', async () => {
    const post = (path: string, body: Record<string, unknown>) => app.fetch(path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    const vc = { verifiableCredential: extract.credentialJwt };
    const credentialId = (JSON.parse(Buffer.from(extract.credentialJwt.split('.')[1]!, 'base64url').toString()) as { id: string }).id;
    expect(credentialId).toMatch(/^urn:uuid:/);
    expect(((await (await post('/credentials/verify', vc)).json()) as Answer).credential).toBeUndefined();
    expect(((await (await post('/credentials/verify', { ...vc, options: { include: ['status'] } })).json()) as Answer).credential).toBeUndefined();
    expect(((await (await post('/credentials/verify?include=credential', vc)).json()) as Answer).credential?.id).toBe(credentialId);
    expect(((await (await post('/credentials/verify', { ...vc, options: { include: ['credential'] } })).json()) as Answer).credential?.id).toBe(credentialId);
    const u = new URL(extract.verifyUrl);
    const qr = { number: u.pathname.split('/').pop(), secret: u.hash.slice(1) };
    expect(((await (await post('/api/v1/verify', qr)).json()) as Answer).credential).toBeUndefined();
    expect(((await (await post('/api/v1/verify?include=credential', qr)).json()) as Answer).credential?.id).toBe(credentialId);
    // a forgery's payload is never echoed, asked for or not
    const forged = `${extract.credentialJwt.slice(0, -4)}AAAA`;
    const bad = (await (await post('/credentials/verify?include=credential', { verifiableCredential: forged })).json()) as Answer;
    expect(bad.credential).toBeUndefined();
    expect((await post('/credentials/verify?include=everything', vc)).status).toBe(422);
  });

  it('a verification through the VC-API is listed in the holder’s "who looked" (entrance api); a forgery is not', async () => {
    const apiEvents = async () =>
      (await getDb().db.select().from(verificationEvents).where(and(eq(verificationEvents.extractId, extract.id), eq(verificationEvents.entrance, 'api')))).length;
    const before = await apiEvents();
    // a client of its own: one client's repeated checks within ten minutes are one line (open-api.test.ts)
    const fromNewClient = (body: unknown) => app.fetch('/credentials/verify', { method: 'POST', headers: { 'content-type': 'application/json', 'cf-connecting-ip': '203.0.113.200' }, body: JSON.stringify(body) });
    expect((await (await fromNewClient({ verifiableCredential: extract.credentialJwt })).json()).verdict).toBe('authentic');
    expect(await apiEvents()).toBe(before + 1);
    const [h, p] = extract.credentialJwt.split('.');
    const forged = `${h}.${p}.${Buffer.alloc(64, 7).toString('base64url')}`;
    expect((await (await fromNewClient({ verifiableCredential: forged })).json()).verdict).toBe('not_authentic');
    expect(await apiEvents()).toBe(before + 1);
  });

  it('a changed payload is not authentic; garbage is answered, never a 500', async () => {
    const [h, p, s] = extract.credentialJwt.split('.');
    const payload = JSON.parse(Buffer.from(p!, 'base64url').toString());
    payload.credentialSubject.familyName = 'Anders';
    const forged = `${h}.${Buffer.from(JSON.stringify(payload)).toString('base64url')}.${s}`;
    const result = await (await verify({ verifiableCredential: forged })).json();
    expect(result.verdict).toBe('not_authentic');
    expect(result.checks.find((c: { id: string }) => c.id === 'signature')).toMatchObject({ status: 'failed' });
    for (const junk of ['', 'not a jwt', 'a.b.c', Buffer.from(crypto.getRandomValues(new Uint8Array(300))).toString('base64')]) {
      const res = await verify({ verifiableCredential: junk });
      // VC-API: 200 only for a credential that verifies
      expect(res.status).toBe(400);
      expect((await res.json()).verdict).toBe('not_authentic');
    }
    const bad = await verify({ verifiableCredential: 42 });
    expect(bad.status).toBe(422);
    expect(bad.headers.get('content-type')).toBe('application/problem+json');
  });

  it('the QR entrance verifies by number + secret, records who looked (entrance only), and gives no oracle', async () => {
    const { number, secret } = qrParts(extract);
    const res = await byQr(number, secret);
    expect(res.status).toBe(200);
    expect((await res.json()).verdict).toBe('authentic');
    const events = await getDb().db.select().from(verificationEvents).innerJoin(extracts, eq(extracts.id, verificationEvents.extractId)).where(eq(extracts.credentialJwt, extract.credentialJwt));
    expect(events.filter((e) => e.verification_events.entrance === 'qr')).toHaveLength(1);
    // time and entrance only: no address, no user agent
    expect(Object.keys(events[0]!.verification_events).sort()).toEqual(['at', 'entrance', 'extractId', 'id']);

    // the first character is always compared in full (the last one carries only 2 bits)
    const wrongSecret = await byQr(number, (secret[0] === 'A' ? 'B' : 'A') + secret.slice(1));
    const unknownNumber = await byQr('0000-0000-0000-00', secret);
    expect(wrongSecret.status).toBe(404);
    expect(unknownNumber.status).toBe(404);
    const [a, b] = [await wrongSecret.json(), await unknownNumber.json()];
    expect({ ...a, requestId: '', instance: '' }).toEqual({ ...b, requestId: '', instance: '' });
  });

  it('a withdrawn extract is revoked; a superseded diploma says so', async () => {
    const [row] = await getDb().db.select({ id: extracts.id }).from(extracts).where(eq(extracts.credentialJwt, extract.credentialJwt));
    await withdrawExtract(getDb().db, { extractId: row!.id, holderSubjectId: holderSubject, now: new Date(TEST_NOW) });
    const result = await (await verify({ verifiableCredential: extract.credentialJwt })).json();
    expect(result.verdict).toBe('revoked');
    expect(result.checks.find((c: { id: string }) => c.id === 'status')).toMatchObject({ status: 'failed', code: 'STATUS_REVOKED' });

    const [corrected] = await getDb().db.select({ id: diplomas.id, supersededBy: diplomas.supersededBy }).from(diplomas).where(and(eq(diplomas.state, 'corrected'), sql`${diplomas.supersededBy} is not null`)).limit(1);
    const [current] = await getDb().db.select({ id: diplomas.id }).from(diplomas).where(eq(diplomas.id, corrected!.supersededBy!));
    const fresh = await issueExtract(getDb().db, issuer, { diplomaId: current!.id, lang: 'en', issuedBy: 'holder', now: new Date(TEST_NOW) });
    // the institution corrects the current version again: the extract is superseded
    await getDb().db.update(extracts).set({ state: 'superseded' }).where(eq(extracts.credentialJwt, fresh.credentialJwt));
    const superseded = await (await verify({ verifiableCredential: fresh.credentialJwt })).json();
    expect(superseded.verdict).toBe('superseded');
  });

  it('the number entrance takes the first two letters of the surname, forgiving case and accents; no oracle', async () => {
    const fresh = await issueExtract(getDb().db, issuer, { diplomaId: (await getDb().db.select({ id: diplomas.id }).from(diplomas).where(eq(diplomas.state, 'valid')).limit(1))[0]!.id, lang: 'nl', issuedBy: 'holder', now: new Date(TEST_NOW) });
    const [h] = await getDb().db.select({ familyName: holders.familyName }).from(extracts).innerJoin(diplomas, eq(diplomas.id, extracts.diplomaId)).innerJoin(holders, eq(holders.id, diplomas.holderId)).where(eq(extracts.credentialJwt, fresh.credentialJwt));
    const { number } = qrParts(fresh);
    const letters = h!.familyName.normalize('NFD').replace(/\p{M}/gu, '').slice(0, 2).toUpperCase();
    const byLetters = (n: string, l: string, ip = '203.0.113.7') => app.fetch('/api/v1/verify', { method: 'POST', headers: { 'content-type': 'application/json', 'cf-connecting-ip': ip }, body: JSON.stringify({ number: n, letters: l }) });
    const ok = await byLetters(number.toLowerCase(), letters);
    expect(ok.status).toBe(200);
    expect((await ok.json()).verdict).toBe('authentic');
    const [event] = await getDb().db.select().from(verificationEvents).innerJoin(extracts, eq(extracts.id, verificationEvents.extractId)).where(and(eq(extracts.credentialJwt, fresh.credentialJwt), eq(verificationEvents.entrance, 'number')));
    expect(event).toBeDefined();
    const wrong = await byLetters(number, letters === 'QQ' ? 'ZZ' : 'QQ', '203.0.113.8');
    const unknown = await byLetters('0000-0000-0000-00', letters, '203.0.113.9');
    expect([wrong.status, unknown.status]).toEqual([404, 404]);
    const [a, b] = [await wrong.json(), await unknown.json()];
    expect({ ...a, requestId: '', instance: '' }).toEqual({ ...b, requestId: '', instance: '' });
    expect(app.logs.join('\n')).not.toContain('203.0.113');
  });

  it('rate limits the number entrance per client and number, and per client (429 with Retry-After)', async () => {
    const { number } = qrParts(extract);
    const guess = (n: string, ip: string) => app.fetch('/api/v1/verify', { method: 'POST', headers: { 'content-type': 'application/json', 'cf-connecting-ip': ip }, body: JSON.stringify({ number: n, letters: 'XQ' }) });
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) statuses.push((await guess(number, '198.51.100.1')).status);
    expect(statuses).toEqual([404, 404, 404, 404, 404, 429]);
    const res = await guess(number, '198.51.100.1');
    expect(res.status).toBe(429);
    expect(res.headers.get('retry-after')).toBe('30');
    expect((await res.json()).code).toBe('TOO_MANY_ATTEMPTS');
    // another address is not locked out by the first one's misses
    expect((await guess(number, '198.51.100.2')).status).toBe(404);
    // one client trying many numbers is stopped too
    const client = '192.0.2.50';
    const codes: number[] = [];
    for (let i = 0; i < 201; i++) codes.push((await guess(`AAAA-AAAA-AAAA-${String(i).padStart(3, '0')}`, client)).status);
    expect(codes.at(-1)).toBe(429);
    expect(codes.slice(0, 200).every((s) => s === 404)).toBe(true);
  });
});
