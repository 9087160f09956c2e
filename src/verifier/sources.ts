// What the verification pipeline reads, from this register: its published keys, its own status
// lists (a list at any other address cannot be had: the status check then fails closed) and the
// register's record of the extract.
import { alias } from 'drizzle-orm/pg-core';
import { eq, sql, type SQL } from 'drizzle-orm';
import { diplomas, extracts, holders, statusLists, verificationEvents } from '../../db/schema.ts';
import type { Database } from '../database.ts';
import type { AppDeps } from '../deps.ts';
import type { KeyRegistry } from '../signing-keys/key-registry.ts';
import { buildJwks } from '../signing-keys/publication.ts';
import type { StatusListPublisher, StatusListVersion } from '../extracts/status-publisher.ts';
import type { PublishedKeys, RegisterEntry, VerificationSources } from '../verification/pipeline.ts';
import type { StatusListCache } from '../verification/status-list-cache.ts';
import { createCoalescingReader, createCoalescingWriter } from './coalescing-cache.ts';
import { createRegisterCache } from './register-cache.ts';
import type { RegisterChangeFeed } from './register-changes.ts';

const successor = alias(diplomas, 'successor');

export type Entrance = 'qr' | 'number' | 'upload' | 'api';

export interface ExtractByNumber {
  id: string;
  secretHash: string;
  jwt: string | null;
  prefix: string | null;
  familyName: string;
}

// Every verification reads the versions of its two status lists and its register entry; the QR
// and number entrances also read the extract and write a "who looked" line. Each is one prepared
// statement per database handle (a prepared statement belongs to the handle it was made on; kept by
// the app's RegisterReads) that
// takes many keys, and verifications in flight at once share it (coalescing-cache.ts): every
// answer still comes from a query that started after the verification asked. Where the register
// announces its changes in step (register-changes.ts: PGlite), what was read is kept until the next
// announcement (register-cache.ts), and most verifications ask the database nothing but to record
// "who looked".
function registerReads(db: Database, changes: RegisterChangeFeed | undefined) {
  const anyOf = (column: typeof statusLists.id | typeof extracts.credentialId | typeof extracts.number, keys: string) =>
    sql`${column} = any(${sql.placeholder(keys)})`;

  // List versions and register entries in one statement: a verification asks for both at once,
  // and on PGlite a statement costs far more than its rows. The successor is a subquery rather
  // than a third table joined, which PGlite (planning every call) plans in about half the time.
  const successorAwardDate = db.select({ awardDate: successor.awardDate }).from(successor).where(eq(successor.id, diplomas.supersededBy));
  const listRows = db
    .select({
      kind: sql<Fact['kind']>`'list'`,
      key: statusLists.id,
      state: sql<string>`${statusLists.purpose}::text`,
      diplomaState: sql<string | null>`null::text`,
      version: sql<number | null>`${statusLists.version}`,
      updatedAt: sql`${statusLists.updatedAt}`.mapWith(statusLists.updatedAt) as SQL<Date | null>,
      successorAwardDate: sql<string | null>`null::date`,
      extractId: sql<string | null>`null::uuid`,
    })
    .from(statusLists)
    .where(anyOf(statusLists.id, 'listIds'));
  const registerRows = db
    .select({
      kind: sql<Fact['kind']>`'register'`,
      key: extracts.credentialId,
      state: sql<string>`${extracts.state}::text`,
      diplomaState: sql<string | null>`${diplomas.state}::text`,
      version: sql<number | null>`null::integer`,
      updatedAt: sql<Date | null>`null::timestamptz`,
      successorAwardDate: sql<string | null>`(${successorAwardDate})`,
      extractId: sql<string | null>`${extracts.id}`,
    })
    .from(extracts)
    .innerJoin(diplomas, eq(diplomas.id, extracts.diplomaId))
    .where(anyOf(extracts.credentialId, 'credentialIds'));
  const facts = listRows.unionAll(registerRows).prepare('verifier_verification_facts');

  const extractsByNumber = db
    .select({ number: extracts.number, id: extracts.id, secretHash: extracts.secretHash, jwt: extracts.credentialJwt, prefix: holders.prefix, familyName: holders.familyName })
    .from(extracts)
    .innerJoin(diplomas, eq(diplomas.id, extracts.diplomaId))
    .innerJoin(holders, eq(holders.id, diplomas.holderId))
    .where(anyOf(extracts.number, 'numbers'))
    .prepare('verifier_extracts_by_number');

  // one event: prepared; several that arrived together: one statement
  const insertEvent = db
    .insert(verificationEvents)
    .values({ extractId: sql.placeholder('extractId'), at: sql.placeholder('at'), entrance: sql.placeholder('entrance') })
    .prepare('verifier_record_verification');

  // keys: `list:<status list id>` and `register:<credential id>`
  const factReader = createCoalescingReader<string, StatusListVersion | RegisterEntry>(async (keys) => {
    const ids = (prefix: string) => keys.filter((k) => k.startsWith(prefix)).map((k) => k.slice(prefix.length));
    const rows = await facts.execute({ listIds: ids(LIST), credentialIds: ids(REGISTER) });
    return new Map<string, StatusListVersion | RegisterEntry>(rows.map((row) => (row.kind === 'list' ? [LIST + row.key, listVersion(row)] : [REGISTER + row.key, registerEntry(row)])));
  });

  const numberReader = createCoalescingReader<string, ExtractByNumber>(async (numbers) => {
    const rows = await extractsByNumber.execute({ numbers });
    return new Map(rows.map(({ number, ...row }) => [number, row]));
  });
  const keptFacts = createRegisterCache<string, StatusListVersion | RegisterEntry>(changes);
  const keptNumbers = createRegisterCache<string, ExtractByNumber>(changes);
  const readFact = (key: string) => factReader.load(key);
  const readNumber = (number: string) => numberReader.load(number);

  return {
    statusListVersion: (id: string) => keptFacts.get(LIST + id, readFact) as Promise<StatusListVersion | undefined>,
    registerEntry: (credentialId: string) => keptFacts.get(REGISTER + credentialId, readFact) as Promise<RegisterEntry | undefined>,
    extractByNumber: (number: string) => keptNumbers.get(number, readNumber),
    recordVerification: createCoalescingWriter<VerificationEvent>(async (rows) => {
      await (rows.length === 1 ? insertEvent.execute(rows[0]) : db.execute(insertVerificationEvents(rows)));
    }),
  };
}

export type VerificationEvent = { extractId: string; at: Date; entrance: Entrance };

/**
 * Several events as one statement with one JSON parameter: its text is the same for any number of
 * rows, and building it costs next to nothing (drizzle's values() for 11 rows cost about as much as
 * running them on PGlite). JSON, not array parameters: postgres.js sends arrays only to statements
 * it has described first.
 */
export function insertVerificationEvents(rows: VerificationEvent[]): SQL {
  return sql`insert into ${verificationEvents} (extract_id, at, entrance)
    select extract_id, at, entrance from json_to_recordset(${JSON.stringify(rows.map((r) => ({ extract_id: r.extractId, at: r.at.toISOString(), entrance: r.entrance })))}::json)
      as e(extract_id uuid, at timestamptz, entrance text)`;
}

const LIST = 'list:';
const REGISTER = 'register:';

interface Fact {
  kind: 'list' | 'register';
  key: string;
  state: string;
  diplomaState: string | null;
  version: number | null;
  updatedAt: Date | null;
  successorAwardDate: string | null;
  extractId: string | null;
}

const listVersion = (row: Fact): StatusListVersion => ({ purpose: row.state as StatusListVersion['purpose'], version: row.version!, updatedAt: row.updatedAt! });

const registerEntry = (row: Fact): RegisterEntry => ({
  extractId: row.extractId!,
  state: row.state as RegisterEntry['state'],
  diplomaState: row.diplomaState as RegisterEntry['diplomaState'],
  ...(row.successorAwardDate ? { supersededBy: { awardDate: row.successorAwardDate } } : {}),
});

export type RegisterReads = ReturnType<typeof createRegisterReads>;

/** The app's register reads (one per app, src/services.ts): prepared statements and caches per database handle. */
export function createRegisterReads(changes: RegisterChangeFeed | undefined) {
  const byDatabase = new WeakMap<Database, ReturnType<typeof registerReads>>();
  return (db: Database) => {
    let r = byDatabase.get(db);
    if (!r) byDatabase.set(db, (r = registerReads(db, changes)));
    return r;
  };
}

/** What the register-backed sources read through: the app's key cache, status lists and register reads. */
export interface SourceServices {
  keys: KeyRegistry;
  statusLists: StatusListPublisher;
  reads: RegisterReads;
  statusListCache: StatusListCache;
}

export function registerSources(deps: AppDeps, services: SourceServices): VerificationSources {
  const ownLists = `${deps.config.publicBaseUrl}/status/`;
  const reads = services.reads(deps.db);
  return {
    expectedIssuerDid: deps.config.did,
    keys: async () => buildJwks(await services.keys.list(deps.db)) as PublishedKeys,
    statusList: async (url) => {
      if (!url.startsWith(ownLists)) return undefined;
      const id = url.slice(ownLists.length);
      const version = await reads.statusListVersion(id);
      return version ? (await services.statusLists.signedVersion(deps, id, version)).jwt : undefined;
    },
    register: (credentialId) => reads.registerEntry(credentialId),
    statusListCache: services.statusListCache,
  };
}

/** The extract behind a typed or scanned number, with what the entrances compare against. */
export function findExtractByNumber(deps: AppDeps, reads: RegisterReads, number: string): Promise<ExtractByNumber | undefined> {
  return reads(deps.db).extractByNumber(number);
}

/** One line in the holder's "who looked at my data": when and through which entrance, never who. */
export function recordVerification(deps: AppDeps, reads: RegisterReads, extractId: string, entrance: Entrance): Promise<void> {
  return reads(deps.db).recordVerification({ extractId, at: deps.clock.now(), entrance });
}
