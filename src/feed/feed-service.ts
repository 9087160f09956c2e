// Applying institution records to the register: award, correction (supersedes, keeps history) and
// annulment. Idempotent on (institution, reference): the same record again is "unchanged", a
// different record under a used reference is a conflict. A rejected record writes nothing.
//
// A batch (one record, or up to 10,000 from the bulk endpoint) is applied in three steps: read what
// the batch touches in a few set queries, decide every record in memory in order (a later record
// may correct an earlier one), then write all accepted changes in multi-row statements in one
// transaction. Feed writes of one institution are serialised by an advisory lock.
import { and, eq, inArray, sql } from 'drizzle-orm';
import { auditEvents, diplomas, feedRecords, holders, institutions, programmes } from '../../db/schema.ts';
import type { Database, Tx } from '../database.ts';
import { AppError, type FieldError, problems } from '../errors.ts';
import { codeTypeForSector, kindsBySector, registerStartBySector, type Sector } from '../domain/codes.ts';
import { subjectIdForBsn } from '../domain/pseudonym.ts';
import { sha256Hex } from '../lib/bytes.ts';
import { canonicalJson } from '../lib/canonical-json.ts';
import { isUniqueViolation } from '../lib/db-errors.ts';
import { fingerprintSource } from './record-fingerprint.ts';
import { revokeExtractsOfDiplomas } from '../extracts/extract-status.ts';
import type { AwardRecord, CorrectionRecord, FeedOutcome, FeedRecord } from './schemas.ts';

export interface FeedContext {
  /** the institution the API key belongs to */
  brin: string;
  pseudonymSecret: string;
  now: Date;
  requestId?: string;
}

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
  const subjectIds = await Promise.all(records.map((r) => (r.type === 'annulment' ? undefined : subjectIdForBsn(ctx.pseudonymSecret, r.holder.bsn))));
  const hashes = await Promise.all(records.map((r, i) => sha256Hex(canonicalJson(fingerprintSource(r, subjectIds[i])))));
  for (let attempt = 0; ; attempt++) {
    try {
      return await db.transaction(async (tx) => {
        await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${`feed:${ctx.brin}`}))`);
        const plan = new BatchPlan(ctx, await loadView(tx, ctx.brin, records, subjectIds));
        const results = records.map((record, i) => plan.apply(record, hashes[i]!, subjectIds[i]));
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
}
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
          .select({ id: holders.id, subjectId: holders.subjectId, givenNames: holders.givenNames, prefix: holders.prefix, familyName: holders.familyName, birthDate: holders.birthDate })
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
  private readonly holderUpdates = new Map<string, Omit<KnownHolder, 'id'>>();
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
        throw new AppError({
          code: 'REFERENCE_CONFLICT',
          status: 409,
          title: 'Reference already used for a different record',
          detail: `Reference ${record.reference} was received before with other content. Send a correction with a new reference to change a diploma.`,
          extra: { reference: record.reference },
        });
      }
      const state = this.view.diplomasById.get(seen.diplomaId)?.state ?? 'valid';
      return { status: 'unchanged', type: seen.type, reference: record.reference, diplomaId: seen.diplomaId, diplomaState: state };
    }
    switch (record.type) {
      case 'award': {
        const id = this.addDiploma(record, subjectId!);
        this.remember(record, recordHash, id, 'diploma.awarded', id, { reference: record.reference });
        return { status: 'created', type: 'award', reference: record.reference, diplomaId: id, diplomaState: 'valid' };
      }
      case 'correction': {
        const target = this.currentDiploma(record.corrects, '/corrects');
        const id = this.addDiploma(record, subjectId!);
        target.state = 'corrected';
        this.stateChanges.set(target.id, { state: 'corrected', supersededBy: id, updatedAt: this.ctx.now });
        this.remember(record, recordHash, id, 'diploma.corrected', target.id, { reference: record.corrects, supersededBy: id, supersededByReference: record.reference });
        return { status: 'created', type: 'correction', reference: record.reference, diplomaId: id, diplomaState: 'valid' };
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
    throw new AppError({
      code: annulled ? 'DIPLOMA_ANNULLED' : 'DIPLOMA_SUPERSEDED',
      status: 409,
      title: annulled ? 'The diploma is annulled' : 'The diploma was already corrected',
      detail: annulled
        ? `Diploma ${reference} is annulled; it cannot be changed any more.`
        : `Diploma ${reference} was superseded by a correction; send changes against the current version.`,
      extra: { reference, state: target.state },
    });
  }

  /** Checks an award or correction against the register; plans the diploma (and holder) rows. */
  private addDiploma(record: AwardRecord | CorrectionRecord, subjectId: string): string {
    const { ctx, view } = this;
    if (record.institution.brin !== ctx.brin) {
      throw new AppError({
        code: 'INSTITUTION_NOT_ALLOWED',
        status: 403,
        title: 'Not your institution',
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
    this.diplomaInserts.push({
      id,
      institutionId: institution.id,
      programmeId: programme.id,
      holderId: this.planHolder(subjectId, record.holder),
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
    return id;
  }

  private planHolder(subjectId: string, holder: AwardRecord['holder']): string {
    const values = { givenNames: holder.givenNames, prefix: holder.prefix || null, familyName: holder.familyName, birthDate: holder.birthDate };
    const known = this.view.holders.get(subjectId);
    if (!known) {
      const id = crypto.randomUUID();
      this.view.holders.set(subjectId, { id, ...values });
      this.holderInserts.set(id, { id, subjectId, ...values, createdAt: this.ctx.now, updatedAt: this.ctx.now });
      return id;
    }
    const changed = (Object.keys(values) as (keyof typeof values)[]).filter((k) => known[k] !== values[k]);
    if (changed.length) {
      Object.assign(known, values);
      const pending = this.holderInserts.get(known.id);
      if (pending) Object.assign(pending, values);
      else {
        this.holderUpdates.set(known.id, values);
        this.audit.push({ actor: `institution:${this.ctx.brin}`, action: 'holder.updated', subjectType: 'holder', subjectId: known.id, data: { fields: changed }, requestId: this.ctx.requestId, at: this.ctx.now });
      }
    }
    return known.id;
  }

  async write(tx: Tx): Promise<void> {
    for (const rows of chunks([...this.holderInserts.values()], 1000)) await tx.insert(holders).values(rows);
    for (const [id, values] of this.holderUpdates) await tx.update(holders).set({ ...values, updatedAt: this.ctx.now }).where(eq(holders.id, id));
    for (const rows of chunks(this.diplomaInserts, 1000)) await tx.insert(diplomas).values(rows);
    for (const [id, change] of this.stateChanges) await tx.update(diplomas).set(change).where(eq(diplomas.id, id));
    await revokeExtractsOfDiplomas(
      tx,
      [...this.stateChanges].map(([diplomaId, change]) => ({ diplomaId, newState: change.state === 'annulled' ? ('revoked' as const) : ('superseded' as const) })),
      `institution:${this.ctx.brin}`,
      this.ctx.now,
      this.ctx.requestId,
    );
    for (const rows of chunks(this.feedInserts, 2000)) await tx.insert(feedRecords).values(rows);
    for (const rows of chunks(this.audit, 2000)) await tx.insert(auditEvents).values(rows);
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
  const fail = (pointer: string, code: string, detail: string) => errors.push({ pointer, code, detail });
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
