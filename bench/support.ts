// Shared bench plumbing: machine description, fresh databases, a real HTTP server, statistics.
import { cpus, totalmem } from 'node:os';
import { serveNode } from '../src/node/http-server.ts';
import type { AddressInfo } from 'node:net';
import postgres from 'postgres';
import { eq, sql } from 'drizzle-orm';
import { openDatabase, type OpenDatabase } from '../db/open.ts';
import { seedReferenceData } from '../db/seed.ts';
import { bootstrapRegister } from '../db/bootstrap.ts';
import { diplomas } from '../db/schema.ts';
import { createRng } from '../db/demo/generate.ts';
import { rowsOf, type Database } from '../src/database.ts';
import { activateKey } from '../src/signing-keys/key-registry.ts';
import type { SigningKeyPair } from '../src/signing-keys/signing-key.ts';

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

export type BenchDatabase = OpenDatabase & { url?: string; dispose(): Promise<void> };

/**
 * Where a bench runs its rows: by default a fresh database per kind (freshBenchDatabase); the
 * country bench (bench/country.ts) adds an already filled register, which dispose() only closes.
 */
export interface BenchTarget {
  /** in the row names, e.g. "postgres" */
  label: string;
  open(): Promise<BenchDatabase>;
  /**
   * The valid diplomas to issue extracts of (at most `n`). Default: the first valid ones the
   * database returns; a large register samples them over the whole register instead.
   */
  pickValid?(db: Database, n: number): Promise<string[]>;
}

export function defaultBenchTargets(): BenchTarget[] {
  return benchDatabaseKinds().map((kind) => ({ label: kind, open: () => freshBenchDatabase(kind) }));
}

/** The first `n` valid diplomas of the register (all of them without `n`). */
export async function firstValidDiplomas(db: Database, n?: number): Promise<string[]> {
  const query = db.select({ id: diplomas.id }).from(diplomas).where(eq(diplomas.state, 'valid'));
  return (await (n === undefined ? query : query.limit(n))).map((r) => r.id);
}

/**
 * `n` valid diplomas spread over the whole register, deterministically: a block sample
 * (TABLESAMPLE SYSTEM, REPEATABLE) of about twice `n` rows, from the planner's row estimate, shuffled
 * by a seeded generator. Reads a few thousand pages of a 10 M register, and the whole of a small
 * one. Without `withReplacement` a small register may give fewer than `n`; with it, the sample is
 * repeated in a random order up to `n`.
 */
export async function sampleValidDiplomas(db: Database, n: number, opts: { seed?: number; withReplacement?: boolean } = {}): Promise<string[]> {
  const seed = opts.seed ?? 20261208;
  const [estimate] = rowsOf<{ rows: number }>(await db.execute(sql`select reltuples::float8 as rows from pg_class where oid = 'diplomas'::regclass`));
  const rows = Number(estimate?.rows ?? -1);
  // SYSTEM sampling picks whole pages: ask for at least ~20,000 rows' worth, or a large register may give one page
  const percent = rows > 0 ? Math.min(100, (100 * Math.max(2 * n, 20_000)) / rows) : 100;
  const sample = rowsOf<{ id: string }>(
    await db.execute(sql`select id from ${diplomas} tablesample system (${sql.raw(percent.toFixed(6))}) repeatable (${sql.raw(String(seed))}) where ${diplomas.state} = 'valid' order by id`),
  ).map((r) => r.id);
  const rng = createRng(seed);
  for (let i = sample.length - 1; i > 0; i--) {
    const j = Math.floor(rng.next() * (i + 1));
    [sample[i], sample[j]] = [sample[j]!, sample[i]!];
  }
  if (sample.length >= n || !opts.withReplacement || !sample.length) return sample.slice(0, n);
  return Array.from({ length: n }, (_, i) => (i < sample.length ? sample[i]! : sample[Math.floor(rng.next() * sample.length)]!));
}

/**
 * Migrations, status lists and `key` as the active signing key. A fresh database gets it at once; a
 * kept register (the country bench) had an earlier run's key, which is retired for it.
 */
export async function bootstrapBenchRegister(database: OpenDatabase, key: SigningKeyPair, now = new Date()) {
  await bootstrapRegister(database, { signingKeys: [key], pseudonymSecret: PSEUDONYM_SECRET, now, demo: false });
  await database.db.transaction((tx) => activateKey(tx, key.publicJwk, 'system', now));
}

/** A fresh, migrated database with reference data; dispose() removes it. */
export async function freshBenchDatabase(kind: DbKind): Promise<BenchDatabase> {
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
