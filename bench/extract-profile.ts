// CPU time per signed extract, by stage, from a V8 CPU profile of the issuing process. On a shared
// machine throughput swings by a quarter from run to run; CPU time per extract holds much better,
// and says where the time goes.
//   npx tsx bench/extract-profile.ts [pglite|postgres] [count] [in flight]
// (postgres needs DATABASE_URL). The profile's samples are grouped by the code they land in (the
// nearest frame with a source, for native frames); the shares are scaled to the main thread's CPU
// time from /proc, since sampled time also counts moments the thread waited for a core.
import { readFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { and, eq } from 'drizzle-orm';
import { diplomas } from '../db/schema.ts';
import { bootstrapRegister } from '../db/bootstrap.ts';
import { seedDemoRegister } from '../db/seed.ts';
import { generateSigningKey } from '../src/signing-keys/signing-key.ts';
import { importSealKey } from '../src/documents/pdf-seal.ts';
import { generateSealChain } from '../keys/seal.ts';
import { loadDocumentAssets } from '../keys/document-assets.ts';
import { createExtractServices, issueExtract, type ExtractIssuer } from '../src/extracts/extract-service.ts';
import { fmt, freshBenchDatabase, machine, PSEUDONYM_SECRET, type DbKind } from './support.ts';

const STAGES: Array<[stage: string, matches: (url: string, fn: string) => boolean]> = [
  ['garbage collection', (_, fn) => fn === '(garbage collector)'],
  ['database: PGlite (engine and driver)', (url) => url.includes('@electric-sql/pglite') || url.startsWith('wasm://')],
  ['database: postgres.js', (url) => url.includes('/node_modules/postgres/')],
  ['database: drizzle and our SQL', (url) => url.includes('drizzle-orm') || /src\/extracts\/(status-store|extract-service)\.ts/.test(url)],
  ['PDF: layout, text, fonts (ours)', (url) => /src\/documents\/(extract-pdf|font|i18n)\.ts/.test(url)],
  ['PDF: QR code (qrcode + ours)', (url) => url.includes('/qrcode/') || url.includes('dijkstrajs') || /src\/documents\/qr(-mask)?\.ts/.test(url)],
  ['PDF: pdf-lib objects and writing', (url) => url.includes('pdf-lib') || url.includes('/tslib/')],
  ['PDF: compression (CompressionStream)', (url) => url.includes('node:zlib') || url.includes('webstreams') || url.includes('node:internal/streams') || url.includes('node:internal/blob')],
  ['seal: CMS and byte ranges', (url) => /src\/documents\/(pdf-seal|cms)\.ts/.test(url) || url.includes('pkijs') || url.includes('asn1js')],
  ['credential: build and encode', (url) => url.includes('src/credentials/') || url.includes('/jose/')],
  ['Web Crypto calls (SHA-256, Ed25519, RSA)', (url) => url.includes('node:internal/crypto')],
];

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string };
  children?: number[];
}

function stageTimes(profile: { nodes: ProfileNode[]; samples: number[]; timeDeltas: number[] }): Map<string, number> {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const stageOf = new Map<number, string>();
  const classify = (id: number): string => {
    let stage = stageOf.get(id);
    if (stage) return stage;
    const { functionName, url } = byId.get(id)!.callFrame;
    if (functionName === '(idle)' || functionName === '(program)') stage = functionName;
    else if (!url && functionName !== '(garbage collector)' && parent.has(id)) stage = classify(parent.get(id)!);
    else stage = STAGES.find(([, matches]) => matches(url, functionName))?.[0] ?? 'other (promises, Node internals)';
    stageOf.set(id, stage);
    return stage;
  };
  const times = new Map<string, number>();
  profile.samples.forEach((id, i) => {
    const stage = classify(id);
    times.set(stage, (times.get(stage) ?? 0) + profile.timeDeltas[i]! / 1000);
  });
  return times;
}

/** CPU time of the main (JavaScript) thread, from /proc; undefined elsewhere */
function mainThreadCpuMs(): number | undefined {
  try {
    const stat = readFileSync(`/proc/self/task/${process.pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10; // clock ticks of 10 ms
  } catch {
    return undefined;
  }
}

const kind = (process.argv[2] ?? 'pglite') as DbKind;
const count = Number(process.argv[3] ?? 600);
const inFlight = Number(process.argv[4] ?? 8);

const key = await generateSigningKey();
const chain = await generateSealChain();
const seal = await importSealKey({ certPem: chain.sealCertPem, keyPem: chain.sealKeyPem, chainPems: [chain.caCertPem] });
const database = await freshBenchDatabase(kind);
try {
  await bootstrapRegister(database, { signingKeys: [key], pseudonymSecret: PSEUDONYM_SECRET, now: new Date(), demo: false });
  await seedDemoRegister(database.db, { pseudonymSecret: PSEUDONYM_SECRET, now: new Date(), people: 150 });
  const valid = await database.db.select({ id: diplomas.id }).from(diplomas).where(and(eq(diplomas.state, 'valid')));
  const issuer: ExtractIssuer = {
    signingKeys: new Map([[key.kid, key]]),
    services: createExtractServices(),
    seal,
    documentAssets: await loadDocumentAssets(),
    publicBaseUrl: 'https://diplomaregister.example',
    did: 'did:web:diplomaregister.example',
  };
  const issue = (i: number) => issueExtract(database.db, issuer, { diplomaId: valid[i % valid.length]!.id, lang: i % 2 ? 'en' : 'nl', issuedBy: 'holder', now: new Date() });
  for (let i = 0; i < 100; i++) await issue(i); // warm-up

  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.setSamplingInterval', { interval: 250 });
  await session.post('Profiler.start');
  const main0 = mainThreadCpuMs();
  const cpu0 = process.cpuUsage();
  const started = performance.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: inFlight }, async () => {
      while (next < count) await issue(next++);
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage(cpu0);
  const main = mainThreadCpuMs();
  const { profile } = await session.post('Profiler.stop');
  session.disconnect();

  const times = stageTimes(profile as never);
  const busy = [...times].filter(([stage]) => stage !== '(idle)').reduce((sum, [, ms]) => sum + ms, 0);
  const mainMs = main !== undefined && main0 !== undefined ? main - main0 : busy;
  console.log(machine());
  console.log(`${kind}, ${count} extracts, ${inFlight} in flight, under the profiler: ${fmt(count / seconds)}/s`);
  console.log(`CPU per extract: process ${fmt((cpu.user + cpu.system) / 1000 / count, 2)} ms (all threads), main thread ${fmt(mainMs / count, 2)} ms${main === undefined ? ' (sampled)' : ''}\n`);
  console.log('main thread, by stage        ms per extract   share');
  for (const [stage, ms] of [...times].filter(([s]) => s !== '(idle)').sort((a, b) => b[1] - a[1])) {
    console.log(`${stage.padEnd(42)} ${fmt((ms / busy) * (mainMs / count), 2).padStart(6)}   ${fmt((100 * ms) / busy, 1).padStart(5)} %`);
  }
} finally {
  await database.dispose();
}
