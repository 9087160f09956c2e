// Register integrity across institutions: an institution reports its own diplomas, and its record
// never rewrites the name or birth date of a holder another institution reports on. Real HTTP,
// real database, real extracts checked through the verifier's letters entrance.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import { decodeJwt } from 'jose';
import { auditEvents, diplomas, holders, identityReviews } from '../../db/schema.ts';
import { createApiKey } from '../../src/feed/api-keys.ts';
import { issueExtract, type ExtractIssuer } from '../../src/extracts/extract-service.ts';
import { subjectIdForBsn } from '../../src/domain/pseudonym.ts';
import { syntheticBsn } from '../../db/demo/generate.ts';
import { describeEachDatabase } from '../support/databases.ts';
import { startApp, type RunningApp } from '../support/app.ts';
import { testDocumentDeps } from '../support/documents.ts';
import { TEST_NOW, TEST_PSEUDONYM_SECRET } from '../support/constants.ts';

// institution A: ROC van Amsterdam (mbo); institution B: Universiteit van Amsterdam (wo)
const A = { brin: '25LF', location: '00' };
const B = { brin: '21PK', location: '00' };
/** a BSN far beyond the demo register's serials */
const bsn = (n: number) => {
  for (let serial = 7_000_000 + n * 10; ; serial++) {
    const b = syntheticBsn(serial);
    if (b) return b;
  }
};

const holder = (b: string, over: Record<string, string> = {}) => ({ bsn: b, givenNames: 'Eva Maria', prefix: 'van', familyName: 'Jansen', birthDate: '2001-04-05', ...over });
const awardByA = (reference: string, h: Record<string, string>) => ({
  type: 'award', reference, institution: A, programme: { code: '25604' }, kind: 'diploma', awardDate: '2024-07-04', holder: h,
});
const awardByB = (reference: string, h: Record<string, string>) => ({
  type: 'award', reference, institution: B, programme: { code: '56604' }, kind: 'getuigschrift', awardDate: '2025-08-30', holder: h,
});

describeEachDatabase('holder identity across institutions', (getDb) => {
  let app: RunningApp;
  let issuer: ExtractIssuer;
  let keyA: string;
  let keyB: string;
  let client = 0;
  const dir = mkdtempSync(join(tmpdir(), 'identity-'));

  const post = (body: unknown, key: string) =>
    app.fetch('/api/v1/feed/records', { method: 'POST', headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const byLetters = async (verifyUrl: string, letters: string) => {
    const number = new URL(verifyUrl).pathname.split('/').pop()!;
    // a client of its own per check: this file is not about the entrance's limits
    const res = await app.fetch('/api/v1/verify', { method: 'POST', headers: { 'content-type': 'application/json', 'cf-connecting-ip': `192.0.2.${++client}` }, body: JSON.stringify({ number, letters }) });
    return { status: res.status, verdict: res.status === 200 ? (await res.json()).verdict : undefined };
  };
  const holderOf = async (b: string) => (await getDb().db.select().from(holders).where(eq(holders.subjectId, await subjectIdForBsn(TEST_PSEUDONYM_SECRET, b))))[0]!;
  const extractOf = (diplomaId: string) => issueExtract(getDb().db, issuer, { diplomaId, lang: 'nl', issuedBy: 'holder', now: new Date(TEST_NOW) });

  beforeAll(async () => {
    const docs = await testDocumentDeps();
    app = await startApp(getDb(), docs);
    issuer = { signingKeys: docs.signingKeys!, seal: docs.documents!.seal, documentAssets: docs.documents!.assets, publicBaseUrl: 'http://register.test', did: 'did:web:register.test' };
    keyA = (await createApiKey(getDb().db, A.brin, 'identity A')).key;
    keyB = (await createApiKey(getDb().db, B.brin, 'identity B')).key;
  });
  afterAll(() => app.close());

  it("another institution's record does not rename the holder: A's extract still verifies by its letters, B's diploma keeps B's name and is flagged", async () => {
    const h = bsn(1);
    const a = await post(awardByA('ID-A-1', holder(h)), keyA);
    expect(a.status).toBe(201);
    const aDiploma = (await a.json()).diplomaId;
    const aExtract = await extractOf(aDiploma);
    expect(await byLetters(aExtract.verifyUrl, 'JA')).toEqual({ status: 200, verdict: 'authentic' });

    // B reports the same person (same BSN) under another surname, without a prefix
    const b = await post(awardByB('ID-B-1', holder(h, { familyName: 'Pietersen', prefix: '' })), keyB);
    expect(b.status).toBe(201);
    const bBody = await b.json();
    expect(bBody).toMatchObject({ status: 'created', diplomaState: 'valid', warnings: [{ code: 'HOLDER_IDENTITY_DIFFERS', fields: ['prefix', 'familyName'] }] });

    // the holder is as A reported them; A's diploma is untouched; B's diploma says what B reported
    expect(await holderOf(h)).toMatchObject({ givenNames: 'Eva Maria', prefix: 'van', familyName: 'Jansen', birthDate: '2001-04-05' });
    const [aRow] = await getDb().db.select().from(diplomas).where(eq(diplomas.id, aDiploma));
    expect(aRow).toMatchObject({ reportedFamilyName: null, reportedGivenNames: null, reportedPrefix: null, reportedBirthDate: null });
    const [bRow] = await getDb().db.select().from(diplomas).where(eq(diplomas.id, bBody.diplomaId));
    expect(bRow).toMatchObject({ holderId: aRow!.holderId, reportedGivenNames: 'Eva Maria', reportedPrefix: null, reportedFamilyName: 'Pietersen', reportedBirthDate: '2001-04-05' });
    const reviews = await getDb().db.select().from(identityReviews).where(eq(identityReviews.holderId, aRow!.holderId));
    expect(reviews).toEqual([expect.objectContaining({ diplomaId: bBody.diplomaId, reportedBy: '21PK', fields: ['prefix', 'familyName'], state: 'open' })]);
    const [event] = await getDb().db.select().from(auditEvents).where(and(eq(auditEvents.subjectId, bBody.diplomaId), eq(auditEvents.action, 'diploma.holder_identity_differs')));
    expect(event).toMatchObject({ actor: 'institution:21PK', data: { holderId: aRow!.holderId, fields: ['prefix', 'familyName'] } });
    expect(JSON.stringify(event!.data)).not.toMatch(/Pietersen|Jansen|Eva/);
    expect(await getDb().db.select().from(auditEvents).where(and(eq(auditEvents.subjectId, aRow!.holderId), eq(auditEvents.action, 'holder.updated')))).toEqual([]);

    // A's extract still verifies by the letters printed on it, and not by B's
    expect(await byLetters(aExtract.verifyUrl, 'JA')).toEqual({ status: 200, verdict: 'authentic' });
    expect((await byLetters(aExtract.verifyUrl, 'PI')).status).toBe(404);
    // a fresh extract of A's diploma still names the holder as A reported them
    expect(decodeJwt((await extractOf(aDiploma)).credentialJwt)).toMatchObject({ credentialSubject: { familyNamePrefix: 'van', familyName: 'Jansen' } });

    // B's extract shows what B's diploma says, in the credential and on the page, and verifies by those letters
    const bExtract = await extractOf(bBody.diplomaId);
    const subject = (decodeJwt(bExtract.credentialJwt) as { credentialSubject: Record<string, unknown> }).credentialSubject;
    expect(subject).toMatchObject({ givenName: 'Eva Maria', familyName: 'Pietersen', name: 'Eva Maria Pietersen', birthDate: '2001-04-05' });
    expect(subject.familyNamePrefix).toBeUndefined();
    writeFileSync(join(dir, 'b.pdf'), bExtract.pdf);
    const text = execFileSync('pdftotext', ['-layout', join(dir, 'b.pdf'), '-'], { encoding: 'utf8' });
    expect(text).toContain('Eva Maria Pietersen');
    expect(text).not.toContain('Jansen');
    expect(await byLetters(bExtract.verifyUrl, 'PI')).toEqual({ status: 200, verdict: 'authentic' });
    expect((await byLetters(bExtract.verifyUrl, 'JA')).status).toBe(404);
  });

  it('a birth date that differs is kept on the diploma too, also in bulk; the same record again is unchanged', async () => {
    const h = bsn(2);
    expect((await post(awardByA('ID-A-2', holder(h)), keyA)).status).toBe(201);
    const line = JSON.stringify(awardByB('ID-B-2', holder(h, { birthDate: '2001-05-04' })));
    const bulk = (await (await app.fetch('/api/v1/feed/records/bulk', { method: 'POST', headers: { authorization: `Bearer ${keyB}`, 'content-type': 'application/x-ndjson' }, body: `${line}\n` })).json());
    expect(bulk.summary).toMatchObject({ created: 1, rejected: 0 });
    expect(bulk.results[0]).toMatchObject({ status: 'created', warnings: [{ code: 'HOLDER_IDENTITY_DIFFERS', fields: ['birthDate'] }] });
    expect((await holderOf(h)).birthDate).toBe('2001-04-05');
    const [row] = await getDb().db.select().from(diplomas).where(eq(diplomas.id, bulk.results[0].diplomaId));
    expect(row).toMatchObject({ reportedBirthDate: '2001-05-04', reportedFamilyName: 'Jansen', reportedPrefix: 'van' });
    const again = await post(awardByB('ID-B-2', holder(h, { birthDate: '2001-05-04' })), keyB);
    expect(again.status).toBe(200);
    expect(await again.json()).toMatchObject({ status: 'unchanged' });
  });

  it('the institution that alone reports on a holder still corrects their name (audited); its earlier extract verifies by its printed letters', async () => {
    const h = bsn(3);
    const first = await (await post(awardByA('ID-A-3', holder(h)), keyA)).json();
    const extract = await extractOf(first.diplomaId);
    const second = await post(awardByA('ID-A-3b', holder(h, { prefix: '', familyName: 'de Vries' })), keyA);
    expect(second.status).toBe(201);
    expect((await second.json()).warnings).toBeUndefined();
    const now = await holderOf(h);
    expect(now).toMatchObject({ prefix: null, familyName: 'de Vries' });
    const [event] = await getDb().db.select().from(auditEvents).where(and(eq(auditEvents.subjectId, now.id), eq(auditEvents.action, 'holder.updated')));
    expect(event!.data).toEqual({ fields: ['prefix', 'familyName'] });
    expect(await getDb().db.select().from(identityReviews).where(eq(identityReviews.holderId, now.id))).toEqual([]);
    // the extract printed "van Jansen" before the correction: those letters still check it
    expect(await byLetters(extract.verifyUrl, 'JA')).toEqual({ status: 200, verdict: 'authentic' });
  });

  it('refuses a surname of combining marks only (nothing left after folding) with a clear 422', async () => {
    for (const familyName of ['\u0301\u0301', '\u0301', ' \u0308 ']) {
      const res = await post(awardByA('ID-A-MARKS', holder(bsn(4), { familyName })), keyA);
      expect(res.status, JSON.stringify(familyName)).toBe(422);
      const problem = await res.json();
      expect(problem.code).toBe('VALIDATION_FAILED');
      expect(problem.errors).toContainEqual(expect.objectContaining({ pointer: '/holder/familyName', code: 'NAME_NO_LETTERS' }));
    }
    // a name that starts with a mark is refused as well; accents on letters are fine
    const leading = await post(awardByA('ID-A-MARKS', holder(bsn(4), { familyName: '\u0301Jansen' })), keyA);
    expect((await leading.json()).errors).toContainEqual(expect.objectContaining({ pointer: '/holder/familyName', code: 'NAME_CHARACTERS' }));
    expect((await post(awardByA('ID-A-ACCENTS', holder(bsn(4), { familyName: 'Öztürk-Şahin' })), keyA)).status).toBe(201);
    expect(await getDb().db.select().from(diplomas).where(eq(diplomas.reference, 'ID-A-MARKS'))).toEqual([]);
  });
});
