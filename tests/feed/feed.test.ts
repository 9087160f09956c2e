// The institution feed as a new institution would use it: real HTTP, real database.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { and, count, eq, sql } from 'drizzle-orm';
import { auditEvents, diplomas, feedRecords, holders } from '../../db/schema.ts';
import { createApiKey } from '../../src/feed/api-keys.ts';
import { subjectIdForBsn } from '../../src/domain/pseudonym.ts';
import { describeEachDatabase } from '../support/databases.ts';
import { startApp, type RunningApp } from '../support/app.ts';
import { TEST_PSEUDONYM_SECRET } from '../support/constants.ts';
import { feedRecordSchema } from '../../src/feed/schemas.ts';
import { fingerprintSource } from '../../src/feed/record-fingerprint.ts';
import { canonicalJson } from '../../src/lib/canonical-json.ts';
import { sha256Hex } from '../../src/lib/bytes.ts';

// ROC van Amsterdam (mbo) and the Universiteit van Amsterdam (wo) are in the demo reference data.
const MBO = { brin: '25LF', location: '00' };
const VO_PROGRAMME = 'HAVO';

function award(reference: string, over: Record<string, unknown> = {}) {
  return {
    type: 'award',
    reference,
    institution: MBO,
    programme: { code: '25604' },
    kind: 'diploma',
    awardDate: '2025-07-04',
    holder: { bsn: '999990019', givenNames: 'Łukasz', familyName: 'Øverby', birthDate: '2003-02-01' },
    ...over,
  };
}

describeEachDatabase('institution feed', (getDb) => {
  let app: RunningApp;
  let key: string;
  let otherKey: string;
  const post = (body: unknown, k = key) =>
    app.fetch('/api/v1/feed/records', { method: 'POST', headers: { authorization: `Bearer ${k}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const bulk = (lines: string[], k = key) =>
    app.fetch('/api/v1/feed/records/bulk', { method: 'POST', headers: { authorization: `Bearer ${k}`, 'content-type': 'application/x-ndjson' }, body: lines.join('\n') + '\n' });
  const rows = async () => {
    const db = getDb().db;
    const [d] = await db.select({ n: count() }).from(diplomas);
    const [f] = await db.select({ n: count() }).from(feedRecords);
    const [h] = await db.select({ n: count() }).from(holders);
    return { diplomas: d!.n, feed: f!.n, holders: h!.n };
  };

  beforeAll(async () => {
    app = await startApp(getDb());
    key = (await createApiKey(getDb().db, MBO.brin, 'test')).key;
    otherKey = (await createApiKey(getDb().db, '21PK', 'test')).key;
  });
  afterAll(() => app.close());

  it('accepts an award (201), stores a pseudonym and no BSN, and writes an audit event', async () => {
    const res = await post(award('T-AWARD-1'));
    expect(res.status).toBe(201);
    const body = await res.json();
    expect(body).toMatchObject({ status: 'created', type: 'award', reference: 'T-AWARD-1', diplomaState: 'valid' });
    const [d] = await getDb().db.select().from(diplomas).where(eq(diplomas.id, body.diplomaId));
    expect(d).toMatchObject({ kind: 'diploma', nlqf: expect.any(String), state: 'valid', awardDate: '2025-07-04' });
    const [h] = await getDb().db.select().from(holders).where(eq(holders.id, d!.holderId));
    expect(h!.subjectId).toBe(await subjectIdForBsn(TEST_PSEUDONYM_SECRET, '999990019'));
    expect(h).toMatchObject({ givenNames: 'Łukasz', familyName: 'Øverby', birthDate: '2003-02-01' });
    const hits = await getDb().db.execute(sql`select count(*)::int as n from holders h where row_to_json(h)::text like '%999990019%'`);
    expect(((hits as unknown as { rows?: { n: number }[] }).rows ?? (hits as unknown as { n: number }[]))[0]!.n).toBe(0);
    const events = await getDb().db.select().from(auditEvents).where(and(eq(auditEvents.subjectId, body.diplomaId), eq(auditEvents.action, 'diploma.awarded')));
    expect(events).toHaveLength(1);
    expect(events[0]!.actor).toBe('institution:25LF');
    expect(JSON.stringify(events[0]!.data)).not.toMatch(/Łukasz|Øverby|999990019/);
    // the idempotency hash covers the pseudonym, not the BSN (a BSN hash could be brute-forced)
    const [fr] = await getDb().db.select().from(feedRecords).where(eq(feedRecords.reference, 'T-AWARD-1'));
    const parsed = feedRecordSchema.parse(award('T-AWARD-1'));
    expect(fr!.recordHash).not.toBe(await sha256Hex(canonicalJson(parsed)));
    expect(fr!.recordHash).toBe(await sha256Hex(canonicalJson(fingerprintSource(parsed, h!.subjectId))));
  });

  it('is idempotent on the reference: the same record again is 200 unchanged, another record is 409', async () => {
    const before = await rows();
    const again = await post(award('T-AWARD-1'));
    expect(again.status).toBe(200);
    expect(await again.json()).toMatchObject({ status: 'unchanged', reference: 'T-AWARD-1' });
    const conflict = await post(award('T-AWARD-1', { awardDate: '2025-07-05' }));
    expect(conflict.status).toBe(409);
    expect(conflict.headers.get('content-type')).toBe('application/problem+json');
    expect(await conflict.json()).toMatchObject({ code: 'REFERENCE_CONFLICT', status: 409 });
    expect(await rows()).toEqual(before);
  });

  it('answers every field error at once with JSON Pointers and stable codes, and writes nothing', async () => {
    const before = await rows();
    const res = await post(award('T-BAD-1', {
      holder: { bsn: '123456789', givenNames: '', familyName: 'Jansen', birthDate: '2003-02-30' },
      awardDate: '25-07-2025',
      kind: 'diplom',
    }));
    expect(res.status).toBe(422);
    const problem = await res.json();
    expect(problem.code).toBe('VALIDATION_FAILED');
    const codes = Object.fromEntries(problem.errors.map((e: { pointer: string; code: string }) => [e.pointer, e.code]));
    expect(codes).toMatchObject({
      '/holder/bsn': 'BSN_INVALID',
      '/holder/givenNames': 'NAME_EMPTY',
      '/holder/birthDate': 'DATE_INVALID',
      '/awardDate': 'DATE_FORMAT',
      '/kind': 'VALUE_NOT_ALLOWED',
    });
    expect(await rows()).toEqual(before);
  });

  it('checks the record against the register: programme of the sector, kind, dates, grades', async () => {
    const cases: Array<[Record<string, unknown>, string, string]> = [
      [{ programme: { code: '56604' } }, '/programme/code', 'PROGRAMME_UNKNOWN'], // a CROHO code at an mbo school
      [{ programme: { code: '2560' } }, '/programme/code', 'PROGRAMME_UNKNOWN'],
      [{ kind: 'getuigschrift' }, '/kind', 'KIND_NOT_FOR_SECTOR'],
      [{ awardDate: '2027-01-01' }, '/awardDate', 'AWARD_DATE_IN_FUTURE'],
      [{ awardDate: '2006-06-30' }, '/awardDate', 'AWARD_DATE_BEFORE_REGISTER'],
      [{ holder: { bsn: '999990019', givenNames: 'Kim', familyName: 'Jansen', birthDate: '2020-01-01' } }, '/holder/birthDate', 'BIRTH_DATE_IMPLAUSIBLE'],
      [{ grades: [{ subjectCode: 'NE', subjectNl: 'Nederlands', subjectEn: 'Dutch', final: 7 }] }, '/grades', 'GRADES_NOT_FOR_SECTOR'],
      [{ institution: { brin: '25LF', location: '77' } }, '/institution/location', 'INSTITUTION_UNKNOWN'],
    ];
    const before = await rows();
    for (const [over, pointer, code] of cases) {
      const res = await post(award(`T-RULE-${code}`, over));
      expect(res.status, code).toBe(422);
      const problem = await res.json();
      expect(problem.errors, code).toContainEqual(expect.objectContaining({ pointer, code }));
    }
    expect(await rows()).toEqual(before);
  });

  it('validates vo grade lists: range 1.0–10.0, one decimal, whole final marks', async () => {
    const voKey = (await createApiKey(getDb().db, '19LZ', 'test')).key;
    const grades = [
      { subjectCode: 'NE', subjectNl: 'Nederlandse taal', subjectEn: 'Dutch language', schoolExam: 10.1, centralExam: 6.25, final: 7.5 },
      { subjectCode: 'NE', subjectNl: 'Nederlandse taal', subjectEn: 'Dutch language', schoolExam: 0.9, final: 0 },
    ];
    const vo = { institution: { brin: '19LZ', location: '00' }, programme: { code: VO_PROGRAMME, profile: 'NT' } };
    const res = await post(award('T-VO-BAD', { ...vo, grades }), voKey);
    expect(res.status).toBe(422);
    const codes = (await res.json()).errors.map((e: { pointer: string; code: string }) => `${e.pointer} ${e.code}`);
    expect(codes).toEqual(expect.arrayContaining([
      '/grades/0/schoolExam GRADE_RANGE', '/grades/0/centralExam GRADE_PRECISION', '/grades/0/final FINAL_MARK_WHOLE',
      '/grades/1/schoolExam GRADE_RANGE', '/grades/1/final GRADE_RANGE',
    ]));
    const missing = await post(award('T-VO-NOGRADES', vo), voKey);
    expect((await missing.json()).errors).toContainEqual(expect.objectContaining({ code: 'GRADES_REQUIRED' }));
    const good = await post(award('T-VO-OK', { ...vo, grades: [{ subjectCode: 'NE', subjectNl: 'Nederlandse taal', subjectEn: 'Dutch language', schoolExam: 6.8, centralExam: 5.9, final: 6 }] }), voKey);
    expect(good.status).toBe(201);
    const noProfile = await post(award('T-VO-NOPROFILE', { ...vo, programme: { code: VO_PROGRAMME }, grades: [{ subjectCode: 'NE', subjectNl: 'N', subjectEn: 'D', final: 6 }] }), voKey);
    expect((await noProfile.json()).errors).toContainEqual(expect.objectContaining({ pointer: '/programme/profile', code: 'PROFILE_REQUIRED' }));
  });

  it('corrects a diploma: the new version supersedes the old, whose history stays', async () => {
    const first = await (await post(award('T-CORR-1'))).json();
    const res = await post({ ...award('T-CORR-1-C', { awardDate: '2025-07-11' }), type: 'correction', corrects: 'T-CORR-1' });
    expect(res.status).toBe(201);
    const corrected = await res.json();
    expect(corrected.diplomaId).not.toBe(first.diplomaId);
    const [old] = await getDb().db.select().from(diplomas).where(eq(diplomas.id, first.diplomaId));
    expect(old).toMatchObject({ state: 'corrected', supersededBy: corrected.diplomaId, awardDate: '2025-07-04' });
    const status = await (await app.fetch('/api/v1/feed/records/T-CORR-1', { headers: { authorization: `Bearer ${key}` } })).json();
    expect(status).toMatchObject({ reference: 'T-CORR-1', diplomaState: 'corrected', supersededBy: 'T-CORR-1-C' });
    // a second correction of the superseded version is refused
    const twice = await post({ ...award('T-CORR-1-D'), type: 'correction', corrects: 'T-CORR-1' });
    expect(twice.status).toBe(409);
    expect((await twice.json()).code).toBe('DIPLOMA_SUPERSEDED');
    const unknown = await post({ ...award('T-CORR-X'), type: 'correction', corrects: 'NO-SUCH-REF' });
    expect((await unknown.json()).errors).toContainEqual(expect.objectContaining({ pointer: '/corrects', code: 'REFERENCE_UNKNOWN' }));
  });

  it('annuls a diploma once; the annulment is idempotent and final', async () => {
    const first = await (await post(award('T-ANN-1'))).json();
    const annulment = { type: 'annulment', reference: 'T-ANN-1-A', annuls: 'T-ANN-1', reason: 'Fraud established by the examination board.' };
    const res = await post(annulment);
    expect(res.status).toBe(201);
    expect(await res.json()).toMatchObject({ diplomaId: first.diplomaId, diplomaState: 'annulled' });
    expect((await post(annulment)).status).toBe(200);
    const again = await post({ ...annulment, reference: 'T-ANN-1-B' });
    expect(again.status).toBe(409);
    expect((await again.json()).code).toBe('DIPLOMA_ANNULLED');
    const [d] = await getDb().db.select().from(diplomas).where(eq(diplomas.id, first.diplomaId));
    expect(d).toMatchObject({ state: 'annulled', annulmentReason: 'Fraud established by the examination board.' });
  });

  it('authenticates institutions: missing, unknown and foreign keys', async () => {
    const missing = await app.fetch('/api/v1/feed/records', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    expect(missing.status).toBe(401);
    expect(missing.headers.get('www-authenticate')).toMatch(/^Bearer/);
    expect((await missing.json()).code).toBe('API_KEY_MISSING');
    const forged = key.slice(0, -4) + (key.endsWith('AAAA') ? 'BBBB' : 'AAAA');
    expect((await (await post(award('T-AUTH'), forged)).json()).code).toBe('API_KEY_INVALID');
    const foreign = await post(award('T-AUTH'), otherKey);
    expect(foreign.status).toBe(403);
    expect((await foreign.json()).code).toBe('INSTITUTION_NOT_ALLOWED');
  });

  it('takes bulk NDJSON with a result per line; a rejected line writes nothing, the others land', async () => {
    const before = await rows();
    const lines = [
      JSON.stringify(award('T-BULK-1', { holder: { bsn: '999990032', givenNames: 'Zoë', prefix: 'van der', familyName: 'Berg', birthDate: '2002-05-06' } })),
      '{not json',
      JSON.stringify(award('T-BULK-2', { programme: { code: '00000' } })),
      JSON.stringify({ ...award('T-BULK-1-C', { awardDate: '2025-07-05', holder: { bsn: '999990032', givenNames: 'Zoë', prefix: 'van der', familyName: 'Berg', birthDate: '2002-05-06' } }), type: 'correction', corrects: 'T-BULK-1' }),
      '',
      JSON.stringify(award('T-AWARD-1')),
      JSON.stringify({ type: 'annulment', reference: 'T-BULK-A', annuls: 'T-BULK-1', reason: 'annul a superseded one' }),
    ];
    const res = await bulk(lines);
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body.summary).toEqual({ received: 6, created: 2, unchanged: 1, rejected: 3 });
    expect(body.results.map((r: { line: number; status: string }) => `${r.line}:${r.status}`)).toEqual([
      '1:created', '2:rejected', '3:rejected', '4:created', '6:unchanged', '7:rejected',
    ]);
    expect(body.results[1].problem.code).toBe('MALFORMED_JSON');
    expect(body.results[2].problem.errors[0]).toMatchObject({ pointer: '/programme/code', code: 'PROGRAMME_UNKNOWN' });
    expect(body.results[5].problem.code).toBe('DIPLOMA_SUPERSEDED');
    const after = await rows();
    expect(after.diplomas - before.diplomas).toBe(2);
    expect(after.feed - before.feed).toBe(2);
  });

  it('refuses more than 10,000 bulk records (413) before writing anything, and the wrong media type (415)', async () => {
    const before = await rows();
    const line = JSON.stringify(award('X'));
    const res = await bulk(Array.from({ length: 10_001 }, () => line));
    expect(res.status).toBe(413);
    expect((await res.json()).code).toBe('BULK_TOO_MANY_RECORDS');
    const wrongType = await app.fetch('/api/v1/feed/records/bulk', { method: 'POST', headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' }, body: line });
    expect(wrongType.status).toBe(415);
    expect(await rows()).toEqual(before);
  });

  it('applies a full 10,000-record bulk', async () => {
    const lines = Array.from({ length: 10_000 }, (_, i) => JSON.stringify(award(`T-BIG-${i}`)));
    const res = await bulk(lines);
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body.summary).toEqual({ received: 10_000, created: 10_000, unchanged: 0, rejected: 0 });
  }, 180_000);
});
