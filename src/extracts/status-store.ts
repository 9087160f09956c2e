// The register's status lists (revocation, suspension) in the database: a random free index per
// credential, and setting bits. Bit order as Bitstring Status List v1.0: index 0 is the most
// significant bit of the first byte (PostgreSQL's set_bit counts from the least significant).
//
// A list takes new credentials until it is half full, then the next list of that purpose opens:
// random indexes stay cheap to find and every list keeps a large crowd to hide a credential in.
import { desc, eq, sql, type SQL } from 'drizzle-orm';
import { statusLists } from '../../db/schema.ts';
import { rowsOf, type Tx } from '../database.ts';
import { STATUS_LIST_SIZE, type StatusPurpose } from '../credentials/status-list.ts';

export const statusListId = (purpose: StatusPurpose, sequence: number) => `${purpose}-${sequence}`;

export interface StatusSlot {
  listId: string;
  index: number;
}

function newList(purpose: StatusPurpose, sequence: number, now: Date) {
  return { id: statusListId(purpose, sequence), purpose, sequence, size: STATUS_LIST_SIZE, bits: new Uint8Array(STATUS_LIST_SIZE / 8), updatedAt: now };
}

export async function ensureStatusLists(db: Tx, now: Date): Promise<void> {
  await db.insert(statusLists).values([newList('revocation', 1, now), newList('suspension', 1, now)]).onConflictDoNothing();
}

export interface StatusSlots {
  revocation: StatusSlot;
  suspension: StatusSlot;
}

const PURPOSES: readonly StatusPurpose[] = ['revocation', 'suspension'];
/** random indexes tried per slot: fewer free ones than slots has odds below 2^-8 (lists stay under half full) */
const CANDIDATES = 8;
const MAX_ROUNDS = 8;
const MAX_BATCH = 16;

/** entries are added to a list's `allocated` count once this many have been claimed (see claimSlots) */
const COUNT_EVERY = 16;

// The open list of each purpose as last seen, with the entries claimed from it that its
// `allocated` does not count yet. The open list changes once in 65,536 extracts; an entry gone
// stale (another process opened the next list) claims nothing, as a half full list does, and is
// looked up again.
type OpenLists = Map<StatusPurpose, { id: string; uncounted: number }>;

interface Waiting {
  now: Date;
  resolve: (slots: StatusSlots) => void;
  reject: (err: unknown) => void;
}
interface ClaimQueue {
  waiting: Waiting[];
  busy: boolean;
  open: OpenLists;
  /** entries are added to `allocated` once this many were claimed (1 for claims kept by no app: count at once) */
  countEvery: number;
}

export type StatusSlotClaims = ReturnType<typeof createStatusSlotClaims>;

/**
 * The app's claims of status entries (one per app, src/services.ts), with what it keeps per
 * database handle: the open lists and the queue of claims waiting.
 */
export function createStatusSlotClaims({ countEvery = COUNT_EVERY }: { countEvery?: number } = {}) {
  const queues = new WeakMap<Tx, ClaimQueue>();
  return {
    /**
     * A uniformly random unused index in the open list of each purpose. Issuances asking while a
     * claim is under way (on PostgreSQL, several are in flight at once) are claimed together in the
     * next statement: one round trip for all of them.
     *
     * Two issuances may still draw the same index (neither has stored its extract yet, e.g. in two
     * processes); the unique index on the extract's entry catches that at insert, and the loser
     * starts over.
     */
    claim(db: Tx, now: Date): Promise<StatusSlots> {
      let queue = queues.get(db);
      if (!queue) queues.set(db, (queue = { waiting: [], busy: false, open: new Map(), countEvery }));
      const q = queue;
      return new Promise((resolve, reject) => {
        q.waiting.push({ now, resolve, reject });
        if (!q.busy) void drainClaims(db, q);
      });
    },
  };
}

async function drainClaims(db: Tx, q: ClaimQueue): Promise<void> {
  q.busy = true;
  while (q.waiting.length) {
    const batch = q.waiting.splice(0, MAX_BATCH);
    try {
      const slots = await claimSlots(db, q, batch.length, batch.at(-1)!.now);
      batch.forEach((w, i) => w.resolve(slots[i]!));
    } catch (err) {
      for (const w of batch) w.reject(err);
    }
  }
  q.busy = false;
}

/**
 * `count` slots of each purpose in one statement: the open list of each purpose, if it is still
 * under half full, and which of some random indexes extracts already hold there; the first free
 * ones are taken. A purpose whose list is half full gets its next list and is claimed again.
 *
 * `allocated` only decides when a list is half full, so it is counted up every COUNT_EVERY
 * entries, in the same statement: the others are read-only (no row lock, no commit to wait for),
 * and a process that stops leaves fewer than COUNT_EVERY entries uncounted, past half full by as
 * much at most. The lists are locked in the order of their ids: two claims counting at once (two
 * processes) must not each hold the list the other waits for.
 */
async function claimSlots(db: Tx, { open, countEvery }: ClaimQueue, count: number, now: Date): Promise<StatusSlots[]> {
  const found: Record<StatusPurpose, StatusSlot[]> = { revocation: [], suspension: [] };
  for (let round = 0; ; round++) {
    const wanted = PURPOSES.filter((p) => !found[p].length);
    if (!wanted.length) return found.revocation.map((revocation, i) => ({ revocation, suspension: found.suspension[i]! }));
    if (round >= MAX_ROUNDS) throw new Error(`no open ${wanted.join(' or ')} status list after ${MAX_ROUNDS} rounds`);
    const claims = [];
    for (const purpose of wanted) {
      let list = open.get(purpose);
      if (!list) open.set(purpose, (list = { id: await newestList(db, purpose, now), uncounted: 0 }));
      claims.push({ purpose, list, candidates: randomIndexes(count * CANDIDATES) });
    }
    const counting = claims.some((c) => c.list.uncounted + count >= countEvery);
    const ids = sql.join(
      claims.map((c) => sql`${c.list.id}`),
      sql`, `,
    );
    const openRows = counting
      ? sql`with locked as (
          select id from status_lists where id in (${ids}) and allocated < size / 2
          order by id
          for update),
        counted as (
          update status_lists set allocated = allocated + case status_lists.id ${sql.join(claims.map((c) => sql`when ${c.list.id} then ${c.list.uncounted + count}::int `))}end
          from locked where status_lists.id = locked.id
          returning status_lists.id)
        select id as list, null::int as taken from counted`
      : sql`select id as list, null::int as taken from status_lists where id in (${ids}) and allocated < size / 2`;
    const rows = rowsOf<{ list: string; taken: number | null }>(
      await db.execute(sql`${openRows}${sql.join(claims.map((c) => sql` union all ${takenAmong(c.purpose, c.list.id, c.candidates)}`))}`),
    );
    for (const { purpose, list, candidates } of claims) {
      if (!rows.some((r) => r.list === list.id && r.taken === null)) {
        open.set(purpose, { id: await newestList(db, purpose, now, list.id), uncounted: 0 });
        continue;
      }
      list.uncounted = counting ? 0 : list.uncounted + count;
      const used = new Set(rows.filter((r) => r.list === list.id).map((r) => r.taken));
      const indexes: number[] = [];
      for (const i of candidates) {
        if (indexes.length === count) break;
        if (used.has(i)) continue;
        used.add(i);
        indexes.push(i);
      }
      while (indexes.length < count) indexes.push(await freeIndex(db, purpose, list.id, used));
      found[purpose] = indexes.map((index) => ({ listId: list.id, index }));
    }
  }
}

/** SQL: which of `candidates` extracts hold as their `purpose` entry in list `listId`, as (list, taken) rows */
function takenAmong(purpose: StatusPurpose, listId: string, candidates: number[]): SQL {
  const [list, index] = purpose === 'revocation' ? [sql.raw('revocation_list'), sql.raw('revocation_index')] : [sql.raw('suspension_list'), sql.raw('suspension_index')];
  return sql`select ${list} as list, ${index} as taken from extracts where ${list} = ${listId} and ${index} = any(${pgArray(candidates)}::int[])`;
}

/** the rare case of too few free candidates: more random tries in the list already claimed */
async function freeIndex(db: Tx, purpose: StatusPurpose, listId: string, used: Set<number | null>): Promise<number> {
  for (let round = 0; round < MAX_ROUNDS; round++) {
    const candidates = randomIndexes(CANDIDATES);
    for (const r of rowsOf<{ taken: number }>(await db.execute(takenAmong(purpose, listId, candidates)))) used.add(r.taken);
    const index = candidates.find((i) => !used.has(i));
    if (index !== undefined) {
      used.add(index);
      return index;
    }
  }
  throw new Error(`status list ${listId} has no free index after ${MAX_ROUNDS * CANDIDATES} random tries`);
}

/** The newest list of `purpose`; when that is `halfFull`, the next one, opened now. */
async function newestList(db: Tx, purpose: StatusPurpose, now: Date, halfFull?: string): Promise<string> {
  const [newest] = await db.select({ id: statusLists.id, sequence: statusLists.sequence }).from(statusLists).where(eq(statusLists.purpose, purpose)).orderBy(desc(statusLists.sequence)).limit(1);
  if (!newest) throw new Error(`no ${purpose} status list: run the bootstrap`);
  if (newest.id !== halfFull) return newest.id;
  const next = newList(purpose, newest.sequence + 1, now);
  await db.insert(statusLists).values(next).onConflictDoNothing();
  return next.id;
}

function randomIndexes(n: number): number[] {
  // 2^32 is a multiple of 2^17: unbiased
  return Array.from(crypto.getRandomValues(new Uint32Array(n)), (r) => r % STATUS_LIST_SIZE);
}

/** a PostgreSQL array literal of numbers, sent as one parameter */
function pgArray(values: readonly number[]): string {
  return `{${values.join(',')}}`;
}

export async function setStatusBit(db: Tx, slot: StatusSlot, value: boolean, at: Date): Promise<void> {
  const pgBit = Math.floor(slot.index / 8) * 8 + (7 - (slot.index % 8));
  await db
    .update(statusLists)
    .set({ bits: sql`set_bit(${statusLists.bits}, ${pgBit}, ${value ? 1 : 0})`, version: sql`${statusLists.version} + 1`, updatedAt: at })
    .where(eq(statusLists.id, slot.listId));
}

export async function readStatusList(db: Tx, id: string) {
  const [row] = await db.select().from(statusLists).where(eq(statusLists.id, id));
  return row;
}
