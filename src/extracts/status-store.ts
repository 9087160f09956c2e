// The register's two status lists (revocation, suspension) in the database: a random free index per
// credential, and setting bits. Bit order as Bitstring Status List v1.0: index 0 is the most
// significant bit of the first byte (PostgreSQL's set_bit counts from the least significant).
import { and, eq, sql } from 'drizzle-orm';
import { extracts, statusLists } from '../../db/schema.ts';
import type { Tx } from '../database.ts';

export const STATUS_LIST_ENTRIES = 131_072;
export const STATUS_LISTS = { revocation: 'revocation-1', suspension: 'suspension-1' } as const;
export type StatusPurpose = keyof typeof STATUS_LISTS;

export async function ensureStatusLists(db: Tx): Promise<void> {
  await db
    .insert(statusLists)
    .values(
      (Object.entries(STATUS_LISTS) as [StatusPurpose, string][]).map(([purpose, id]) => ({
        id,
        purpose,
        size: STATUS_LIST_ENTRIES,
        bits: new Uint8Array(STATUS_LIST_ENTRIES / 8),
      })),
    )
    .onConflictDoNothing();
}

/** A uniformly random index of `listId` that no extract uses yet. */
export async function allocateStatusIndex(db: Tx, purpose: StatusPurpose): Promise<number> {
  const listId = STATUS_LISTS[purpose];
  const column = purpose === 'revocation' ? extracts.revocationIndex : extracts.suspensionIndex;
  const listColumn = purpose === 'revocation' ? extracts.revocationList : extracts.suspensionList;
  for (let attempt = 0; attempt < 64; attempt++) {
    const [r] = crypto.getRandomValues(new Uint32Array(1));
    const index = r! % STATUS_LIST_ENTRIES; // 2^32 is a multiple of 2^17: unbiased
    const [taken] = await db.select({ id: extracts.id }).from(extracts).where(and(eq(listColumn, listId), eq(column, index))).limit(1);
    if (!taken) return index;
  }
  throw new Error(`status list ${listId} has no free index left (64 random tries)`);
}

export async function setStatusBit(db: Tx, purpose: StatusPurpose, index: number, value: boolean, at: Date): Promise<void> {
  const pgBit = Math.floor(index / 8) * 8 + (7 - (index % 8));
  await db
    .update(statusLists)
    .set({ bits: sql`set_bit(${statusLists.bits}, ${pgBit}, ${value ? 1 : 0})`, version: sql`${statusLists.version} + 1`, updatedAt: at })
    .where(eq(statusLists.id, STATUS_LISTS[purpose]));
}

export async function readStatusList(db: Tx, id: string) {
  const [row] = await db.select().from(statusLists).where(eq(statusLists.id, id));
  return row;
}
