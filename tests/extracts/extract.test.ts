// Signed extracts proven with independent means: pdftotext, zbarimg on a rendered page, pdfdetach,
// pdfsig with the dev CA, @noble/ed25519 against the published JWKS, and the published status list.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { and, desc, eq, sql } from 'drizzle-orm';
import * as ed from '@noble/ed25519';
import { decodeJwt, decodeProtectedHeader } from 'jose';
import { auditEvents, diplomas, extracts, holders, institutions, programmes, statusLists } from '../../db/schema.ts';
import { issueExtract, type ExtractIssuer } from '../../src/extracts/extract-service.ts';
import { withdrawExtract } from '../../src/extracts/extract-status.ts';
import { decodeStatusList } from '../../src/credentials/status-list.ts';
import { createApiKey } from '../../src/feed/api-keys.ts';
import { describeEachDatabase } from '../support/databases.ts';
import { startApp, type RunningApp } from '../support/app.ts';
import { nssDirTrustingDevCa, testDocumentDeps } from '../support/documents.ts';
import { TEST_NOW } from '../support/constants.ts';

const b64u = (s: string) => new Uint8Array(Buffer.from(s, 'base64url'));

function pdfText(path: string): string {
  return execFileSync('pdftotext', ['-layout', path, '-'], { encoding: 'utf8' });
}

describeEachDatabase('signed extracts', (getDb) => {
  let app: RunningApp;
  let issuer: ExtractIssuer;
  const dir = mkdtempSync(join(tmpdir(), 'extracts-'));
  let nssDir: string;

  beforeAll(async () => {
    const docs = await testDocumentDeps();
    app = await startApp(getDb(), docs);
    issuer = { signingKeys: docs.signingKeys!, seal: docs.documents!.seal, documentAssets: docs.documents!.assets, publicBaseUrl: 'http://register.test', did: 'did:web:register.test' };
    nssDir = nssDirTrustingDevCa();
  });
  afterAll(() => app.close());

  async function diplomaOf(sector: 'vo' | 'mbo' | 'wo') {
    const [row] = await getDb()
      .db.select({ id: diplomas.id, holder: holders, institution: institutions, programme: programmes, diploma: diplomas })
      .from(diplomas)
      .innerJoin(holders, eq(holders.id, diplomas.holderId))
      .innerJoin(institutions, eq(institutions.id, diplomas.institutionId))
      .innerJoin(programmes, eq(programmes.id, diplomas.programmeId))
      .where(and(eq(programmes.sector, sector), eq(diplomas.state, 'valid'), eq(diplomas.kind, sector === 'wo' ? 'getuigschrift' : 'diploma'), sql`${holders.familyName} ~ '[^ -~]'`))
      .limit(1);
    return row!;
  }

  it('an EN extract of a wo diploma: text, QR, attached credential, seal, all independently checked', async () => {
    const d = await diplomaOf('wo');
    const extract = await issueExtract(getDb().db, issuer, { diplomaId: d.id, lang: 'en', issuedBy: 'holder', now: new Date(TEST_NOW) });
    const file = join(dir, 'wo-en.pdf');
    writeFileSync(file, extract.pdf);

    const text = pdfText(file);
    expect(text).toContain(d.holder.familyName);
    expect(text).toContain(d.holder.givenNames.split(' ')[0]!);
    expect(text).toContain(d.programme.nameEn);
    expect(text).toContain(d.programme.code);
    expect(text).toContain(`${d.institution.brin}`);
    expect(text).toContain(d.institution.name);
    expect(text).toContain(extract.number);
    expect(text).toMatch(/page 1 of 1/i);

    // the QR code, decoded from a rendered image by an ordinary scanner
    execFileSync('pdftoppm', ['-r', '150', '-png', '-f', '1', '-l', '1', file, join(dir, 'wo-en')]);
    const qr = execFileSync('zbarimg', ['--raw', '-q', join(dir, 'wo-en-1.png')], { encoding: 'utf8' }).trim();
    expect(qr).toBe(extract.verifyUrl);
    expect(qr).toMatch(/^http:\/\/register\.test\/v\/[0-9A-Z]{14}#[A-Za-z0-9_-]{22}$/);

    // the credential attachment
    execFileSync('pdfdetach', ['-saveall', '-o', dir, file]);
    const jwt = readFileSync(join(dir, 'credential.jwt'), 'utf8');
    expect(jwt).toBe(extract.credentialJwt);
    const header = decodeProtectedHeader(jwt);
    expect(header).toMatchObject({ alg: 'EdDSA', typ: 'vc+jwt', cty: 'vc' });
    const vc = decodeJwt(jwt) as Record<string, any>;
    expect(vc['@context'][0]).toBe('https://www.w3.org/ns/credentials/v2');
    expect(vc.type).toEqual(['VerifiableCredential', 'DiplomaCredential']);
    expect(vc).not.toHaveProperty('vc');
    expect(vc.credentialStatus.map((s: any) => s.statusPurpose)).toEqual(['revocation', 'suspension']);

    // signature checked by an independent Ed25519 implementation against the published JWKS
    const jwks = await (await app.fetch('/.well-known/jwks.json')).json();
    const jwk = jwks.keys.find((k: { kid: string }) => k.kid === header.kid);
    const [h, p, s] = jwt.split('.');
    expect(await ed.verifyAsync(b64u(s!), new TextEncoder().encode(`${h}.${p}`), b64u(jwk.x))).toBe(true);

    // the seal: one certification signature, valid with the dev CA; one flipped byte breaks it
    const sig = spawnSync('pdfsig', ['-nssdir', `sql:${nssDir}`, file], { encoding: 'utf8' });
    expect(sig.stdout).toContain('Signature is Valid');
    expect(sig.stdout).toMatch(/Certificate is Trusted/);
    const tampered = new Uint8Array(extract.pdf);
    // a byte of the first page's content stream: inside the signed byte range wherever the
    // signature dictionary happens to sit
    const at = Buffer.from(tampered).indexOf('stream\n') + 20;
    tampered[at] = tampered[at]! ^ 0x01;
    writeFileSync(join(dir, 'tampered.pdf'), tampered);
    const bad = spawnSync('pdfsig', ['-nssdir', `sql:${nssDir}`, join(dir, 'tampered.pdf')], { encoding: 'utf8' });
    expect(bad.stdout + bad.stderr).not.toContain('Signature is Valid');

    // the record
    const [row] = await getDb().db.select().from(extracts).where(eq(extracts.id, extract.id));
    expect(row).toMatchObject({ lang: 'en', state: 'active', diplomaId: d.id, credentialId: vc.id, credentialJwt: jwt });
    expect(row!.secretHash).toMatch(/^[0-9a-f]{64}$/);
    expect(extract.verifyUrl).not.toContain(row!.secretHash);
    const sha = execFileSync('sha256sum', [file], { encoding: 'utf8' }).split(' ')[0];
    expect(row!.pdfSha256).toBe(sha);
  });

  it('an NL extract of a vo diploma prints the grade list with decimal commas', async () => {
    const d = await diplomaOf('vo');
    const extract = await issueExtract(getDb().db, issuer, { diplomaId: d.id, lang: 'nl', issuedBy: 'holder', now: new Date(TEST_NOW) });
    const file = join(dir, 'vo-nl.pdf');
    writeFileSync(file, extract.pdf);
    const text = pdfText(file);
    expect(text).toContain(d.holder.familyName);
    expect(text).toContain(d.programme.nameNl);
    const grade = d.diploma.grades!.find((g) => g.schoolExam !== undefined && !Number.isInteger(g.schoolExam))!;
    expect(text).toContain(grade.subjectNl);
    expect(text).toContain(String(grade.schoolExam).replace('.', ','));
    expect(text).toMatch(/pagina 1 van \d/);
  });

  it('publishes signed status lists; withdrawing sets the revocation bit and changes the ETag', async () => {
    const d = await diplomaOf('mbo');
    const extract = await issueExtract(getDb().db, issuer, { diplomaId: d.id, lang: 'nl', issuedBy: 'holder', now: new Date(TEST_NOW) });
    const vc = decodeJwt(extract.credentialJwt) as Record<string, any>;
    const entry = vc.credentialStatus.find((s: any) => s.statusPurpose === 'revocation');
    expect(entry.statusListCredential).toBe('http://register.test/status/revocation-1');
    const index = Number(entry.statusListIndex);

    const readBit = async (etag?: string) => {
      const res = await app.fetch('/status/revocation-1', etag ? { headers: { 'if-none-match': etag } } : undefined);
      if (res.status === 304) return { status: 304 as const, etag: res.headers.get('etag')! };
      expect(res.headers.get('content-type')).toBe('application/vc+jwt');
      expect(res.headers.get('cache-control')).toBe('public, max-age=300');
      const listJwt = await res.text();
      expect(decodeProtectedHeader(listJwt)).toMatchObject({ typ: 'vc+jwt', alg: 'EdDSA' });
      const list = decodeJwt(listJwt) as Record<string, any>;
      expect(list.credentialSubject).toMatchObject({ type: 'BitstringStatusList', statusPurpose: 'revocation', ttl: 300_000 });
      const bits = await decodeStatusList(list.credentialSubject.encodedList);
      expect(bits.length * 8).toBeGreaterThanOrEqual(131_072);
      return { status: 200 as const, etag: res.headers.get('etag')!, bit: (bits[index >> 3]! >> (7 - (index & 7))) & 1 };
    };
    const before = await readBit();
    expect(before.bit).toBe(0);
    expect((await readBit(before.etag)).status).toBe(304);

    await withdrawExtract(getDb().db, { extractId: extract.id, holderSubjectId: d.holder.subjectId, now: new Date(TEST_NOW) });
    const after = await readBit(before.etag);
    expect(after.status).toBe(200);
    expect(after.bit).toBe(1);
    await expect(withdrawExtract(getDb().db, { extractId: extract.id, holderSubjectId: d.holder.subjectId, now: new Date(TEST_NOW) })).rejects.toMatchObject({ code: 'EXTRACT_NOT_ACTIVE' });
  });

  it('refuses someone else’s diploma and a diploma that is no longer current, and changes nothing', async () => {
    const d = await diplomaOf('mbo');
    const [count0] = await getDb().db.select({ n: sql<number>`count(*)::int` }).from(extracts);
    await expect(issueExtract(getDb().db, issuer, { diplomaId: d.id, lang: 'nl', issuedBy: 'holder', holderSubjectId: 'ps1_someone-else', now: new Date(TEST_NOW) })).rejects.toMatchObject({ code: 'DIPLOMA_NOT_FOUND' });
    const [corrected] = await getDb().db.select({ id: diplomas.id }).from(diplomas).where(eq(diplomas.state, 'corrected')).limit(1);
    await expect(issueExtract(getDb().db, issuer, { diplomaId: corrected!.id, lang: 'nl', issuedBy: 'holder', now: new Date(TEST_NOW) })).rejects.toMatchObject({ code: 'DIPLOMA_NOT_CURRENT' });
    const [count1] = await getDb().db.select({ n: sql<number>`count(*)::int` }).from(extracts);
    expect(count1!.n).toBe(count0!.n);
  });

  it('an annulment committed while an extract is being issued wins: DIPLOMA_NOT_CURRENT, no extract row, no audit event', async () => {
    const [d] = await getDb().db.select({ id: diplomas.id }).from(diplomas).where(eq(diplomas.state, 'valid')).orderBy(desc(diplomas.awardDate)).limit(1);
    const count = async () => (await getDb().db.select({ n: sql<number>`count(*)::int` }).from(extracts).where(eq(extracts.diplomaId, d!.id)))[0]!.n;
    const issuedEvents = async () => (await getDb().db.select({ n: sql<number>`count(*)::int` }).from(auditEvents).where(eq(auditEvents.action, 'extract.issued')))[0]!.n;
    const [before, eventsBefore] = [await count(), await issuedEvents()];
    let commit!: () => void;
    const gate = new Promise<void>((resolve) => (commit = resolve));
    let annulled!: () => void;
    const locked = new Promise<void>((resolve) => (annulled = resolve));
    // an institution's annulment holds the diploma row locked while the download renders and signs
    const annulment = getDb().db.transaction(async (tx) => {
      await tx.update(diplomas).set({ state: 'annulled', annulledAt: new Date(TEST_NOW) }).where(eq(diplomas.id, d!.id));
      annulled();
      await gate;
    });
    await Promise.race([locked, annulment]);
    // settled at once into its outcome: it may fail while the annulment commits, before it is awaited
    const issuing = issueExtract(getDb().db, issuer, { diplomaId: d!.id, lang: 'nl', issuedBy: 'holder', now: new Date(TEST_NOW) }).then(
      () => 'issued',
      (error: unknown) => error,
    );
    // let the issue get as far as it can (on PostgreSQL: up to the diploma's lock) before the annulment commits
    await new Promise((resolve) => setTimeout(resolve, 200));
    commit();
    await annulment;
    // On PostgreSQL the issue reaches its insert, and the insert's own state check decides (this test
    // fails there without it). PGlite runs one statement at a time, so there the issue waits at its
    // first read and this checks only the outcome.
    expect(await issuing).toMatchObject({ code: 'DIPLOMA_NOT_CURRENT' });
    expect(await count()).toBe(before);
    expect(await issuedEvents()).toBe(eventsBefore);
  });

  it('a correction from the institution feed supersedes the diploma’s extracts and sets their revocation bit', async () => {
    const key = (await createApiKey(getDb().db, '25LF', 'test')).key;
    const post = (body: unknown) => app.fetch('/api/v1/feed/records', { method: 'POST', headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
    const award = { type: 'award', reference: 'X-SUPERSEDE-1', institution: { brin: '25LF', location: '00' }, programme: { code: '25604' }, kind: 'diploma', awardDate: '2025-07-04', holder: { bsn: '999990019', givenNames: 'Zoë', familyName: 'Dvořák', birthDate: '2003-02-01' } };
    const created = await (await post(award)).json();
    const extract = await issueExtract(getDb().db, issuer, { diplomaId: created.diplomaId, lang: 'en', issuedBy: 'holder', now: new Date(TEST_NOW) });
    expect((await post({ ...award, type: 'correction', reference: 'X-SUPERSEDE-1-C', corrects: 'X-SUPERSEDE-1', awardDate: '2025-07-05' })).status).toBe(201);
    const [row] = await getDb().db.select().from(extracts).where(eq(extracts.id, extract.id));
    expect(row!.state).toBe('superseded');
    const res = await app.fetch('/status/revocation-1');
    const bits = await decodeStatusList((decodeJwt(await res.text()) as any).credentialSubject.encodedList);
    expect((bits[row!.revocationIndex >> 3]! >> (7 - (row!.revocationIndex & 7))) & 1).toBe(1);
  });

  it('twenty extracts issued at once all succeed with distinct status entries, and the lists count them', async () => {
    const valid = await getDb().db.select({ id: diplomas.id }).from(diplomas).where(eq(diplomas.state, 'valid')).limit(20);
    expect(valid).toHaveLength(20);
    const allocated = async () => Object.fromEntries((await getDb().db.select({ id: statusLists.id, n: statusLists.allocated }).from(statusLists)).map((r) => [r.id, r.n]));
    const before = await allocated();
    // claims that arrive together share statements (status-store.ts): none may collide or deadlock
    const issued = await Promise.all(valid.map((d) => issueExtract(getDb().db, issuer, { diplomaId: d.id, lang: 'nl', issuedBy: 'holder', now: new Date(TEST_NOW) })));
    const rows = await getDb()
      .db.select({ revocation: sql<string>`${extracts.revocationList} || '/' || ${extracts.revocationIndex}`, suspension: sql<string>`${extracts.suspensionList} || '/' || ${extracts.suspensionIndex}` })
      .from(extracts)
      .where(sql`${extracts.id} in ${issued.map((e) => e.id)}`);
    expect(rows).toHaveLength(20);
    expect(new Set(rows.map((r) => r.revocation)).size).toBe(20);
    expect(new Set(rows.map((r) => r.suspension)).size).toBe(20);
    // `allocated` is written every 16 claims: after 20, at least 16 more are counted, never more than were handed out
    const after = await allocated();
    for (const list of ['revocation-1', 'suspension-1']) {
      expect(after[list]! - before[list]!).toBeGreaterThanOrEqual(16);
      expect(after[list]! - before[list]!).toBeLessThanOrEqual(20 + 15);
    }
  });

  it('opens the next status list when the open one is half full', async () => {
    await getDb().db.update(statusLists).set({ allocated: 65_536 }).where(eq(statusLists.id, 'revocation-1'));
    const d = await diplomaOf('mbo');
    const extract = await issueExtract(getDb().db, issuer, { diplomaId: d.id, lang: 'nl', issuedBy: 'holder', now: new Date(TEST_NOW) });
    const vc = decodeJwt(extract.credentialJwt) as Record<string, any>;
    const entries = Object.fromEntries(vc.credentialStatus.map((s: any) => [s.statusPurpose, s.statusListCredential]));
    expect(entries).toEqual({ revocation: 'http://register.test/status/revocation-2', suspension: 'http://register.test/status/suspension-1' });
    const res = await app.fetch('/status/revocation-2');
    expect(res.status).toBe(200);
    expect((decodeJwt(await res.text()) as any).id).toBe('http://register.test/status/revocation-2');
    expect((await app.fetch('/status/revocation-9')).status).toBe(404);
  });
});
