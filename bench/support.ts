// Shared bench plumbing: machine description, fresh databases, a real HTTP server, statistics.
import { cpus, totalmem } from 'node:os';
import { serveNode } from '../src/node/http-server.ts';
import type { AddressInfo } from 'node:net';
import postgres from 'postgres';
import { sql } from 'drizzle-orm';
import { openDatabase, type OpenDatabase } from '../db/open.ts';
import { seedReferenceData } from '../db/seed.ts';

export interface BenchSection {
  title: string;
  columns: string[];
  rows: (string | number)[][];
  notes?: string[];
}

export function machine(): string {
  const cpu = cpus();
  return `${cpu.length} × ${cpu[0]?.model.trim() ?? 'unknown CPU'}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}, ${process.platform}`;
}

export const PSEUDONYM_SECRET = 'bench-pseudonym-secret-0123456789abcdef';

export type DbKind = 'pglite' | 'postgres';

export function benchDatabaseKinds(): DbKind[] {
  return process.env.DATABASE_URL ? ['pglite', 'postgres'] : ['pglite'];
}

/** A fresh, migrated database with reference data; dispose() removes it. */
export async function freshBenchDatabase(kind: DbKind): Promise<OpenDatabase & { url?: string; dispose(): Promise<void> }> {
  if (kind === 'pglite') {
    const db = await openDatabase({ kind: 'pglite' });
    await db.migrate();
    await seedReferenceData(db.db);
    return { ...db, dispose: () => db.close() };
  }
  const admin = postgres(process.env.DATABASE_URL!, { max: 1, onnotice: () => {} });
  const name = `register_bench_${process.pid}_${Date.now().toString(36)}`;
  await admin.unsafe(`create database "${name}"`);
  const u = new URL(process.env.DATABASE_URL!);
  u.pathname = `/${name}`;
  const db = await openDatabase({ kind: 'postgres', url: u.toString(), max: 10 });
  await db.migrate();
  await seedReferenceData(db.db);
  return {
    ...db,
    url: u.toString(),
    dispose: async () => {
      await db.close();
      await admin.unsafe(`drop database if exists "${name}" with (force)`);
      await admin.end();
    },
  };
}

export async function serveApp(database: OpenDatabase) {
  // loaded here, not at the top: the benches without HTTP (extracts) need not load the whole app
  const [{ createApp }, { loadConfig }, { createLogger }, { systemClock }] = await Promise.all([
    import('../src/app.ts'),
    import('../src/config.ts'),
    import('../src/logger.ts'),
    import('../src/clock.ts'),
  ]);
  const app = createApp({
    db: database.db,
    config: loadConfig({ LOG_LEVEL: 'silent', PUBLIC_BASE_URL: 'http://bench.local' }),
    clock: systemClock,
    logger: createLogger('silent'),
    pseudonymSecret: PSEUDONYM_SECRET,
    pingDatabase: async () => void (await database.db.execute(sql`select 1`)),
  });
  const server = serveNode({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' });
  await new Promise<void>((r) => server.once('listening', () => r()));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, close: () => new Promise<void>((r) => server.close(() => r())) };
}

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

export function percentile(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
}

export const fmt = (n: number, digits = 0) => n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
