import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import type * as schema from '../db/schema.ts';

/** The register's database, whichever driver is behind it (PGlite, postgres.js, Hyperdrive). */
export type Database = PgDatabase<PgQueryResultHKT, typeof schema>;

/** A database handle or an open transaction: domain code accepts either. */
export type Tx = Parameters<Parameters<Database['transaction']>[0]>[0] | Database;

/** the rows of a raw query, whichever driver ran it (postgres.js: an array; PGlite: `{ rows }`) */
export function rowsOf<T>(result: unknown): T[] {
  return (Array.isArray(result) ? result : (result as { rows: T[] }).rows) as T[];
}
