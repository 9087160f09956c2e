// The register's schema and demo data, on each database.
import { expect, it } from 'vitest';
import { count, countDistinct, eq, isNotNull, sql } from 'drizzle-orm';
import { auditEvents, diplomas, holders, institutions, programmes } from '../../db/schema.ts';
import { nlqfToEqf } from '../../src/domain/levels.ts';
import { syntheticBsn } from '../../db/demo/generate.ts';
import { describeEachDatabase } from '../support/databases.ts';
import { rowsOf } from '../../src/database.ts';
import { standaloneNineDigits } from '../support/constants.ts';


describeEachDatabase('register schema and demo data', (getDb) => {
  it('has ≥ 30 institutions across vo, mbo, hbo and wo with valid BRIN and location codes', async () => {
    const rows = await getDb().db.select().from(institutions);
    expect(rows.length).toBeGreaterThanOrEqual(30);
    expect(new Set(rows.map((r) => r.sector))).toEqual(new Set(['vo', 'mbo', 'hbo', 'wo']));
    for (const r of rows) {
      expect(r.brin).toMatch(/^[0-9]{2}[A-Z]{2}$/);
      expect(r.location).toMatch(/^[0-9]{2}$/);
    }
  });

  it('has ≥ 100 programmes with CROHO/crebo/vo codes, NL and EN names, consistent NLQF/EQF, vo profiles', async () => {
    const rows = await getDb().db.select().from(programmes);
    expect(rows.length).toBeGreaterThanOrEqual(100);
    for (const p of rows) {
      if (p.codeType === 'vo') expect(p.sector).toBe('vo');
      else expect(p.code).toMatch(/^[0-9]{5}$/);
      if (p.codeType === 'crebo') expect(p.sector).toBe('mbo');
      if (p.codeType === 'croho') expect(['hbo', 'wo']).toContain(p.sector);
      expect(p.nameNl.length).toBeGreaterThan(1);
      expect(p.nameEn.length).toBeGreaterThan(1);
      expect(nlqfToEqf[p.nlqf as keyof typeof nlqfToEqf]).toBe(p.eqf);
    }
    expect(rows.find((p) => p.code === 'VWO')!.profiles.map((x) => x.code)).toEqual(expect.arrayContaining(['NT', 'NG', 'EM', 'CM']));
  });

  it('has ≥ 500 holders with real-world name variety and ≥ 800 diplomas of every kind, level and state', async () => {
    const { db } = getDb();
    const people = await db.select().from(holders);
    expect(people.length).toBeGreaterThanOrEqual(500);
    const names = people.map((h) => `${h.givenNames} ${h.prefix ?? ''} ${h.familyName}`).join('\n');
    for (const fragment of ['Ş', 'Ł', 'Ø', 'ë', 'ễ']) expect(names).toContain(fragment);
    expect(people.filter((h) => h.prefix).length).toBeGreaterThan(50);
    expect(people.every((h) => h.subjectId.startsWith('ps1_'))).toBe(true);

    const [total] = await db.select({ n: count() }).from(diplomas);
    expect(total!.n).toBeGreaterThanOrEqual(800);
    const kinds = await db.select({ kind: diplomas.kind }).from(diplomas).groupBy(diplomas.kind);
    expect(new Set(kinds.map((k) => k.kind))).toEqual(new Set(['diploma', 'getuigschrift', 'certificaat']));
    const [levels] = await db.select({ n: countDistinct(diplomas.nlqf) }).from(diplomas);
    expect(levels!.n).toBeGreaterThanOrEqual(7);
    const states = await db.select({ state: diplomas.state }).from(diplomas).groupBy(diplomas.state);
    expect(new Set(states.map((s) => s.state))).toEqual(new Set(['valid', 'corrected', 'annulled']));
    const [multi] = rowsOf<{ n: number }>(await db.execute(sql`select count(*)::int as n from (select holder_id from diplomas group by holder_id having count(*) > 1) t`));
    expect(multi!.n).toBeGreaterThan(100);
  });

  it('gives every vo diploma a grade list with marks on 1.0–10.0 and whole final marks', async () => {
    const rows = await getDb()
      .db.select({ grades: diplomas.grades, kind: diplomas.kind })
      .from(diplomas)
      .innerJoin(programmes, eq(programmes.id, diplomas.programmeId))
      .where(eq(programmes.sector, 'vo'));
    const withDiploma = rows.filter((r) => r.kind === 'diploma');
    expect(withDiploma.length).toBeGreaterThan(100);
    for (const { grades } of withDiploma) {
      expect(grades!.length).toBeGreaterThanOrEqual(6);
      for (const g of grades!) {
        expect(Number.isInteger(g.final)).toBe(true);
        for (const m of [g.schoolExam, g.centralExam, g.final]) if (m !== undefined) expect(m).toBeGreaterThanOrEqual(1), expect(m).toBeLessThanOrEqual(10);
      }
    }
  });

  it('keeps correction history: every corrected diploma points at a diploma that exists', async () => {
    const { db } = getDb();
    const rows = rowsOf<{ n: number }>(await db.execute(sql`select count(*)::int as n from diplomas d join diplomas s on s.id = d.superseded_by where d.state = 'corrected'`));
    const [corrected] = await db.select({ n: count() }).from(diplomas).where(isNotNull(diplomas.supersededBy));
    expect(rows[0]!.n).toBe(corrected!.n);
    expect(corrected!.n).toBeGreaterThan(0);
  });

  it('refuses inconsistent states at the database level', async () => {
    const [one] = await getDb().db.select({ id: diplomas.id }).from(diplomas).where(eq(diplomas.state, 'valid')).limit(1);
    await expect(getDb().db.update(diplomas).set({ state: 'corrected' }).where(eq(diplomas.id, one!.id))).rejects.toThrow();
  });

  it('keeps the audit trail append-only: UPDATE, DELETE and TRUNCATE are refused', async () => {
    const { db } = getDb();
    const [n] = await db.select({ n: count() }).from(auditEvents);
    expect(n!.n).toBeGreaterThan(800);
    await expect(db.execute(sql`update audit_events set actor = 'someone else'`)).rejects.toThrow();
    await expect(db.execute(sql`delete from audit_events`)).rejects.toThrow();
    await expect(db.execute(sql`truncate audit_events`)).rejects.toThrow();
    const [after] = await db.select({ n: count() }).from(auditEvents);
    expect(after!.n).toBe(n!.n);
  });

  it('stores no BSN: no demo holder’s BSN appears in any holder, diploma, feed or audit row', async () => {
    const { db } = getDb();
    const bsns = Array.from({ length: 1000 }, (_, i) => syntheticBsn(i)).filter((b): b is string => !!b);
    const dump = rowsOf<{ t: string }>(
      await db.execute(sql`select row_to_json(h)::text as t from holders h union all select row_to_json(d)::text from diplomas d union all select row_to_json(f)::text from feed_records f union all select row_to_json(a)::text from audit_events a`),
    )
      .map((r) => r.t)
      .join('\n');
    expect(dump.length).toBeGreaterThan(100_000);
    expect(standaloneNineDigits(`{"bsn":"${bsns[0]}"}`).has(bsns[0]!)).toBe(true);
    const inDump = standaloneNineDigits(dump);
    expect(bsns.filter((b) => inDump.has(b))).toEqual([]);
  });
});
