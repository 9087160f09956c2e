// npm run bench — runs every benchmark and writes BENCHMARKS.md (machine and date included).
// PostgreSQL figures too when DATABASE_URL points at a server (each bench makes its own database).
// The country-scale section comes from `npm run bench:country` (bench/country.ts, its own file): it is
// included as that command last wrote it, never rerun or overwritten here.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { machine, type BenchSection } from './support.ts';

const benches: Array<{ name: string; load: () => Promise<{ run(): Promise<BenchSection> }> }> = [
  { name: 'feed', load: () => import('./feed.ts') },
  { name: 'extracts', load: () => import('./extracts.ts') },
  { name: 'verify', load: () => import('./verify.ts') },
];

const only = process.argv.slice(2);
const sections: BenchSection[] = [];
for (const bench of benches) {
  if (only.length && !only.includes(bench.name)) continue;
  process.stderr.write(`bench: ${bench.name} …\n`);
  sections.push(await (await bench.load()).run());
}

const date = new Date().toISOString().slice(0, 16).replace('T', ' ');
const md = [
  '# Benchmarks',
  '',
  `Run with \`npm run bench\` on ${date} UTC.`,
  `Machine: ${machine()}.`,
  `Databases: PGlite (in memory)${process.env.DATABASE_URL ? ' and PostgreSQL (local server, loopback)' : ''}.`,
  '',
  ...sections.flatMap((s) => [
    `## ${s.title}`,
    '',
    `| ${s.columns.join(' | ')} |`,
    `|${s.columns.map(() => '---').join('|')}|`,
    ...s.rows.map((r) => `| ${r.join(' | ')} |`),
    '',
    ...(s.notes ?? []).map((n) => `${n}`),
    '',
  ]),
  ...(existsSync('BENCHMARKS-country.md') ? [readFileSync('BENCHMARKS-country.md', 'utf8').trimEnd(), ''] : []),
].join('\n');
// a filtered run (npm run bench -- extracts) prints only: BENCHMARKS.md always holds a whole run
if (only.length === 0) writeFileSync('BENCHMARKS.md', md);
console.log(md);
