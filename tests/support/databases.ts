// Each test file gets its own fresh database of every kind the run has: PGlite always, PostgreSQL
// when the run has a server. `describeEachDatabase` runs the same tests on each.
import { readFileSync } from 'node:fs';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, inject } from 'vitest';
import { openDatabase, type OpenDatabase } from '../../db/open.ts';
import { adminUrl, databaseUrlFor } from './constants.ts';

export type DatabaseKind = 'pglite' | 'postgres';

export function databaseKinds(): DatabaseKind[] {
  return inject('postgresTemplate') ? ['pglite', 'postgres'] : ['pglite'];
}

export interface FreshDatabase extends OpenDatabase {
  /** for PostgreSQL: the URL of this fresh database */
  url?: string;
  dispose(): Promise<void>;
}

export async function freshDatabase(kind: DatabaseKind): Promise<FreshDatabase> {
  if (kind === 'pglite') {
    const dump = new Blob([readFileSync(inject('pgliteDump'))]);
    const db = await openDatabase({ kind: 'pglite', loadDataDir: dump });
    return { ...db, dispose: () => db.close() };
  }
  const admin = adminUrl()!;
  const template = inject('postgresTemplate')!;
  const name = `register_t_${inject('runId')}_${crypto.randomUUID().slice(0, 8)}`;
  const sql = postgres(admin, { max: 1, onnotice: () => {} });
  await sql.unsafe(`create database "${name}" template "${template}"`);
  const url = databaseUrlFor(admin, name);
  const db = await openDatabase({ kind: 'postgres', url, max: 4 });
  return {
    ...db,
    url,
    dispose: async () => {
      await db.close();
      await sql.unsafe(`drop database if exists "${name}" with (force)`);
      await sql.end();
    },
  };
}

/** Runs `body` once per database kind, each with a fresh database for the whole describe block. */
export function describeEachDatabase(title: string, body: (get: () => FreshDatabase, kind: DatabaseKind) => void) {
  for (const kind of databaseKinds()) {
    describe(`${title} [${kind}]`, () => {
      let database: FreshDatabase | undefined;
      beforeAll(async () => {
        database = await freshDatabase(kind);
      });
      afterAll(async () => {
        await database?.dispose();
      });
      body(() => {
        if (!database) throw new Error('database not ready');
        return database;
      }, kind);
    });
  }
}
