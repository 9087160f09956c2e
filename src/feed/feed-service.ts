// Applying institution records to the register: award, correction (supersedes, keeps history) and
// annulment. Idempotent on (institution, reference): the same record again is "unchanged", a
// different record under a used reference is a conflict. A rejected record writes nothing.
//
// A batch (one record, or up to 10,000 from the bulk endpoint) is applied in chunks that each take
// tens of milliseconds, in order, each in its own transaction, in three steps: read what the chunk
// touches in a few set queries, decide every record in memory in order (a later record may correct
// an earlier one), then write all accepted changes in multi-row statements. A later chunk reads
// what the earlier ones committed, so a record may refer to any earlier record of the batch, and a
// reference sent twice is "unchanged" (or a conflict) the second time, in whichever chunk it is.
// Feed writes of one institution are serialised by an advisory lock, per chunk.
//
// An institution reports its own diplomas: its record may correct the name or birth date of a
// holder only while no other institution reports on that holder. Otherwise the holder stays as
// they are, the diploma keeps the name as reported, and the difference is flagged for review
// (identity_reviews) with the warning HOLDER_IDENTITY_DIFFERS in the record's result.
import { and, eq, inArray, sql } from 'drizzle-orm';
import { auditEvents, diplomas, feedRecords, holders, identityReviews, institutions, programmes } from '../../db/schema.ts';
import type { Database, Tx } from '../database.ts';
import { AppError, type FieldCode, type FieldError, problems } from '../errors.ts';
import { codeTypeForSector, kindsBySector, registerStartBySector, type Sector } from '../domain/codes.ts';
import { pseudonymKey, subjectIdForBsn } from '../domain/pseudonym.ts';
import { sha256Hex } from '../lib/bytes.ts';
import { canonicalJson } from '../lib/canonical-json.ts';
import { isUniqueViolation } from '../lib/db-errors.ts';
import { fingerprintSource } from './record-fingerprint.ts';
import { inSlices, nextTurn } from './bulk-lines.ts';
import { revokeExtractsOfDiplomas } from '../extracts/extract-status.ts';
import type { AwardRecord, CorrectionRecord, FeedOutcome, FeedRecord, FeedWarning } from './schemas.ts';

export interface FeedContext {
  /** the institution the API key belongs to */
  brin: string;
  pseudonymSecret: string;
  now: Date;
  requestId?: string;
}

/** records fingerprinted or decided between two turns of the event loop */
const DECIDE_SLICE = 250;
/** rows per insert statement: building one is synchronous work, so it stays small */
const WRITE_CHUNK = 250;
/**
 * How long one transaction may hold the database. PGlite has one connection: while a transaction
 * is open every other query (/health's too) waits for it; a whole 10,000-record bulk in one
 * transaction held it for 3–5 s. Chunks are sized from the time the previous one took (100 new
 * awards take ~25–40 ms on PGlite, more on a loaded machine; the first ones are slower), growing
 * at most twofold from one chunk to the next, within these bounds.
 */
const COMMIT_TARGET_MS = 30;
const COMMIT_CHUNK = { first: 25, min: 20, max: 1000 };

export type RecordResult = { ok: true; outcome: FeedOutcome } | { ok: false; error: AppError };
type DiplomaState = 'valid' | 'corrected' | 'annulled';

/** Applies one record; throws its problem if it is rejected. */
export async function applyRecord(db: Database | Tx, ctx: FeedContext, record: FeedRecord): Promise<FeedOutcome> {
  const [result] = await applyRecords(db, ctx, [record]);
  if (!result!.ok) throw result!.error;
  return result!.outcome;
}

/** Applies records in order; one result per record. Only unexpected failures throw. */
export async function applyRecords(db: Database | Tx, ctx: FeedContext, records: FeedRecord[]): Promise<RecordResult[]> {
  if (!records.length) return [];
  const pseudonyms = await pseudonymKey(ctx.pseudonymSecret);
  // 10,000 records are too much to pseudonymise, fingerprint and decide in one turn of the event
  // loop (starting 10,000 Web Crypto operations alone takes ~100 ms): a slice at a time
  const subjectIds: (string | undefined)[] = [];
  const hashes: string[] = [];
  for (let i = 0; i < records.length; i += DECIDE_SLICE) {
    const slice = records.slice(i, i + DECIDE_SLICE);
    const ids = await Promise.all(slice.map((r) => (r.type === 'annulment' ? undefined : subjectIdForBsn(pseudonyms, r.holder.bsn))));
    hashes.push(...(await Promise.all(slice.map((r, j) => sha256Hex(canonicalJson(fingerprintSource(r, ids[j])))))));
    subjectIds.push(...ids);
  }
  const results: RecordResult[] = [];
  let size = COMMIT_CHUNK.first;
  for (let start = 0; start < records.length; ) {
    if (start) await nextTurn(); // lets the requests waiting meanwhile reach the database first
    const end = Math.min(records.length, start + size);
    const began = performance.now(); // wall time: in workerd the clock moves across I/O, which a transaction is made of
    results.push(...(await applyChunk(db, ctx, records.slice(start, end), hashes.slice(start, end), subjectIds.slice(start, end))));
    const fitting = Math.round(((end - start) * COMMIT_TARGET_MS) / Math.max(1, performance.now() - began));
    size = Math.max(COMMIT_CHUNK.min, Math.min(COMMIT_CHUNK.max, 2 * size, fitting));
    start = end;
  }
  return results;
}

/** One transaction: the chunk's records applied in order against what is committed so far. */
async function applyChunk(db: Database | Tx, ctx: FeedContext, records: FeedRecord[], hashes: string[], subjectIds: (string | undefined)[]): Promise<RecordResult[]> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await db.transaction(async (tx) => {
        await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${`feed:${ctx.brin}`}))`);
        const plan = new BatchPlan(ctx, await loadView(tx, ctx.brin, records, subjectIds));
        const results: RecordResult[] = [];
        await inSlices(records, () => 0, (record, i) => results.push(plan.apply(record, hashes[i]!, subjectIds[i])), DECIDE_SLICE);
        await plan.write(tx);
        return results;
      });
    } catch (err) {
      // another institution's batch created one of our new holders meanwhile (the advisory lock is
      // per institution): plan again, this time finding that holder
      if (!isUniqueViolation(err) || attempt >= 2) throw err;
    }
  }
}

// ---------------------------------------------------------------------------------------------
// What the batch needs to know of the register

interface KnownDiploma {
  id: string;
  state: DiplomaState;
}
interface KnownHolder {
  id: string;
  givenNames: string;
  prefix: string | null;
  familyName: string;
  birthDate: string;
  /** another institution has diplomas of this holder: this one's records do not rewrite them */
  reportedByOthers: boolean;
}
type HolderIdentity = Omit<KnownHolder, 'id' | 'reportedByOthers'>;
const identityFields = ['givenNames', 'prefix', 'familyName', 'birthDate'] as const;
interface RegisterView {
  institutions: Map<string, { id: number; sector: Sector }>; // by location
  programmes: Map<string, typeof programmes.$inferSelect>; // by codeType:code
  feed: Map<string, { type: FeedOutcome['type']; recordHash: string; diplomaId: string }>;
  diplomas: Map<string, KnownDiploma>; // by reference
  diplomasById: Map<string, KnownDiploma>;
  holders: Map<string, KnownHolder>; // by subject id
}

async function loadView(tx: Tx, brin: string, records: FeedRecord[], subjectIds: (string | undefined)[]): Promise<RegisterView> {
  const refs = [...new Set(records.flatMap((r) => [r.reference, ...(r.type === 'correction' ? [r.corrects] : r.type === 'annulment' ? [r.annuls] : [])]))];
  const subjects = [...new Set(subjectIds.filter((s): s is string => !!s))];
  const programmeCodes = [...new Set(records.flatMap((r) => (r.type === 'annulment' ? [] : [r.programme.code])))];
  const [instRows, progRows, feedRows, diplomaRows, holderRows] = await Promise.all([
    tx.select({ id: institutions.id, location: institutions.location, sector: institutions.sector }).from(institutions).where(eq(institutions.brin, brin)),
    programmeCodes.length ? tx.select().from(programmes).where(inArray(programmes.code, programmeCodes)) : [],
    refs.length
      ? tx
          .select({ reference: feedRecords.reference, type: feedRecords.type, recordHash: feedRecords.recordHash, diplomaId: feedRecords.diplomaId })
          .from(feedRecords)
          .where(and(eq(feedRecords.brin, brin), inArray(feedRecords.reference, refs)))
      : [],
    refs.length
      ? tx
          .select({ id: diplomas.id, reference: diplomas.reference, state: diplomas.state })
          .from(diplomas)
          .innerJoin(institutions, eq(institutions.id, diplomas.institutionId))
          .where(and(eq(institutions.brin, brin), inArray(diplomas.reference, refs)))
      : [],
    subjects.length
      ? tx
          .select({
            id: holders.id,
            subjectId: holders.subjectId,
            givenNames: holders.givenNames,
            prefix: holders.prefix,
            familyName: holders.familyName,
            birthDate: holders.birthDate,
            reportedByOthers: sql<boolean>`exists (select 1 from ${diplomas} d join ${institutions} i on i.id = d.institution_id where d.holder_id = "holders"."id" and i.brin <> ${brin})`,
          })
          .from(holders)
          .where(inArray(holders.subjectId, subjects))
      : [],
  ]);
  const known = diplomaRows.map((r) => ({ reference: r.reference, diploma: { id: r.id, state: r.state } as KnownDiploma }));
  return {
    institutions: new Map(instRows.map((r) => [r.location, { id: r.id, sector: r.sector as Sector }])),
    programmes: new Map(progRows.map((p) => [`${p.codeType}:${p.code}`, p])),
    feed: new Map(feedRows.map((r) => [r.reference, r])),
    diplomas: new Map(known.map((k) => [k.reference, k.diploma])),
    diplomasById: new Map(known.map((k) => [k.diploma.id, k.diploma])),
    holders: new Map(holderRows.map(({ subjectId, ...h }) => [subjectId, h])),
  };
}

// ---------------------------------------------------------------------------------------------
// Deciding, in memory, and collecting the writes

class BatchPlan {
  private readonly diplomaInserts: (typeof diplomas.$inferInsert)[] = [];
  private readonly holderInserts = new Map<string, typeof holders.$inferInsert>();
  private readonly holderUpdates = new Map<string, HolderIdentity>();
  private readonly reviews: (typeof identityReviews.$inferInsert)[] = [];
  private readonly stateChanges = new Map<string, Partial<typeof diplomas.$inferInsert>>();
  private readonly feedInserts: (typeof feedRecords.$inferInsert)[] = [];
  private readonly audit: (typeof auditEvents.$inferInsert)[] = [];

  constructor(private readonly ctx: FeedContext, private readonly view: RegisterView) {}

  apply(record: FeedRecord, recordHash: string, subjectId: string | undefined): RecordResult {
    try {
      return { ok: true, outcome: this.decide(record, recordHash, subjectId) };
    } catch (err) {
      if (err instanceof AppError) return { ok: false, error: err };
      throw err;
    }
  }

  private decide(record: FeedRecord, recordHash: string, subjectId: string | undefined): FeedOutcome {
    const seen = this.view.feed.get(record.reference);
    if (seen) {
      if (seen.recordHash !== recordHash) {
        throw new AppError('REFERENCE_CONFLICT', {
          detail: `Reference ${record.reference} was received before with other content. Send a correction with a new reference to change a diploma.`,
          extra: { reference: record.reference },
        });
      }
      const state = this.view.diplomasById.get(seen.diplomaId)?.state ?? 'valid';
      return { status: 'unchanged', type: seen.type, reference: record.reference, diplomaId: seen.diplomaId, diplomaState: state };
    }
    switch (record.type) {
      case 'award': {
        const { id, warnings } = this.addDiploma(record, subjectId!);
        this.remember(record, recordHash, id, 'diploma.awarded', id, { reference: record.reference });
        return { status: 'created', type: 'award', reference: record.reference, diplomaId: id, diplomaState: 'valid', ...warnings };
      }
      case 'correction': {
        const target = this.currentDiploma(record.corrects, '/corrects');
        const { id, warnings } = this.addDiploma(record, subjectId!);
        target.state = 'corrected';
        this.stateChanges.set(target.id, { state: 'corrected', supersededBy: id, updatedAt: this.ctx.now });
        this.remember(record, recordHash, id, 'diploma.corrected', target.id, { reference: record.corrects, supersededBy: id, supersededByReference: record.reference });
        return { status: 'created', type: 'correction', reference: record.reference, diplomaId: id, diplomaState: 'valid', ...warnings };
      }
      case 'annulment': {
        const target = this.currentDiploma(record.annuls, '/annuls');
        target.state = 'annulled';
        this.stateChanges.set(target.id, { state: 'annulled', annulledAt: this.ctx.now, annulmentReason: record.reason, updatedAt: this.ctx.now });
        this.remember(record, recordHash, target.id, 'diploma.annulled', target.id, { reference: record.annuls, annulmentReference: record.reference });
        return { status: 'created', type: 'annulment', reference: record.reference, diplomaId: target.id, diplomaState: 'annulled' };
      }
    }
  }

  private remember(record: FeedRecord, recordHash: string, diplomaId: string, action: string, subjectId: string, data: Record<string, unknown>) {
    this.view.feed.set(record.reference, { type: record.type, recordHash, diplomaId });
    this.feedInserts.push({ brin: this.ctx.brin, reference: record.reference, type: record.type, recordHash, diplomaId, receivedAt: this.ctx.now });
    this.audit.push({ actor: `institution:${this.ctx.brin}`, action, subjectType: 'diploma', subjectId, data, requestId: this.ctx.requestId, at: this.ctx.now });
  }

  private currentDiploma(reference: string, pointer: string): KnownDiploma {
    const target = this.view.diplomas.get(reference);
    if (!target) {
      throw problems.validation([{ pointer, code: 'REFERENCE_UNKNOWN', detail: `No diploma of this institution has reference ${reference}.` }]);
    }
    if (target.state === 'valid') return target;
    const annulled = target.state === 'annulled';
    throw new AppError(annulled ? 'DIPLOMA_ANNULLED' : 'DIPLOMA_SUPERSEDED', {
      detail: annulled
        ? `Diploma ${reference} is annulled; it cannot be changed any more.`
        : `Diploma ${reference} was superseded by a correction; send changes against the current version.`,
      extra: { reference, state: target.state },
    });
  }

  /** Checks an award or correction against the register; plans the diploma (and holder) rows. */
  private addDiploma(record: AwardRecord | CorrectionRecord, subjectId: string): { id: string; warnings?: { warnings: FeedWarning[] } } {
    const { ctx, view } = this;
    if (record.institution.brin !== ctx.brin) {
      throw new AppError('INSTITUTION_NOT_ALLOWED', {
        detail: `This API key reports for ${ctx.brin}, not ${record.institution.brin}.`,
      });
    }
    const institution = view.institutions.get(record.institution.location);
    if (!institution) {
      throw problems.validation([{ pointer: '/institution/location', code: 'INSTITUTION_UNKNOWN', detail: `Location ${record.institution.location} of ${record.institution.brin} is not in the register.` }]);
    }
    const sector = institution.sector;
    const codeType = codeTypeForSector(sector);
    const programme = view.programmes.get(`${codeType}:${record.programme.code}`);
    const errors = diplomaRuleViolations(record, sector, programme, ctx.now);
    if (errors.length || !programme) throw problems.validation(errors);

    const id = crypto.randomUUID();
    const holder = this.planHolder(subjectId, record.holder);
    const reported = holder.differs
      ? { reportedGivenNames: holder.reported.givenNames, reportedPrefix: holder.reported.prefix, reportedFamilyName: holder.reported.familyName, reportedBirthDate: holder.reported.birthDate }
      : {};
    this.diplomaInserts.push({
      id,
      institutionId: institution.id,
      programmeId: programme.id,
      holderId: holder.id,
      ...reported,
      reference: record.reference,
      kind: record.kind,
      profile: record.programme.profile ?? null,
      awardDate: record.awardDate,
      nlqf: programme.nlqf,
      eqf: programme.eqf,
      grades: record.grades ?? null,
      createdAt: ctx.now,
      updatedAt: ctx.now,
    });
    const planned: KnownDiploma = { id, state: 'valid' };
    view.diplomas.set(record.reference, planned);
    view.diplomasById.set(id, planned);
    if (!holder.differs) return { id };
    this.reviews.push({ diplomaId: id, holderId: holder.id, reportedBy: ctx.brin, fields: holder.differs, createdAt: ctx.now });
    this.audit.push({
      actor: `institution:${ctx.brin}`,
      action: 'diploma.holder_identity_differs',
      subjectType: 'diploma',
      subjectId: id,
      data: { holderId: holder.id, fields: holder.differs },
      requestId: ctx.requestId,
      at: ctx.now,
    });
    const warning: FeedWarning = {
      code: 'HOLDER_IDENTITY_DIFFERS',
      detail: `The register knows this holder with another ${holder.differs.map(fieldWords).join(', ')} from other institutions' diplomas. This diploma keeps the holder as you reported them and is flagged for review; the holder's other diplomas are unchanged.`,
      fields: holder.differs,
    };
    return { id, warnings: { warnings: [warning] } };
  }

  /**
   * The holder of a new diploma: created, found, or corrected by the institution that alone
   * reports on them. `differs`: the record names a holder other institutions know otherwise.
   */
  private planHolder(subjectId: string, holder: AwardRecord['holder']): { id: string; differs?: (keyof HolderIdentity)[]; reported: HolderIdentity } {
    const values: HolderIdentity = { givenNames: holder.givenNames, prefix: holder.prefix || null, familyName: holder.familyName, birthDate: holder.birthDate };
    const known = this.view.holders.get(subjectId);
    if (!known) {
      const id = crypto.randomUUID();
      this.view.holders.set(subjectId, { id, ...values, reportedByOthers: false });
      this.holderInserts.set(id, { id, subjectId, ...values, createdAt: this.ctx.now, updatedAt: this.ctx.now });
      return { id, reported: values };
    }
    const changed = identityFields.filter((k) => known[k] !== values[k]);
    if (changed.length && known.reportedByOthers) return { id: known.id, differs: [...changed], reported: values };
    if (changed.length) {
      Object.assign(known, values);
      const pending = this.holderInserts.get(known.id);
      if (pending) Object.assign(pending, values);
      else {
        this.holderUpdates.set(known.id, values);
        this.audit.push({ actor: `institution:${this.ctx.brin}`, action: 'holder.updated', subjectType: 'holder', subjectId: known.id, data: { fields: changed }, requestId: this.ctx.requestId, at: this.ctx.now });
      }
    }
    return { id: known.id, reported: values };
  }

  async write(tx: Tx): Promise<void> {
    for (const rows of chunks([...this.holderInserts.values()], WRITE_CHUNK)) await tx.insert(holders).values(rows);
    for (const [id, values] of this.holderUpdates) await tx.update(holders).set({ ...values, updatedAt: this.ctx.now }).where(eq(holders.id, id));
    for (const rows of chunks(this.diplomaInserts, WRITE_CHUNK)) await tx.insert(diplomas).values(rows);
    for (const [id, change] of this.stateChanges) await tx.update(diplomas).set(change).where(eq(diplomas.id, id));
    await revokeExtractsOfDiplomas(
      tx,
      [...this.stateChanges].map(([diplomaId, change]) => ({ diplomaId, newState: change.state === 'annulled' ? ('revoked' as const) : ('superseded' as const) })),
      `institution:${this.ctx.brin}`,
      this.ctx.now,
      this.ctx.requestId,
    );
    for (const rows of chunks(this.reviews, WRITE_CHUNK)) await tx.insert(identityReviews).values(rows);
    for (const rows of chunks(this.feedInserts, WRITE_CHUNK)) await tx.insert(feedRecords).values(rows);
    for (const rows of chunks(this.audit, WRITE_CHUNK)) await tx.insert(auditEvents).values(rows);
  }
}

/** The register's rules for a diploma record (the schema has checked the formats already). */
export function diplomaRuleViolations(
  record: AwardRecord | CorrectionRecord,
  sector: Sector,
  programme: { code: string; sector: string; profiles: { code: string }[] } | undefined,
  now: Date,
): FieldError[] {
  const errors: FieldError[] = [];
  const fail = (pointer: string, code: FieldCode, detail: string) => errors.push({ pointer, code, detail });
  if (!programme || programme.sector !== sector) {
    fail('/programme/code', 'PROGRAMME_UNKNOWN', `${record.programme.code} is not a known ${codeTypeForSector(sector).toUpperCase()} programme for the ${sector} sector.`);
  } else {
    const profileCodes = programme.profiles.map((p) => p.code);
    if (record.programme.profile && !profileCodes.includes(record.programme.profile)) {
      fail('/programme/profile', 'PROFILE_UNKNOWN', `${programme.code} has profiles ${profileCodes.join(', ') || '(none)'}.`);
    } else if (!record.programme.profile && profileCodes.length && record.kind === 'diploma') {
      fail('/programme/profile', 'PROFILE_REQUIRED', `A ${programme.code} diploma names its profile: ${profileCodes.join(', ')}.`);
    }
  }
  if (!kindsBySector[sector].includes(record.kind)) {
    fail('/kind', 'KIND_NOT_FOR_SECTOR', `The ${sector} sector awards ${kindsBySector[sector].join(', ')}.`);
  }
  const today = now.toISOString().slice(0, 10);
  if (record.awardDate > today) fail('/awardDate', 'AWARD_DATE_IN_FUTURE', 'The award date lies in the future.');
  if (record.awardDate < registerStartBySector[sector]) {
    fail('/awardDate', 'AWARD_DATE_BEFORE_REGISTER', `The register holds ${sector} diplomas from ${registerStartBySector[sector]}.`);
  }
  if (record.holder.birthDate > addYears(record.awardDate, -10)) {
    fail('/holder/birthDate', 'BIRTH_DATE_IMPLAUSIBLE', 'The holder must have been at least 10 years old on the award date.');
  }
  if (record.holder.birthDate < '1900-01-01') fail('/holder/birthDate', 'BIRTH_DATE_IMPLAUSIBLE', 'Birth dates start in 1900.');
  if (sector === 'vo' && record.kind === 'diploma' && !record.grades) fail('/grades', 'GRADES_REQUIRED', 'A vo diploma carries its grade list.');
  if (sector !== 'vo' && record.grades) fail('/grades', 'GRADES_NOT_FOR_SECTOR', 'Only vo diplomas carry a grade list.');
  const seen = new Set<string>();
  record.grades?.forEach((g, i) => {
    if (seen.has(g.subjectCode)) fail(`/grades/${i}/subjectCode`, 'SUBJECT_DUPLICATE', `${g.subjectCode} appears twice.`);
    seen.add(g.subjectCode);
  });
  return errors;
}

const fieldWords = (field: string) => ({ givenNames: 'given names', prefix: 'prefix', familyName: 'family name', birthDate: 'birth date' })[field] ?? field;

function addYears(isoDay: string, years: number): string {
  return `${String(Number(isoDay.slice(0, 4)) + years).padStart(4, '0')}${isoDay.slice(4)}`;
}

function* chunks<T>(items: T[], size: number): Generator<T[]> {
  for (let i = 0; i < items.length; i += size) yield items.slice(i, i + size);
}

export interface FeedRecordStatus {
  reference: string;
  type: 'award' | 'correction' | 'annulment';
  receivedAt: string;
  diplomaId: string;
  diplomaState: DiplomaState;
  supersededBy?: string;
}

export async function recordStatus(db: Database, brin: string, reference: string): Promise<FeedRecordStatus | undefined> {
  const [row] = await db
    .select({ type: feedRecords.type, receivedAt: feedRecords.receivedAt, diplomaId: diplomas.id, state: diplomas.state, supersededBy: diplomas.supersededBy })
    .from(feedRecords)
    .innerJoin(diplomas, eq(diplomas.id, feedRecords.diplomaId))
    .where(and(eq(feedRecords.brin, brin), eq(feedRecords.reference, reference)));
  if (!row) return undefined;
  let supersededBy: string | undefined;
  if (row.supersededBy) {
    const [next] = await db.select({ reference: diplomas.reference }).from(diplomas).where(eq(diplomas.id, row.supersededBy));
    supersededBy = next?.reference;
  }
  return { reference, type: row.type, receivedAt: row.receivedAt.toISOString(), diplomaId: row.diplomaId, diplomaState: row.state, ...(supersededBy ? { supersededBy } : {}) };
}
