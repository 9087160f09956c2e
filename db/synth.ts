// npm run db:synth -- --diplomas N [--seed S] [--batch B]
//
// Fills the configured register (DATABASE_URL → PostgreSQL, else the PGlite data dir, as `npm start`)
// with a large, deterministic synthetic register: the people of db/demo/generate.ts from a high serial
// offset, references "SYN-<serial>-<n>", rows shaped exactly as the feed writes them (holders with
// pseudonymous subject ids, diplomas with the programme's levels, feed_records with the record hash,
// one audit event per record), but loaded in bulk: COPY on PostgreSQL, multi-row INSERTs on PGlite.
//
// Deterministic: the same seed and N give the same holders and diplomas, ids included (the serial's
// order, then SHA-256 of seed + reference: see orderedUuidFrom). Resumable: the register's SYN diplomas are taken as the first ones
// of the stream (checked), so a rerun adds only what is missing and a rerun of a complete load
// adds nothing. Each batch is one transaction.
import { createHmac, hash } from 'node:crypto';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { pathToFileURL } from 'node:url';
import { count, eq, like } from 'drizzle-orm';
import type { Sql, TransactionSql } from 'postgres';
import { auditEvents, diplomas, feedRecords, holders, institutions, programmes, type GradeLine } from './schema.ts';
import { isSeeded, seedReferenceData } from './seed.ts';
import { syntheticPerson, type SyntheticPerson } from './demo/generate.ts';
import type { OpenDatabase } from './open.ts';
import { codeTypeForSector, type Sector } from '../src/domain/codes.ts';
import type { AnnulmentRecord, AwardRecord, CorrectionRecord } from '../src/feed/schemas.ts';
import { fingerprintSource } from '../src/feed/record-fingerprint.ts';
import type { Database } from '../src/database.ts';

/** Fixed "today" of the generator, so the stream does not depend on the clock. */
export const SYNTH_TODAY = '2026-06-30';
/** Reference prefix of every synthetic record. */
export const SYNTH_PREFIX = 'SYN';
/**
 * First person serial; the demo seed uses serials from 0 (a few hundred), so the synthetic people
 * never share a BSN with the demo people.
 */
export const SYNTH_SERIAL_OFFSET = 1_000_000;
/** syntheticBsn makes "9" + 7-digit serial + check digit: serials must stay below 10,000,000. */
const LAST_SERIAL = 9_999_999;
/**
 * ~1.29 diplomas per serial: the 9 M serials give ~11.6 M diplomas, enough for the whole country
 * (10 M) with a margin.
 */
export const SYNTH_MAX_DIPLOMAS = 11_000_000;
export const SYNTH_DEFAULT_SEED = 1;
export const SYNTH_DEFAULT_BATCH = { postgres: 10_000, pglite: 2_000 } as const;

export interface SynthProgress {
  /** SYN diplomas in the register (present before + added) */
  done: number;
  /** the N asked for */
  total: number;
  /** added by this run so far */
  added: number;
  /** since this run started writing */
  elapsedMs: number;
}

export interface SynthOptions {
  diplomas: number;
  seed?: number;
  /** diplomas per transaction (a batch ends at a person boundary, so it may hold a few more) */
  batch?: number;
  pseudonymSecret: string;
  onProgress?: (p: SynthProgress) => void;
  /** time of the annulments (annulled_at); default: now */
  now?: Date;
}

export interface SynthResult {
  seed: number;
  total: number;
  /** SYN diplomas that were already present */
  existing: number;
  added: number;
  holders: number;
  feedRecords: number;
  auditEvents: number;
  batches: number;
  elapsedMs: number;
}

// ---------------------------------------------------------------------------------------------
// Pure helpers (exported for the tests)

/** The same value as subjectIdForBsn (src/domain/pseudonym.ts), synchronously. */
export function subjectIdSync(secret: string, bsn: string): string {
  return 'ps1_' + createHmac('sha256', secret).update(`bsn:${bsn}`).digest('base64url');
}

/** A v4-shaped UUID from the SHA-256 of `text`. */
export function uuidFrom(text: string): string {
  const h = hash('sha256', text, 'buffer');
  h[6] = (h[6]! & 0x0f) | 0x40;
  h[8] = (h[8]! & 0x3f) | 0x80;
  const x = h.toString('hex', 0, 16);
  return `${x.slice(0, 8)}-${x.slice(8, 12)}-${x.slice(12, 16)}-${x.slice(16, 20)}-${x.slice(20)}`;
}

/**
 * A v4-shaped UUID whose first 48 bits are `order` and whose other random bits come from the SHA-256
 * of `text`. Ids in the order of the stream keep each insert at the right edge of the primary-key
 * index (and of the indexes on holder_id and on the audit subject): at 10 M diplomas, ids spread at
 * random make every row touch pages far apart in indexes much larger than shared_buffers, and the
 * load slows down several times over (each first touch after a checkpoint also writes a full page
 * to the WAL). Looking a row up by id costs the same either way.
 */
export function orderedUuidFrom(order: number, text: string): string {
  const h = hash('sha256', text, 'buffer');
  h.writeUIntBE(order, 0, 6);
  h[6] = (h[6]! & 0x0f) | 0x40;
  h[8] = (h[8]! & 0x3f) | 0x80;
  const x = h.toString('hex', 0, 16);
  return `${x.slice(0, 8)}-${x.slice(8, 12)}-${x.slice(12, 16)}-${x.slice(16, 20)}-${x.slice(20)}`;
}

/** Stream order of a synthetic reference: SYN-<serial>-<step>[-C1] (others: none). */
function referenceOrder(reference: string): number | undefined {
  const m = /^SYN-([0-9]{1,8})-([1-9])(-C1)?$/.exec(reference);
  return m ? Number(m[1]) * 32 + Number(m[2]) * 2 + (m[3] ? 1 : 0) : undefined;
}

export const synthDiplomaId = (seed: number, reference: string) => {
  const text = `db:synth:${seed}:diploma:${reference}`;
  const order = referenceOrder(reference);
  return order === undefined ? uuidFrom(text) : orderedUuidFrom(order, text);
};
export const synthHolderId = (seed: number, serial: number) => orderedUuidFrom(serial, `db:synth:${seed}:holder:${serial}`);

/** The feed's record hash: SHA-256 (hex) of the canonical JSON of fingerprintSource(record). */
export function recordHash(record: unknown): string {
  return hash('sha256', fastCanonicalJson(record), 'hex');
}

/**
 * canonicalJson (src/lib/canonical-json.ts) for plain JSON data (no toJSON, no functions), without
 * the intermediate objects: the hot path of the load. The tests check it gives the same text.
 */
export function fastCanonicalJson(value: unknown): string {
  if (Array.isArray(value)) {
    let out = '[';
    for (let i = 0; i < value.length; i++) {
      if (i) out += ',';
      const v = value[i];
      out += v === undefined || typeof v === 'function' ? 'null' : fastCanonicalJson(v);
    }
    return out + ']';
  }
  if (value !== null && typeof value === 'object') {
    const o = value as Record<string, unknown>;
    const keys = Object.keys(o).sort();
    let out = '{';
    let first = true;
    for (const k of keys) {
      const v = o[k];
      if (v === undefined || typeof v === 'function') continue;
      out += (first ? '' : ',') + JSON.stringify(k) + ':' + fastCanonicalJson(v);
      first = false;
    }
    return out + '}';
  }
  return JSON.stringify(value);
}

/** The synthetic people of a seed, in order. */
export function* synthPeople(seed: number): Generator<{ serial: number; person: SyntheticPerson }> {
  for (let serial = SYNTH_SERIAL_OFFSET; serial <= LAST_SERIAL; serial++) {
    const person = syntheticPerson(seed, serial, SYNTH_TODAY, SYNTH_PREFIX);
    if (person) yield { serial, person };
  }
}

/** COPY text format: backslash, tab, newline and carriage return escaped; null as \N. */
export function copyField(value: string | number | null | undefined): string {
  if (value === null || value === undefined) return '\\N';
  const s = String(value);
  return /[\\\t\n\r]/.test(s) ? s.replace(/[\\\t\n\r]/g, (c) => (c === '\\' ? '\\\\' : c === '\t' ? '\\t' : c === '\n' ? '\\n' : '\\r')) : s;
}

// ---------------------------------------------------------------------------------------------
// Planning rows

interface HolderRow {
  id: string;
  subjectId: string;
  givenNames: string;
  prefix: string | null;
  familyName: string;
  birthDate: string;
}
interface DiplomaRow {
  id: string;
  institutionId: number;
  programmeId: number;
  holderId: string;
  reference: string;
  kind: AwardRecord['kind'];
  profile: string | null;
  awardDate: string;
  nlqf: string;
  eqf: number;
  grades: GradeLine[] | null;
  state: 'valid' | 'corrected' | 'annulled';
  supersededBy: string | null;
  annulledAt: Date | null;
  annulmentReason: string | null;
}
interface FeedRow {
  brin: string;
  reference: string;
  type: 'award' | 'correction' | 'annulment';
  recordHash: string;
  diplomaId: string;
}
interface AuditRow {
  actor: string;
  action: string;
  subjectType: string;
  subjectId: string;
  data: Record<string, unknown>;
}
/** a correction of a diploma written by an earlier run (only where a run resumes mid-person) */
interface StateUpdate {
  id: string;
  supersededBy: string;
}

interface Batch {
  holders: HolderRow[];
  diplomas: DiplomaRow[];
  updates: StateUpdate[];
  feed: FeedRow[];
  audit: AuditRow[];
}
const emptyBatch = (): Batch => ({ holders: [], diplomas: [], updates: [], feed: [], audit: [] });

interface Lookups {
  institutions: Map<string, { id: number; sector: Sector }>; // brin:location
  programmes: Map<string, { id: number; nlqf: string; eqf: number }>; // codeType:code
}

async function loadLookups(db: Database): Promise<Lookups> {
  const inst = await db.select({ id: institutions.id, brin: institutions.brin, location: institutions.location, sector: institutions.sector }).from(institutions);
  const prog = await db.select({ id: programmes.id, codeType: programmes.codeType, code: programmes.code, nlqf: programmes.nlqf, eqf: programmes.eqf }).from(programmes);
  return {
    institutions: new Map(inst.map((i) => [`${i.brin}:${i.location}`, { id: i.id, sector: i.sector as Sector }])),
    programmes: new Map(prog.map((p) => [`${p.codeType}:${p.code}`, { id: p.id, nlqf: p.nlqf, eqf: p.eqf }])),
  };
}

// ---------------------------------------------------------------------------------------------
// Writers

type Writer = (batch: Batch) => Promise<void>;

const HOLDER_COLUMNS = 'id, subject_id, given_names, prefix, family_name, birth_date';
const DIPLOMA_COLUMNS =
  'id, institution_id, programme_id, holder_id, reference, kind, profile, award_date, nlqf, eqf, grades, state, superseded_by, annulled_at, annulment_reason';
const FEED_COLUMNS = 'brin, reference, type, record_hash, diploma_id';
const AUDIT_COLUMNS = 'actor, action, subject_type, subject_id, data';

function* joined(lines: string[], per = 2000): Generator<string> {
  for (let i = 0; i < lines.length; i += per) yield lines.slice(i, i + per).join('');
}

async function copyInto(tx: TransactionSql, table: string, columns: string, lines: string[]) {
  if (!lines.length) return;
  const writable = await tx.unsafe(`copy ${table} (${columns}) from stdin`).writable();
  await pipeline(Readable.from(joined(lines)), writable);
}

function postgresWriter(client: Sql): Writer {
  return async (b) => {
    await client.begin(async (tx) => {
      // copyField for text and nullable fields; ids, numbers, dates, enum values and hashes need no escaping
      const f = copyField;
      await copyInto(tx, 'holders', HOLDER_COLUMNS, b.holders.map((h) => `${h.id}\t${h.subjectId}\t${f(h.givenNames)}\t${f(h.prefix)}\t${f(h.familyName)}\t${h.birthDate}\n`));
      await copyInto(
        tx,
        'diplomas',
        DIPLOMA_COLUMNS,
        b.diplomas.map(
          (d) =>
            `${d.id}\t${d.institutionId}\t${d.programmeId}\t${d.holderId}\t${f(d.reference)}\t${d.kind}\t${f(d.profile)}\t${d.awardDate}\t${f(d.nlqf)}\t${d.eqf}\t` +
            `${f(d.grades ? JSON.stringify(d.grades) : null)}\t${d.state}\t${f(d.supersededBy)}\t${f(d.annulledAt?.toISOString())}\t${f(d.annulmentReason)}\n`,
        ),
      );
      for (const u of b.updates) await tx`update diplomas set state = 'corrected', superseded_by = ${u.supersededBy}, updated_at = now() where id = ${u.id}`;
      await copyInto(tx, 'feed_records', FEED_COLUMNS, b.feed.map((r) => `${f(r.brin)}\t${f(r.reference)}\t${r.type}\t${r.recordHash}\t${r.diplomaId}\n`));
      await copyInto(tx, 'audit_events', AUDIT_COLUMNS, b.audit.map((a) => `${f(a.actor)}\t${f(a.action)}\t${f(a.subjectType)}\t${f(a.subjectId)}\t${f(JSON.stringify(a.data))}\n`));
    });
  };
}

function* chunks<T>(items: T[], size: number): Generator<T[]> {
  for (let i = 0; i < items.length; i += size) yield items.slice(i, i + size);
}

/** PGlite (single connection): multi-row INSERTs through drizzle, well under the 65,535-parameter limit. */
function drizzleWriter(db: Database): Writer {
  return async (b) => {
    await db.transaction(async (tx) => {
      for (const rows of chunks(b.holders, 2000)) await tx.insert(holders).values(rows);
      for (const rows of chunks(b.diplomas, 1000)) await tx.insert(diplomas).values(rows);
      for (const u of b.updates) await tx.update(diplomas).set({ state: 'corrected', supersededBy: u.supersededBy, updatedAt: new Date() }).where(eq(diplomas.id, u.id));
      for (const rows of chunks(b.feed, 2000)) await tx.insert(feedRecords).values(rows);
      for (const rows of chunks(b.audit, 2000)) await tx.insert(auditEvents).values(rows);
    });
  };
}

// ---------------------------------------------------------------------------------------------
// The load

/** Number of SYN diplomas (award and correction rows) in the register. */
export async function countSynthDiplomas(db: Database): Promise<number> {
  const [row] = await db.select({ n: count() }).from(diplomas).where(like(diplomas.reference, `${SYNTH_PREFIX}-%`));
  return Number(row?.n ?? 0);
}

export function validateSynthOptions(opts: { diplomas: number; seed: number; batch: number }): string | undefined {
  const positive = (n: number) => Number.isSafeInteger(n) && n > 0;
  if (!positive(opts.diplomas) || opts.diplomas > SYNTH_MAX_DIPLOMAS) return `--diplomas must be a whole number from 1 to ${SYNTH_MAX_DIPLOMAS}`;
  if (!positive(opts.seed) || opts.seed > 2 ** 31 - 1) return '--seed must be a whole number from 1 to 2147483647';
  if (!positive(opts.batch) || opts.batch > 100_000) return '--batch must be a whole number from 1 to 100000';
  return undefined;
}

/**
 * Makes the register hold exactly the first `diplomas` SYN diplomas of the seed's stream (more only
 * if it held more before). Needs a migrated database; seeds the reference data if missing.
 */
export async function synthesize(database: OpenDatabase, opts: SynthOptions): Promise<SynthResult> {
  const started = performance.now();
  const seed = opts.seed ?? SYNTH_DEFAULT_SEED;
  const total = opts.diplomas;
  const batchSize = opts.batch ?? SYNTH_DEFAULT_BATCH[database.kind];
  const invalid = validateSynthOptions({ diplomas: total, seed, batch: batchSize });
  if (invalid) throw new RangeError(invalid);
  const now = opts.now ?? new Date();
  const { db } = database;

  await seedReferenceData(db);
  const lookups = await loadLookups(db);
  const client = database.kind === 'postgres' ? (db as unknown as { $client?: Sql }).$client : undefined;
  if (database.kind === 'postgres' && !client) throw new Error('db:synth needs the postgres.js client of the database');
  const write = client ? postgresWriter(client) : drizzleWriter(db);

  const existing = await countSynthDiplomas(db);
  const result: SynthResult = { seed, total, existing, added: 0, holders: 0, feedRecords: 0, auditEvents: 0, batches: 0, elapsedMs: 0 };
  // The register's SYN diplomas must be the first `existing` of this seed's stream: the last of them
  // must exist under the id this seed gives it (another seed gives other ids).
  let lastSkipped: string | undefined;
  let verified = existing === 0;
  const verify = async () => {
    if (verified) return;
    const [row] = lastSkipped ? await db.select({ id: diplomas.id }).from(diplomas).where(eq(diplomas.id, synthDiplomaId(seed, lastSkipped))) : [];
    if (!row) {
      throw new Error(
        `the register holds ${existing} SYN diplomas that are not the start of seed ${seed}'s stream ` +
          `(${lastSkipped ?? 'none'} missing under its seed-${seed} id): run with the seed used before, or on a fresh database`,
      );
    }
    verified = true;
  };

  // Batches are pipelined: the next one is planned (CPU in this process) while the database writes
  // the previous one; at most one write is in flight.
  let batch = emptyBatch();
  let inBatch = new Map<string, { row: DiplomaRow; brin: string }>(); // this batch's diplomas by reference
  let inflight: Promise<void> | undefined;
  let failure: unknown;
  let addStarted: number | undefined;
  const settle = async () => {
    await inflight;
    inflight = undefined;
    if (failure) throw failure;
  };
  const flush = async () => {
    await verify();
    if (!batch.diplomas.length && !batch.updates.length && !batch.feed.length) return;
    const b = batch;
    // superseded diplomas last: their superseded_by must exist when a statement ends (the INSERTs
    // on PGlite come in chunks)
    b.diplomas.sort((x, y) => (x.supersededBy ? 1 : 0) - (y.supersededBy ? 1 : 0));
    batch = emptyBatch();
    inBatch = new Map();
    await settle();
    addStarted ??= performance.now();
    inflight = write(b).then(
      () => {
        result.added += b.diplomas.length;
        result.holders += b.holders.length;
        result.feedRecords += b.feed.length;
        result.auditEvents += b.audit.length;
        result.batches++;
        progress();
      },
      (err: unknown) => {
        failure = err;
      },
    );
  };
  const progress = () =>
    opts.onProgress?.({ done: Math.min(existing, total) + result.added, total, added: result.added, elapsedMs: addStarted === undefined ? 0 : performance.now() - addStarted });

  progress();
  let position = 0; // diploma records (award, correction) of the stream passed so far
  for (const { serial, person } of synthPeople(seed)) {
    if (position >= total) break;
    // where each of this person's references went: written before (skipped) or in this run
    const fate = new Map<string, 'skipped' | 'added'>();
    let holderId: string | undefined;
    let holderExists = false;
    for (const record of person.records) {
      if (record.type === 'annulment') {
        // an annulment travels with the diploma it annuls
        const target = fate.get(record.annuls);
        if (target === 'added') annul(record);
        continue;
      }
      if (position >= total) break;
      position++;
      if (position <= existing) {
        fate.set(record.reference, 'skipped');
        holderExists = true;
        lastSkipped = record.reference;
        continue;
      }
      fate.set(record.reference, 'added');
      if (!holderId) {
        holderId = synthHolderId(seed, serial);
        if (!holderExists) {
          const h = person.holder;
          batch.holders.push({ id: holderId, subjectId: subjectIdSync(opts.pseudonymSecret, person.bsn), givenNames: h.givenNames, prefix: h.prefix || null, familyName: h.familyName, birthDate: h.birthDate });
        }
      }
      addDiploma(record, holderId);
    }
    if (batch.diplomas.length >= batchSize) await flush();
    // planning is synchronous: let the write in flight send its next statement now and then
    else if (inflight && (serial & 127) === 0) await new Promise((resolve) => setImmediate(resolve));
  }
  await flush();
  await settle();
  if (position < total) throw new Error(`the generator ran out of serials after ${position} diplomas (asked ${total})`);

  if (result.added > 0) {
    await db.insert(auditEvents).values({
      actor: 'system',
      action: 'register.synthesized',
      subjectType: 'register',
      subjectId: SYNTH_PREFIX,
      data: { seed, total, existing, added: result.added, holders: result.holders, feedRecords: result.feedRecords },
    });
  }
  result.elapsedMs = performance.now() - started;
  return result;

  // --- planning one record (closures over the batch) ---

  function addDiploma(record: AwardRecord | CorrectionRecord, holderId: string) {
    const { brin, location } = record.institution;
    const institution = lookups.institutions.get(`${brin}:${location}`);
    if (!institution) throw new Error(`institution ${brin} ${location} is not in the reference data`);
    const programme = lookups.programmes.get(`${codeTypeForSector(institution.sector)}:${record.programme.code}`);
    if (!programme) throw new Error(`programme ${record.programme.code} is not in the reference data`);
    const id = synthDiplomaId(seed, record.reference);
    const row: DiplomaRow = {
      id,
      institutionId: institution.id,
      programmeId: programme.id,
      holderId,
      reference: record.reference,
      kind: record.kind,
      profile: record.programme.profile ?? null,
      awardDate: record.awardDate,
      nlqf: programme.nlqf,
      eqf: programme.eqf,
      grades: (record.grades as GradeLine[] | undefined) ?? null,
      state: 'valid',
      supersededBy: null,
      annulledAt: null,
      annulmentReason: null,
    };
    batch.diplomas.push(row);
    inBatch.set(record.reference, { row, brin });
    const hashOfRecord = recordHash(fingerprintSource(record, subjectIdSync(opts.pseudonymSecret, record.holder.bsn)));
    const actor = `institution:${brin}`;
    if (record.type === 'award') {
      batch.feed.push({ brin, reference: record.reference, type: 'award', recordHash: hashOfRecord, diplomaId: id });
      batch.audit.push({ actor, action: 'diploma.awarded', subjectType: 'diploma', subjectId: id, data: { reference: record.reference } });
      return;
    }
    const targetId = synthDiplomaId(seed, record.corrects);
    const target = inBatch.get(record.corrects);
    if (target) Object.assign(target.row, { state: 'corrected', supersededBy: id });
    else batch.updates.push({ id: targetId, supersededBy: id });
    batch.feed.push({ brin, reference: record.reference, type: 'correction', recordHash: hashOfRecord, diplomaId: id });
    batch.audit.push({ actor, action: 'diploma.corrected', subjectType: 'diploma', subjectId: targetId, data: { reference: record.corrects, supersededBy: id, supersededByReference: record.reference } });
  }

  function annul(record: AnnulmentRecord) {
    const targetId = synthDiplomaId(seed, record.annuls);
    const target = inBatch.get(record.annuls);
    if (!target) throw new Error(`annulment ${record.reference} without its diploma in the batch`); // annulments follow their award
    Object.assign(target.row, { state: 'annulled', annulledAt: now, annulmentReason: record.reason });
    const { brin } = target;
    batch.feed.push({ brin, reference: record.reference, type: 'annulment', recordHash: recordHash(fingerprintSource(record, undefined) as object), diplomaId: targetId });
    batch.audit.push({ actor: `institution:${brin}`, action: 'diploma.annulled', subjectType: 'diploma', subjectId: targetId, data: { reference: record.annuls, annulmentReference: record.reference } });
  }
}

// ---------------------------------------------------------------------------------------------
// CLI

const usage = `usage: npm run db:synth -- --diplomas <N> [--seed <S>] [--batch <B>]

Fills the register the service uses (DATABASE_URL → PostgreSQL, else the PGlite data dir) with a
deterministic synthetic register of N diplomas (award and correction rows), references SYN-…
  --diplomas N   diplomas the register should hold, 1 to ${SYNTH_MAX_DIPLOMAS} (a rerun adds only what is missing)
  --seed S       generator seed, a positive whole number (default ${SYNTH_DEFAULT_SEED}); same seed and N, same data
  --batch B      diplomas per transaction (default ${SYNTH_DEFAULT_BATCH.postgres} on PostgreSQL, ${SYNTH_DEFAULT_BATCH.pglite} on PGlite)
  --help         this text`;

function fmtInt(n: number) {
  return Math.round(n).toLocaleString('en-US');
}
function fmtDuration(seconds: number) {
  if (!Number.isFinite(seconds)) return '--:--';
  const s = Math.max(0, Math.round(seconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const mmss = `${String(m).padStart(2, '0')}:${String(s % 60).padStart(2, '0')}`;
  return h ? `${h}:${mmss}` : mmss;
}

/** One line on stderr, rewritten with \r: bar, done/total, percent, diplomas/s, ETA. */
export function progressLine(p: SynthProgress, width = 28): string {
  const frac = p.total ? Math.min(1, p.done / p.total) : 1;
  const filled = Math.round(frac * width);
  const rate = p.elapsedMs > 0 ? (p.added * 1000) / p.elapsedMs : 0;
  const eta = p.done >= p.total ? 0 : rate > 0 ? (p.total - p.done) / rate : Infinity;
  return `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${fmtInt(p.done)}/${fmtInt(p.total)} ${(frac * 100).toFixed(1)}% ${fmtInt(rate)} diplomas/s ETA ${fmtDuration(eta)}`;
}

/** A whole number as typed (digits only), else NaN. */
function parseCount(value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  return /^[0-9]+$/.test(value) ? Number(value) : NaN;
}

async function main() {
  const { UsageError, openConfiguredDatabase, runScript } = await import('./cli.ts');
  const { ensureDevKeys } = await import('../keys/dev-keys.ts');
  await runScript(usage, async (args) => {
    const unknown = Object.keys(args).filter((k) => !['diplomas', 'seed', 'batch'].includes(k));
    if (unknown.length) throw new UsageError(`unknown option: --${unknown[0]}`);
    if (args.diplomas === undefined) throw new UsageError('--diplomas <N> is required');
    const diplomasWanted = parseCount(args.diplomas, NaN);
    const seed = parseCount(args.seed, SYNTH_DEFAULT_SEED);
    const batchArg = parseCount(args.batch, 1);
    const invalid = validateSynthOptions({ diplomas: diplomasWanted, seed, batch: batchArg });
    if (invalid) {
      const given = invalid.startsWith('--diplomas') ? args.diplomas : invalid.startsWith('--seed') ? args.seed : args.batch;
      throw new UsageError(`${invalid}; got ${given === 'true' ? 'no value' : JSON.stringify(given)}`);
    }

    const { config, database } = await openConfiguredDatabase();
    try {
      const pseudonymSecret = config.pseudonymSecret ?? (await ensureDevKeys(config.keysDir)).pseudonymSecret;
      const wasSeeded = await isSeeded(database.db);
      if (!wasSeeded) console.error('note: the register was empty; db:synth adds the reference data only, so `npm start` will not create the demo register in it');
      console.error(`db:synth: ${fmtInt(diplomasWanted)} diplomas, seed ${seed}, into ${database.where}`);
      let last = '';
      const result = await synthesize(database, {
        diplomas: diplomasWanted,
        seed,
        batch: args.batch === undefined ? undefined : batchArg,
        pseudonymSecret,
        onProgress: (p) => {
          const text = progressLine(p);
          process.stderr.write(`\r${text}${' '.repeat(Math.max(0, last.length - text.length))}`);
          last = text;
        },
      }).finally(() => last && process.stderr.write('\n'));
      const secs = result.elapsedMs / 1000;
      if (result.added === 0) {
        console.log(`nothing to add: the register already holds ${fmtInt(result.existing)} SYN diplomas of seed ${seed} (asked ${fmtInt(result.total)}); ${secs.toFixed(1)} s`);
      } else {
        console.log(
          `synthesized ${fmtInt(result.added)} diplomas, ${fmtInt(result.holders)} holders (${fmtInt(result.feedRecords)} feed records, ${fmtInt(result.auditEvents)} audit events) ` +
            `in ${secs.toFixed(1)} s, ${fmtInt(result.added / secs)} diplomas/s; SYN diplomas now ${fmtInt(result.existing + result.added)}`,
        );
      }
    } finally {
      await database.close();
    }
  });
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) void main();
