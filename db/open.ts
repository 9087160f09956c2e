// Opening the register's database from Node (the service entry, scripts, tests).
// PGlite (embedded, a data directory or memory) unless a PostgreSQL URL is given.
import { fileURLToPath } from 'node:url';
import { mkdirSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import { drizzle as drizzlePostgres } from 'drizzle-orm/postgres-js';
import { migrate as migratePostgres } from 'drizzle-orm/postgres-js/migrator';
import postgres from 'postgres';
import * as schema from './schema.ts';
import type { Database } from '../src/database.ts';
import type { RegisterChangeFeed } from '../src/verifier/register-changes.ts';
import { listenOnPglite, listenOnPostgres, type ListeningFeed } from './register-changes.ts';
import { createDatabaseBreaker, guardPostgresClient, postgresOutageOptions, type DatabaseAvailability } from '../src/lib/database-breaker.ts';

export const migrationsFolder = fileURLToPath(new URL('./migrations', import.meta.url));

export interface OpenDatabase {
  db: Database;
  kind: 'pglite' | 'postgres';
  /** human-readable location, never with a password */
  where: string;
  migrate(): Promise<void>;
  close(): Promise<void>;
  /** PostgreSQL: whether the server counts as down (statements then fail at once with DATABASE_UNAVAILABLE) */
  availability?: DatabaseAvailability;
  /** the embedded engine, for tests that snapshot a prepared database */
  pglite?: PGlite;
  /**
   * The register's change announcements (after migrate(): the triggers come with migration 0008),
   * one listener per database, stopped by close().
   */
  changes(): Promise<RegisterChangeFeed>;
}

export type DatabaseTarget =
  | {
      kind: 'postgres';
      url: string;
      max?: number;
      /**
       * the service sets one (a statement running longer is cancelled, and answered 503); tools that
       * migrate or fill a large register leave it unset
       */
      statementTimeoutMs?: number;
    }
  | { kind: 'pglite'; dataDir?: string; loadDataDir?: Blob };

export async function openDatabase(target: DatabaseTarget): Promise<OpenDatabase> {
  if (target.kind === 'postgres') {
    const client = postgres(target.url, {
      max: target.max ?? 10,
      onnotice: () => {},
      ...postgresOutageOptions,
      ...(target.statementTimeoutMs ? { connection: { statement_timeout: target.statementTimeoutMs } } : {}),
    });
    const breaker = createDatabaseBreaker();
    const db = drizzlePostgres(guardPostgresClient(client, breaker), { schema }) as unknown as Database;
    const changes = once(() => listenOnPostgres(client));
    return {
      db,
      kind: 'postgres',
      where: redactUrl(target.url),
      availability: breaker,
      // a client of its own, without the statement timeout: a migration may rebuild a large table
      migrate: async () => {
        const migrator = postgres(target.url, { max: 1, onnotice: () => {} });
        try {
          await migratePostgres(drizzlePostgres(migrator, { schema }), { migrationsFolder });
        } finally {
          await migrator.end({ timeout: 5 });
        }
      },
      changes: async () => (await changes.get()).feed,
      close: async () => {
        await changes.stop();
        await client.end({ timeout: 5 });
      },
    };
  }
  if (target.dataDir) mkdirSync(target.dataDir, { recursive: true });
  const client = await PGlite.create({ dataDir: target.dataDir, loadDataDir: target.loadDataDir });
  const db = drizzlePglite(client, { schema }) as unknown as Database;
  const changes = once(() => listenOnPglite(client));
  return {
    db,
    kind: 'pglite',
    where: target.dataDir ? `PGlite at ${target.dataDir}` : 'PGlite in memory',
    migrate: () => migratePglite(db as never, { migrationsFolder }),
    changes: async () => (await changes.get()).feed,
    close: async () => {
      await changes.stop();
      await client.close();
    },
    pglite: client,
  };
}

/** The listener is started by the first caller and shared. */
function once(start: () => Promise<ListeningFeed>) {
  let started: Promise<ListeningFeed> | undefined;
  return {
    get: () => (started ??= start()),
    stop: async () => {
      const feed = await started?.catch(() => undefined);
      await feed?.stop().catch(() => {});
    },
  };
}

export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return 'postgres://(unparseable url)';
  }
}
