// db:synth: the bulk synthetic register. Exact counts, resumable and idempotent, deterministic (also
// across batch sizes, resumes and database kinds), rows shaped as the feed writes them.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, count, eq, inArray, like, sql } from 'drizzle-orm';
import { auditEvents, diplomas, feedRecords, holders, institutions, programmes } from '../../db/schema.ts';
import {
  copyField,
  fastCanonicalJson,
  progressLine,
  recordHash,
  SYNTH_MAX_DIPLOMAS,
  SYNTH_SERIAL_OFFSET,
  SYNTH_TODAY,
  subjectIdSync,
  synthDiplomaId,
  synthHolderId,
  synthPeople,
  synthesize,
  uuidFrom,
} from '../../db/synth.ts';
import { syntheticBsn, syntheticPerson, type SyntheticPerson } from '../../db/demo/generate.ts';
import { subjectIdForBsn } from '../../src/domain/pseudonym.ts';
import { isValidBsn } from '../../src/domain/codes.ts';
import { canonicalJson } from '../../src/lib/canonical-json.ts';
import { sha256Hex } from '../../src/lib/bytes.ts';
import { applyRecords } from '../../src/feed/feed-service.ts';
import { feedRecordSchema } from '../../src/feed/schemas.ts';
import type { Database } from '../../src/database.ts';
import { describeEachDatabase, freshDatabase } from '../support/databases.ts';
import { standaloneNineDigits, TEST_NOW, TEST_PSEUDONYM_SECRET } from '../support/constants.ts';

const SEED = 7;
const N = 3000;
const BATCH = 700;
const root = fileURLToPath(new URL('../..', import.meta.url));

type Rec = SyntheticPerson['records'][number];
interface Planned {
  serial: number;
  person: SyntheticPerson;
  record: Rec;
  /** 1-based position among the diplomas (award, correction); for an annulment, its award's */
  position: number;
}

/** The stream as db:synth walks it, up to the N-th diploma (and an annulment right after it). */
function plannedRecords(seed: number, n: number): Planned[] {
  const out: Planned[] = [];
  let position = 0;
  for (const { serial, person } of synthPeople(seed)) {
    for (const record of person.records) {
      if (record.type !== 'annulment') {
        if (position >= n) return out;
        position++;
      }
      out.push({ serial, person, record, position });
    }
    if (position >= n) return out;
  }
  return out;
}

const planned = plannedRecords(SEED, N);
// first run ends on an award whose correction the resumed run adds (so the resume updates a row
// written before, in the middle of a person)
const corrected = planned.find((p) => p.record.type === 'correction' && p.position > 500 && p.position < N - 500)!;
const N1 = corrected.position - 1;
const firstOf = (type: Rec['type']) => planned.find((p) => p.record.type === type)!;
const brinOf = (p: Planned): string => {
  const r = p.record;
  if (r.type !== 'annulment') return r.institution.brin;
  const award = p.person.records.find((x) => x.reference === r.annuls);
  return (award as Exclude<Rec, { type: 'annulment' }>).institution.brin;
};

async function synthCounts(db: Database) {
  const syn = like(diplomas.reference, 'SYN-%');
  const [d] = await db.select({ n: count() }).from(diplomas).where(syn);
  const [h] = await db.select({ n: count() }).from(holders);
  const [f] = await db.select({ n: count() }).from(feedRecords).where(like(feedRecords.reference, 'SYN-%'));
  const [a] = await db.select({ n: count() }).from(auditEvents);
  return { diplomas: Number(d!.n), holders: Number(h!.n), feed: Number(f!.n), audit: Number(a!.n) };
}

/** SHA-256 over the SYN rows of every table (timestamps left out), in a collation-free order. */
async function snapshot(db: Database): Promise<string> {
  const dRows = await db
    .select({
      id: diplomas.id,
      brin: institutions.brin,
      location: institutions.location,
      programme: programmes.code,
      holderId: diplomas.holderId,
      reference: diplomas.reference,
      kind: diplomas.kind,
      profile: diplomas.profile,
      awardDate: diplomas.awardDate,
      nlqf: diplomas.nlqf,
      eqf: diplomas.eqf,
      grades: diplomas.grades,
      state: diplomas.state,
      supersededBy: diplomas.supersededBy,
      annulled: sql<boolean>`${diplomas.annulledAt} is not null`,
      reason: diplomas.annulmentReason,
    })
    .from(diplomas)
    .innerJoin(institutions, eq(institutions.id, diplomas.institutionId))
    .innerJoin(programmes, eq(programmes.id, diplomas.programmeId))
    .where(like(diplomas.reference, 'SYN-%'));
  const ids = new Set(dRows.map((d) => d.id));
  const hRows = await db
    .select({ id: holders.id, subjectId: holders.subjectId, givenNames: holders.givenNames, prefix: holders.prefix, familyName: holders.familyName, birthDate: holders.birthDate })
    .from(holders)
    .where(inArray(holders.id, db.select({ id: diplomas.holderId }).from(diplomas).where(like(diplomas.reference, 'SYN-%'))));
  const fRows = await db
    .select({ brin: feedRecords.brin, reference: feedRecords.reference, type: feedRecords.type, recordHash: feedRecords.recordHash, diplomaId: feedRecords.diplomaId })
    .from(feedRecords)
    .where(like(feedRecords.reference, 'SYN-%'));
  const aRows = (
    await db
      .select({ actor: auditEvents.actor, action: auditEvents.action, subjectType: auditEvents.subjectType, subjectId: auditEvents.subjectId, data: auditEvents.data })
      .from(auditEvents)
      .where(eq(auditEvents.subjectType, 'diploma'))
  ).filter((a) => ids.has(a.subjectId));
  const hash = createHash('sha256');
  for (const rows of [dRows, hRows, fRows, aRows]) {
    const lines = rows.map((r) => canonicalJson(r)).sort();
    hash.update(`${lines.length}\n${lines.join('\n')}\n`);
  }
  return hash.digest('hex');
}

describe('db:synth helpers', () => {
  it('derives the same subject id as the service (subjectIdForBsn)', async () => {
    for (const bsn of ['999990019', '950000003', '123456782']) {
      expect(subjectIdSync(TEST_PSEUDONYM_SECRET, bsn)).toBe(await subjectIdForBsn(TEST_PSEUDONYM_SECRET, bsn));
    }
  });

  it('hashes records as the feed does (canonical JSON of the record as the feed schema accepts it)', async () => {
    const sample = planned.slice(0, 1500);
    for (const { record } of sample) expect(fastCanonicalJson(record)).toBe(canonicalJson(feedRecordSchema.parse(record)));
    for (const type of ['award', 'correction', 'annulment'] as const) {
      const { record } = firstOf(type);
      expect(recordHash(record)).toBe(await sha256Hex(canonicalJson(feedRecordSchema.parse(record))));
    }
  });

  it('uses serials far from the demo seed, with valid synthetic BSNs, and v4-shaped ids', () => {
    expect(planned[0]!.serial).toBe(SYNTH_SERIAL_OFFSET);
    expect(SYNTH_SERIAL_OFFSET).toBeGreaterThanOrEqual(1_000_000); // the demo seed's people are serials 0 … a few hundred
    for (const { person } of planned.slice(0, 200)) expect(isValidBsn(person.bsn) && person.bsn.startsWith('91')).toBe(true);
    expect(uuidFrom('x')).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(synthDiplomaId(1, 'SYN-1000000-1')).not.toBe(synthDiplomaId(2, 'SYN-1000000-1'));
  });

  it('gives ids in the order of the stream (v4-shaped, per seed), so a load appends to its indexes', () => {
    const v4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
    const diplomaIds = planned.filter((p) => p.record.type !== 'annulment').map((p) => synthDiplomaId(SEED, p.record.reference));
    const holderIds = [...new Set(planned.map((p) => p.serial))].map((serial) => synthHolderId(SEED, serial));
    for (const ids of [diplomaIds, holderIds]) {
      for (const id of ids) expect(id).toMatch(v4);
      expect(new Set(ids).size).toBe(ids.length);
      expect([...ids].sort()).toEqual(ids);
    }
    expect(synthHolderId(SEED, 1_000_001)).not.toBe(synthHolderId(SEED + 1, 1_000_001));
  });

  it('has serials for the whole country (10 M diplomas) and more, with valid BSNs up to the last serial', () => {
    expect(SYNTH_MAX_DIPLOMAS).toBeGreaterThanOrEqual(10_500_000);
    // the last serials still give 9-digit BSNs that pass the eleven test
    const last = [...Array(40).keys()].map((i) => syntheticBsn(9_999_999 - i)).filter((b): b is string => !!b);
    expect(last.length).toBeGreaterThan(30);
    for (const bsn of last) {
      expect(bsn).toMatch(/^99[0-9]{7}$/);
      expect(isValidBsn(bsn)).toBe(true);
    }
    // diplomas per serial over a sample of the range: the 9 M serials cover SYNTH_MAX_DIPLOMAS
    let diplomasInSample = 0;
    const sample = 20_000;
    for (let serial = 5_000_000; serial < 5_000_000 + sample; serial++) {
      diplomasInSample += syntheticPerson(SEED, serial, SYNTH_TODAY, 'SYN')?.records.filter((r) => r.type !== 'annulment').length ?? 0;
    }
    expect((diplomasInSample / sample) * (10_000_000 - SYNTH_SERIAL_OFFSET)).toBeGreaterThan(SYNTH_MAX_DIPLOMAS * 1.02);
  });

  it('escapes COPY text fields', () => {
    expect(copyField('a\\b\tc\nd\re')).toBe('a\\\\b\\tc\\nd\\re');
    expect(copyField(null)).toBe('\\N');
    expect(copyField(undefined)).toBe('\\N');
    expect(copyField('van der')).toBe('van der');
  });

  it('draws a progress line with counts, percent, rate and ETA', () => {
    const line = progressLine({ done: 250_000, total: 1_000_000, added: 250_000, elapsedMs: 50_000 });
    expect(line).toContain('250,000/1,000,000');
    expect(line).toContain('25.0%');
    expect(line).toContain('5,000 diplomas/s');
    expect(line).toContain('ETA 02:30');
  });
});

const snapshots = new Map<string, string>();

describeEachDatabase('db:synth', (getDb, kind) => {
  const opts = { seed: SEED, batch: BATCH, pseudonymSecret: TEST_PSEUDONYM_SECRET };
  let before: Awaited<ReturnType<typeof synthCounts>>;

  beforeAll(async () => {
    before = await synthCounts(getDb().db);
  });

  it('loads exactly N diplomas, resuming where an earlier run stopped', async () => {
    const { db } = getDb();
    const first = await synthesize(getDb(), { ...opts, diplomas: N1 });
    expect(first).toMatchObject({ existing: 0, added: N1 });
    expect((await synthCounts(db)).diplomas).toBe(N1);
    const awardId = synthDiplomaId(SEED, (corrected.record as { corrects: string }).corrects);
    const [award] = await db.select({ state: diplomas.state }).from(diplomas).where(eq(diplomas.id, awardId));
    expect(award?.state).toBe('valid');

    const progress: number[] = [];
    const second = await synthesize(getDb(), { ...opts, diplomas: N, onProgress: (p) => progress.push(p.done) });
    expect(second).toMatchObject({ existing: N1, added: N - N1 });
    expect(progress.at(-1)).toBe(N);
    const after = await synthCounts(db);
    expect(after.diplomas).toBe(N);
    expect(after.holders - before.holders).toBe(first.holders + second.holders);
    const [feedDiplomas] = await db
      .select({ n: count() })
      .from(feedRecords)
      .where(and(like(feedRecords.reference, 'SYN-%'), inArray(feedRecords.type, ['award', 'correction'])));
    expect(Number(feedDiplomas!.n)).toBe(N);
    // the award of the first run was superseded by the correction of the second
    const [now] = await db.select({ state: diplomas.state, supersededBy: diplomas.supersededBy }).from(diplomas).where(eq(diplomas.id, awardId));
    expect(now).toEqual({ state: 'corrected', supersededBy: synthDiplomaId(SEED, corrected.record.reference) });
  });

  it('adds nothing when run again with the same seed and N', async () => {
    const counts = await synthCounts(getDb().db);
    const again = await synthesize(getDb(), { ...opts, diplomas: N });
    expect(again).toMatchObject({ existing: N, added: 0, holders: 0, feedRecords: 0 });
    expect(await synthCounts(getDb().db)).toEqual(counts);
  });

  it('gives identical rows on a fresh database with the same seed (one run, other batch size)', async () => {
    const other = await freshDatabase(kind);
    try {
      await synthesize(other, { ...opts, batch: 1000, diplomas: N });
      const mine = await snapshot(getDb().db);
      expect(await snapshot(other.db)).toBe(mine);
      snapshots.set(kind, mine);
    } finally {
      await other.dispose();
    }
  });

  it('refuses to extend the register with another seed', async () => {
    const counts = await synthCounts(getDb().db);
    await expect(synthesize(getDb(), { ...opts, seed: SEED + 1, diplomas: N + 100 })).rejects.toThrow(/not the start of seed 8/);
    expect(await synthCounts(getDb().db)).toEqual(counts);
  });

  it('copies levels from the programme; vo diplomas carry grades, others none', async () => {
    const rows = await getDb()
      .db.select({ sector: programmes.sector, kind: diplomas.kind, grades: diplomas.grades, nlqf: diplomas.nlqf, eqf: diplomas.eqf, pNlqf: programmes.nlqf, pEqf: programmes.eqf })
      .from(diplomas)
      .innerJoin(programmes, eq(programmes.id, diplomas.programmeId))
      .where(like(diplomas.reference, 'SYN-%'));
    expect(rows).toHaveLength(N);
    const vo = rows.filter((r) => r.sector === 'vo' && r.kind === 'diploma');
    expect(vo.length).toBeGreaterThan(100);
    for (const r of vo) expect(r.grades?.length).toBeGreaterThan(3);
    for (const r of rows.filter((x) => x.sector !== 'vo')) expect(r.grades).toBeNull();
    for (const r of rows) expect([r.nlqf, r.eqf]).toEqual([r.pNlqf, r.pEqf]);
  });

  it('keeps corrected and annulled diplomas consistent with the feed records and audit events', async () => {
    const { db } = getDb();
    const rows = await db
      .select({ id: diplomas.id, reference: diplomas.reference, state: diplomas.state, supersededBy: diplomas.supersededBy, annulledAt: diplomas.annulledAt, reason: diplomas.annulmentReason })
      .from(diplomas)
      .where(like(diplomas.reference, 'SYN-%'));
    const byId = new Map(rows.map((r) => [r.id, r]));
    const states = { valid: 0, corrected: 0, annulled: 0 };
    for (const r of rows) {
      states[r.state]++;
      if (r.state === 'corrected') expect(byId.get(r.supersededBy!)?.reference).toBe(`${r.reference}-C1`);
      else expect(r.supersededBy).toBeNull();
      if (r.state === 'annulled') expect(r.annulledAt && r.reason).toBeTruthy();
      else expect([r.annulledAt, r.reason]).toEqual([null, null]);
    }
    const expected = { corrected: planned.filter((p) => p.record.type === 'correction').length, annulled: planned.filter((p) => p.record.type === 'annulment').length };
    expect(states.corrected).toBe(expected.corrected);
    expect(states.annulled).toBe(expected.annulled);
    expect(expected.corrected).toBeGreaterThan(10);
    expect(expected.annulled).toBeGreaterThan(0);

    const feed = await db.select({ type: feedRecords.type, n: count() }).from(feedRecords).where(like(feedRecords.reference, 'SYN-%')).groupBy(feedRecords.type);
    const audit = (await db.select({ action: auditEvents.action, subjectId: auditEvents.subjectId, actor: auditEvents.actor }).from(auditEvents)).filter((a) => byId.has(a.subjectId));
    const feedN = Object.fromEntries(feed.map((f) => [f.type, Number(f.n)]));
    expect(feedN).toEqual({ award: N - expected.corrected, correction: expected.corrected, annulment: expected.annulled });
    const actions = (name: string) => audit.filter((a) => a.action === name).length;
    expect([actions('diploma.awarded'), actions('diploma.corrected'), actions('diploma.annulled')]).toEqual([feedN.award, feedN.correction, feedN.annulment]);
    const firstAward = firstOf('award');
    expect(audit.find((a) => a.subjectId === synthDiplomaId(SEED, firstAward.record.reference))?.actor).toBe(`institution:${brinOf(firstAward)}`);
    const [summary] = await db.select({ n: count() }).from(auditEvents).where(eq(auditEvents.action, 'register.synthesized'));
    expect(Number(summary!.n)).toBe(2); // one per run that added diplomas
  });

  it('stores holders under the service pseudonym, never a BSN', async () => {
    const { db } = getDb();
    const people = [...new Map(planned.map((p) => [p.serial, p.person])).entries()];
    for (const [serial, person] of people.filter((_, i) => i % 37 === 0)) {
      const [h] = await db.select().from(holders).where(eq(holders.subjectId, await subjectIdForBsn(TEST_PSEUDONYM_SECRET, person.bsn)));
      expect(h).toMatchObject({ id: synthHolderId(SEED, serial), givenNames: person.holder.givenNames, familyName: person.holder.familyName, birthDate: person.holder.birthDate });
    }
    const rows = await db.select().from(holders);
    const bsnLike = rows.flatMap((r) => Object.values(r)).filter((v) => typeof v === 'string' && /^[0-9]{9}$/.test(v));
    expect(bsnLike).toEqual([]);
    const text = JSON.stringify(rows);
    const standalone = standaloneNineDigits(text);
    expect(people.filter(([, person]) => standalone.has(person.bsn)).length).toBe(0);
  });

  it('is recognised by the feed: the same records again are "unchanged", and a correction works', async () => {
    const { db } = getDb();
    for (const type of ['award', 'correction', 'annulment'] as const) {
      const p = firstOf(type);
      const [result] = await applyRecords(db, { brin: brinOf(p), pseudonymSecret: TEST_PSEUDONYM_SECRET, now: new Date(TEST_NOW) }, [feedRecordSchema.parse(p.record)]);
      const target = p.record.type === 'annulment' ? p.record.annuls : p.record.reference;
      expect(result).toMatchObject({ ok: true, outcome: { status: 'unchanged', diplomaId: synthDiplomaId(SEED, target) } });
    }
    const award = planned.find((p) => p.record.type === 'award' && !planned.some((q) => q.record.type !== 'award' && (q.record as { corrects?: string; annuls?: string }).corrects === p.record.reference))!;
    const record = feedRecordSchema.parse({ ...award.record, type: 'correction', reference: 'T-SYNTH-CORR-1', corrects: award.record.reference });
    const [result] = await applyRecords(db, { brin: brinOf(award), pseudonymSecret: TEST_PSEUDONYM_SECRET, now: new Date(TEST_NOW) }, [record]);
    expect(result).toMatchObject({ ok: true, outcome: { status: 'created', type: 'correction' } });
    const [old] = await db.select({ state: diplomas.state }).from(diplomas).where(eq(diplomas.id, synthDiplomaId(SEED, award.record.reference)));
    expect(old?.state).toBe('corrected');
  });
});

describe('db:synth across database kinds', () => {
  it('gives the same rows on PGlite and PostgreSQL', (ctx) => {
    if (snapshots.size < 2) ctx.skip();
    expect(snapshots.get('pglite')).toBe(snapshots.get('postgres'));
  });
});

describe('npm run db:synth (CLI)', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'synth-cli-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  // never the developer's database: a throw-away PGlite directory, no DATABASE_URL
  const run = (args: string[], via: 'npx' | 'node' = 'node') =>
    spawnSync(via, [...(via === 'npx' ? ['tsx'] : ['--import', 'tsx']), 'db/synth.ts', ...args], {
      cwd: root,
      encoding: 'utf8',
      env: { ...process.env, DATABASE_URL: '', TEST_DATABASE_URL: '', PGLITE_DATA_DIR: join(dir, 'pglite'), KEYS_DIR: join(dir, 'keys'), PSEUDONYM_SECRET: TEST_PSEUDONYM_SECRET },
    });

  it('rejects a bad --diplomas with exit code 2 and says what it wants', () => {
    const res = run(['--diplomas', 'abc'], 'npx');
    expect(res.status).toBe(2);
    expect(res.stderr).toContain('--diplomas must be a whole number from 1 to');
    expect(res.stderr).toContain('"abc"');
    expect(res.stderr).toContain('usage: npm run db:synth');
  });

  it('rejects unknown options, a zero batch, a missing --diplomas', () => {
    for (const [args, message] of [
      [['--diplomas', '10', '--sed', '3'], 'unknown option: --sed'],
      [['--diplomas', '10', '--batch', '0'], '--batch must be a whole number'],
      [['--seed', '3'], '--diplomas <N> is required'],
    ] as const) {
      const res = run([...args]);
      expect(res.status, args.join(' ')).toBe(2);
      expect(res.stderr).toContain(message);
    }
  });

  it('prints usage for --help', () => {
    const res = run(['--help']);
    expect(res.status).toBe(0);
    expect(res.stdout).toContain('--diplomas N');
  });

  it('loads a small register with a progress line and a summary', { timeout: 120_000 }, () => {
    const res = run(['--diplomas', '120', '--seed', '3', '--batch', '50']);
    expect(res.stderr).toContain('120/120 100.0%');
    expect(res.status).toBe(0);
    expect(res.stdout).toMatch(/^synthesized 120 diplomas, \d+ holders .* in [0-9.]+ s, [0-9,]+ diplomas\/s/);
    expect(existsSync(join(dir, 'keys'))).toBe(false); // the secret came from the environment
  });
});
