// npm run bench:country [-- --diplomas N] [--database NAME] [--rounds R] [--drop-after]
//
// The bench at the scale of the whole country: a PostgreSQL register of N synthetic diplomas
// (default 10,000,000), filled with db:synth (db/synth.ts: COPY, resumable, deterministic) in its own
// database on the server of DATABASE_URL — created if missing, kept for the next run (a rerun adds
// only what is missing), never dropped unless --drop-after. Then, in the same run, the verification
// and extract rows of bench/verify.ts and bench/extracts.ts (the same code) on a fresh small register
// and on the country register, and register look-ups (the app's prepared statements) on both.
// Writes BENCHMARKS-country.md; `npm run bench` includes that file in BENCHMARKS.md.
import { writeFileSync } from 'node:fs';
import postgres from 'postgres';
import { sql } from 'drizzle-orm';
import { openDatabase } from '../db/open.ts';
import { extracts } from '../db/schema.ts';
import { seedDemoRegister } from '../db/seed.ts';
import { createRng } from '../db/demo/generate.ts';
import { countSynthDiplomas, progressLine, SYNTH_MAX_DIPLOMAS, synthesize } from '../db/synth.ts';
import { parseArgs, UsageError } from '../db/cli.ts';
import { generateSigningKey } from '../src/signing-keys/signing-key.ts';
import { importSealKey } from '../src/documents/pdf-seal.ts';
import { generateSealChain } from '../keys/seal.ts';
import { loadDocumentAssets } from '../keys/document-assets.ts';
import { createDiplomaViews, createExtractServices, issueExtract, loadDiplomaView } from '../src/extracts/extract-service.ts';
import { createRegisterReads } from '../src/verifier/sources.ts';
import {
  bootstrapBenchRegister,
  fmt,
  freshBenchDatabase,
  machine,
  median,
  percentile,
  PSEUDONYM_SECRET,
  sampleValidDiplomas,
  type BenchDatabase,
  type BenchSection,
  type BenchTarget,
} from './support.ts';

export const COUNTRY_REPORT = 'BENCHMARKS-country.md';
const DEFAULT_DIPLOMAS = 10_000_000;
const DEFAULT_DATABASE = 'diploma_register_country';
const LOOKUPS = 20_000;
const DEFAULT_ROUNDS = 3;
/** extracts the look-ups choose from (issued where the register has fewer) */
const LOOKUP_EXTRACTS = 300;

const usage = `usage: npm run bench:country -- [--diplomas N] [--database NAME] [--rounds R] [--drop-after]

Needs DATABASE_URL (a PostgreSQL server; its user may create databases).
  --diplomas N     synthetic diplomas in the country register (default ${fmt(DEFAULT_DIPLOMAS)}, at most ${fmt(SYNTH_MAX_DIPLOMAS)});
                   the database keeps them, so a rerun only adds what is missing
  --database NAME  the database to fill and bench (default ${DEFAULT_DATABASE}; created if missing)
  --rounds R       rounds of the verification and extract rows on both registers, medians compared (default ${DEFAULT_ROUNDS})
  --drop-after     drop that database at the end (for trials; never done by default)
Writes ${COUNTRY_REPORT} (included in BENCHMARKS.md by \`npm run bench\`).`;

function secondsSince(t: number) {
  return (performance.now() - t) / 1000;
}

/** The register reads a verification makes, and the diploma view an extract prints, one at a time. */
async function measureLookups(database: BenchDatabase, label: string): Promise<(string | number)[][]> {
  const { db } = database;
  const known = await db.select({ credentialId: extracts.credentialId, number: extracts.number }).from(extracts);
  if (!known.length) throw new Error(`${label}: no extracts to look up`);
  const diplomaIds = await sampleValidDiplomas(db, LOOKUPS, { seed: 5, withReplacement: true });
  const reads = createRegisterReads(undefined)(db);
  const views = createDiplomaViews();
  const rng = createRng(17);
  const pickExtract = () => known[Math.floor(rng.next() * known.length)]!;
  const series: Array<[string, (i: number) => Promise<unknown>]> = [
    ['verifier register entry of an extract (verifier_verification_facts)', () => reads.registerEntry(pickExtract().credentialId)],
    ['extract by number, QR and number entrances (verifier_extracts_by_number)', () => reads.extractByNumber(pickExtract().number)],
    ['diploma with holder, programme, institution (extract_diploma_view)', (i) => loadDiplomaView(db, diplomaIds[i % diplomaIds.length]!, views)],
  ];
  const rows: (string | number)[][] = [];
  for (const [what, lookup] of series) {
    for (let i = 0; i < 1000; i++) if (!(await lookup(i))) throw new Error(`${label}: ${what} found nothing`); // warm-up, and each one found
    const latencies: number[] = [];
    for (let i = 0; i < LOOKUPS; i++) {
      const t = performance.now();
      const found = await lookup(i);
      latencies.push(performance.now() - t);
      if (!found) throw new Error(`${label}: ${what} found nothing`);
    }
    rows.push([`${what}, ${label}`, fmt(percentile(latencies, 50), 2), fmt(percentile(latencies, 99), 2), fmt(percentile(latencies, 99.9), 2), fmt(Math.max(...latencies), 1)]);
  }
  return rows;
}

/** Extracts of `n` sampled diplomas where the register holds fewer than `n`. */
async function ensureExtracts(database: BenchDatabase, n: number) {
  const [row] = await database.db.select({ n: sql<number>`count(*)::int` }).from(extracts);
  if ((row?.n ?? 0) >= n) return;
  const key = await generateSigningKey();
  await bootstrapBenchRegister(database, key);
  const chain = await generateSealChain();
  const issuer = {
    signingKeys: new Map([[key.kid, key]]),
    services: createExtractServices(),
    seal: await importSealKey({ certPem: chain.sealCertPem, keyPem: chain.sealKeyPem, chainPems: [chain.caCertPem] }),
    documentAssets: await loadDocumentAssets(),
    publicBaseUrl: 'https://diplomaregister.example',
    did: 'did:web:diplomaregister.example',
  };
  const ids = await sampleValidDiplomas(database.db, n, { seed: 3, withReplacement: true });
  for (let i = 0; i < n; i++) await issueExtract(database.db, issuer, { diplomaId: ids[i % ids.length]!, lang: i % 2 ? 'en' : 'nl', issuedBy: 'holder', now: new Date() });
}

function table(s: BenchSection, level = '###'): string[] {
  return [`${level} ${s.title}`, '', `| ${s.columns.join(' | ')} |`, `|${s.columns.map(() => '---').join('|')}|`, ...s.rows.map((r) => `| ${r.join(' | ')} |`), '', ...(s.notes ?? []), ''];
}

const num = (cell: string | number | undefined) => Number(String(cell).replace(/,/g, ''));

/**
 * Each row of the small register beside the same row of the country register, over the rounds:
 * the median of each column named, and the rounds' values.
 */
function comparison(rounds: BenchSection[], columns: Array<[number, string]>, small: string, country: string): (string | number)[][] {
  const out: (string | number)[][] = [];
  for (const r of rounds[0]!.rows) {
    const name = String(r[0]);
    if (!name.includes(`(${small})`)) continue;
    const twin = name.replace(`(${small})`, `(${country})`);
    for (const [column, unit] of columns) {
      const values = (label: string) => rounds.map((s) => num(s.rows.find((x) => String(x[0]) === label)?.[column])).filter(Number.isFinite);
      const a = values(name);
      const b = values(twin);
      if (!a.length || !b.length) continue;
      const ma = median(a);
      const mb = median(b);
      const digits = ma < 20 ? 1 : 0;
      out.push([
        `${name.replace(` (${small})`, '')} (${unit})`,
        `${fmt(ma, digits)}${a.length > 1 ? ` (${a.map((x) => fmt(x, digits)).join(', ')})` : ''}`,
        `${fmt(mb, digits)}${b.length > 1 ? ` (${b.map((x) => fmt(x, digits)).join(', ')})` : ''}`,
        `${mb >= ma ? '+' : ''}${fmt((100 * (mb - ma)) / ma, 1)} %`,
      ]);
    }
  }
  return out;
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  if (args.help) return void console.log(usage);
  const unknown = Object.keys(args).filter((k) => !['diplomas', 'database', 'drop-after', 'rounds'].includes(k));
  if (unknown.length) throw new UsageError(`unknown option: --${unknown[0]}`);
  if (!process.env.DATABASE_URL) throw new UsageError('DATABASE_URL must point at a PostgreSQL server');
  const wanted = args.diplomas === undefined ? DEFAULT_DIPLOMAS : /^[0-9]+$/.test(args.diplomas) ? Number(args.diplomas) : NaN;
  if (!Number.isSafeInteger(wanted) || wanted < 1 || wanted > SYNTH_MAX_DIPLOMAS) throw new UsageError(`--diplomas must be a whole number from 1 to ${SYNTH_MAX_DIPLOMAS}`);
  const name = args.database ?? DEFAULT_DATABASE;
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(name)) throw new UsageError('--database must be a plain lower-case PostgreSQL name');
  const drop = args['drop-after'] === 'true';
  const rounds = args.rounds === undefined ? DEFAULT_ROUNDS : /^[1-9]$/.test(args.rounds) ? Number(args.rounds) : NaN;
  if (!Number.isInteger(rounds)) throw new UsageError('--rounds must be a whole number from 1 to 9');

  const stages: string[] = [];
  const admin = postgres(process.env.DATABASE_URL, { max: 1, onnotice: () => {} });
  const url = new URL(process.env.DATABASE_URL);
  url.pathname = `/${name}`;
  try {
    const [exists] = await admin`select 1 from pg_database where datname = ${name}`;
    if (!exists) await admin.unsafe(`create database "${name}"`);
    process.stderr.write(`bench:country: ${exists ? 'using' : 'created'} database ${name}\n`);

    // 1. the country register
    let t = performance.now();
    const load = await openDatabase({ kind: 'postgres', url: url.toString(), max: 2 });
    let synthesized: number;
    try {
      await load.migrate();
      let last = '';
      const result = await synthesize(load, {
        diplomas: wanted,
        pseudonymSecret: PSEUDONYM_SECRET,
        onProgress: (p) => {
          const text = progressLine(p);
          process.stderr.write(`\r${text}${' '.repeat(Math.max(0, last.length - text.length))}`);
          last = text;
        },
      }).finally(() => process.stderr.write('\n'));
      const loadSeconds = secondsSince(t);
      stages.push(`db:synth ${fmt(result.added)} diplomas added to ${fmt(result.existing)} present: ${fmt(loadSeconds, 1)} s${result.added ? ` (${fmt(result.added / loadSeconds)} diplomas/s)` : ''}`);
      if (result.added) {
        // what autovacuum would have done to a register in service (this server may run without it):
        // hint bits and visibility set once, not by the first reads of the bench; planner statistics
        t = performance.now();
        await load.db.execute(sql`vacuum (analyze) holders, diplomas, feed_records, audit_events`);
        stages.push(`vacuum (analyze): ${fmt(secondsSince(t), 1)} s`);
      }
      synthesized = await countSynthDiplomas(load.db);
    } finally {
      await load.close();
    }
    const countryLabel = `postgres, ${fmt(synthesized)} diplomas`;
    const smallLabel = 'postgres, small register';

    const small: BenchTarget = { label: smallLabel, open: () => freshBenchDatabase('postgres') };
    const openCountry = async (): Promise<BenchDatabase> => {
      const db = await openDatabase({ kind: 'postgres', url: url.toString(), max: 10 });
      return { ...db, url: url.toString(), dispose: () => db.close() };
    };
    // extracts of diplomas sampled over the whole register, not its first rows
    const country: BenchTarget = { label: countryLabel, open: openCountry, pickValid: (db, n) => sampleValidDiplomas(db, n) };

    // 2. the bench's rows, small register first, then the country register, in one run
    // rounds alternate which register goes first, so that neither always meets the quieter moment
    const verifyRounds: BenchSection[] = [];
    const extractRounds: BenchSection[] = [];
    const benchVerify = (await import('./verify.ts')).run;
    const benchExtracts = (await import('./extracts.ts')).run;
    for (let round = 0; round < rounds; round++) {
      const targets = round % 2 ? [country, small] : [small, country];
      t = performance.now();
      verifyRounds.push(await benchVerify({ targets }));
      stages.push(`verification rows, round ${round + 1}: ${fmt(secondsSince(t), 1)} s`);
      t = performance.now();
      extractRounds.push(await benchExtracts({ targets }));
      stages.push(`extract rows, round ${round + 1}: ${fmt(secondsSince(t), 1)} s`);
    }

    // 3. register look-ups
    t = performance.now();
    const lookupRows: (string | number)[][] = [];
    const smallDb = await freshBenchDatabase('postgres');
    try {
      await bootstrapBenchRegister(smallDb, await generateSigningKey());
      await seedDemoRegister(smallDb.db, { pseudonymSecret: PSEUDONYM_SECRET, now: new Date(), people: 150 });
      await ensureExtracts(smallDb, LOOKUP_EXTRACTS);
      lookupRows.push(...(await measureLookups(smallDb, 'small register')));
    } finally {
      await smallDb.dispose();
    }
    const countryDb = await openCountry();
    try {
      await ensureExtracts(countryDb, LOOKUP_EXTRACTS);
      lookupRows.push(...(await measureLookups(countryDb, `${fmt(synthesized)} diplomas`)));
    } finally {
      await countryDb.dispose();
    }
    stages.push(`look-ups: ${fmt(secondsSince(t), 1)} s`);

    const date = new Date().toISOString().slice(0, 16).replace('T', ' ');
    const options = [args.diplomas === undefined ? '' : ` --diplomas ${args.diplomas}`, args.database ? ` --database ${name}` : '', args.rounds ? ` --rounds ${rounds}` : '', drop ? ' --drop-after' : ''].join('');
    const command = `npm run bench:country${options ? ` --${options}` : ''}`;
    const md = [
      `## Country scale (${fmt(synthesized)} diplomas)`,
      '',
      `Run with \`${command}\` (DATABASE_URL set) on ${date} UTC, written to ${COUNTRY_REPORT}.`,
      `Machine: ${machine()}. Database: PostgreSQL (local server, loopback), database ${name}: ${fmt(synthesized)} synthetic diplomas from db:synth (seed 1) plus the demo people the benches add.`,
      `Stages: ${stages.join('; ')}.`,
      'The small register is a fresh database per bench with the demo people only, as in `npm run bench`; both are benched in this one run by the same code (bench/verify.ts, bench/extracts.ts). On the country register the extracts are of diplomas sampled over the whole register (a block sample, TABLESAMPLE SYSTEM), not its first rows.',
      '',
      ...table({
        title: 'Small register against the country register',
        columns: ['row', 'small register', `${fmt(synthesized)} diplomas`, 'difference'],
        rows: [
          ...comparison(verifyRounds, [[1, 'req/s'], [3, 'server CPU µs per request']], smallLabel, countryLabel),
          ...comparison(extractRounds, [[2, 'documents/s'], [5, 'Node CPU ms each']], smallLabel, countryLabel),
        ],
        notes: [
          `Median over ${rounds} round${rounds > 1 ? 's' : ''} (each round's value in brackets; rounds alternate which register goes first). req/s from the closed loop (32 in flight), documents/s the better of two runs of 400, CPU time of the serving or issuing process per request or document; the tables below have the latencies. This machine is shared and noisy: req/s and documents/s of the same code differ by tens of percent between runs, the CPU columns far less.`,
        ],
      }),
      ...table({
        title: 'Register look-ups',
        columns: ['look-up, register', 'p50 (ms)', 'p99 (ms)', 'p99.9 (ms)', 'max (ms)'],
        rows: lookupRows,
        notes: [
          `${fmt(LOOKUPS)} look-ups each, one at a time after 1,000 of warm-up, through the app's own prepared statements (src/verifier/sources.ts createRegisterReads, src/extracts/extract-service.ts loadDiplomaView) on a pool of 10 connections over loopback; each must find its row. Extracts drawn at random from the register's extracts (at least ${LOOKUP_EXTRACTS}); diplomas sampled over the whole register.`,
        ],
      }),
      ...verifyRounds.flatMap((v, i) => table({ ...v, title: `${v.title}${rounds > 1 ? `, round ${i + 1}` : ''}` })),
      ...extractRounds.flatMap((v, i) => table({ ...v, title: `${v.title}${rounds > 1 ? `, round ${i + 1}` : ''}` })),
    ].join('\n');
    writeFileSync(COUNTRY_REPORT, md);
    console.log(md);
  } finally {
    if (drop) {
      await admin.unsafe(`drop database if exists "${name}" with (force)`);
      process.stderr.write(`bench:country: dropped database ${name}\n`);
    }
    await admin.end();
  }
}

main().catch((err: unknown) => {
  if (err instanceof UsageError) {
    console.error(`${err.message}\n\n${usage}`);
    process.exit(2);
  }
  console.error(err);
  process.exit(1);
});
