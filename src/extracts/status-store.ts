// The register's status lists (revocation, suspension) in the database: a random free index per
// credential, and setting bits. Bit order as Bitstring Status List v1.0: index 0 is the most
// significant bit of the first byte (PostgreSQL's set_bit counts from the least significant).
//
// A list takes new credentials until it is half full, then the next list of that purpose opens:
// random indexes stay cheap to find and every list keeps a large crowd to hide a credential in.
import { and, desc, eq, sql } from 'drizzle-orm';
import { extracts, statusLists } from '../../db/schema.ts';
import type { Tx } from '../database.ts';
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

/** A uniformly random unused index in the open list of `purpose`. */
export async function allocateStatusSlot(db: Tx, purpose: StatusPurpose, now: Date): Promise<StatusSlot> {
  for (;;) {
    // claim an entry of the newest list of this purpose, if it is still under half full
    const [open] = await db
      .update(statusLists)
      .set({ allocated: sql`${statusLists.allocated} + 1` })
      .where(
        and(
          eq(statusLists.id, sql`(select ${statusLists.id} from ${statusLists} where ${statusLists.purpose} = ${purpose} order by ${statusLists.sequence} desc limit 1)`),
          sql`${statusLists.allocated} < ${statusLists.size} / 2`,
        ),
      )
      .returning({ id: statusLists.id });
    if (!open) {
      const [newest] = await db.select({ sequence: statusLists.sequence }).from(statusLists).where(eq(statusLists.purpose, purpose)).orderBy(desc(statusLists.sequence)).limit(1);
      if (!newest) throw new Error(`no ${purpose} status list: run the bootstrap`);
      await db.insert(statusLists).values(newList(purpose, newest.sequence + 1, now)).onConflictDoNothing();
      continue;
    }
    const listColumn = purpose === 'revocation' ? extracts.revocationList : extracts.suspensionList;
    const indexColumn = purpose === 'revocation' ? extracts.revocationIndex : extracts.suspensionIndex;
    for (let attempt = 0; attempt < 64; attempt++) {
      const index = crypto.getRandomValues(new Uint32Array(1))[0]! % STATUS_LIST_SIZE; // 2^32 is a multiple of 2^17: unbiased
      const [taken] = await db.select({ id: extracts.id }).from(extracts).where(and(eq(listColumn, open.id), eq(indexColumn, index))).limit(1);
      if (!taken) return { listId: open.id, index };
    }
    throw new Error(`status list ${open.id} has no free index after 64 random tries`);
  }
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

/** A list's purpose, version and time of change, without its bits (the publisher's cache key). */
export async function readStatusListVersion(db: Tx, id: string) {
  const [row] = await db
    .select({ purpose: statusLists.purpose, version: statusLists.version, updatedAt: statusLists.updatedAt })
    .from(statusLists)
    .where(eq(statusLists.id, id));
  return row;
}
