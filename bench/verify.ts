// Verification over loopback HTTP: POST /credentials/verify (the vc+jwt) and the QR entrance
// (POST /api/v1/verify, number + secret) per database, beside a bare baseline in the same run:
// node:http + JSON.parse + node:crypto Ed25519 verifying the same token. The load comes from a
// forked child process (bench/load-generator.ts), so client CPU does not share the server's loop.
import { fork, type ChildProcess } from 'node:child_process';
import { createPublicKey, verify as verifySignature, type KeyObject } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { serveNode } from '../src/node/http-server.ts';
import { createNodeEd25519 } from '../src/node/ed25519.ts';
import { sql } from 'drizzle-orm';
import { seedDemoRegister } from '../db/seed.ts';
import type { OpenDatabase } from '../db/open.ts';
import { createApp } from '../src/app.ts';
import { loadConfig } from '../src/config.ts';
import { createLogger } from '../src/logger.ts';
import { systemClock } from '../src/clock.ts';
import { generateSigningKey, type SigningKeyPair } from '../src/signing-keys/signing-key.ts';
import { importSealKey } from '../src/documents/pdf-seal.ts';
import { generateSealChain } from '../keys/seal.ts';
import { loadDocumentAssets } from '../keys/document-assets.ts';
import { createExtractServices, issueExtract, type IssuedExtract } from '../src/extracts/extract-service.ts';
import { bootstrapBenchRegister, defaultBenchTargets, firstValidDiplomas, fmt, PSEUDONYM_SECRET, type BenchSection, type BenchTarget } from './support.ts';
import type { ClosedResult, Job, OpenResult, Target } from './load-generator.ts';

const PUBLIC_BASE_URL = 'http://bench.local';
const CONCURRENCY = 32;
const WARMUP_MS = 1500;
const DURATION_MS = 5000;
const FIXED_RATE = 500;
/** extracts of as many different diplomas, for the rows where requests take them in turn */
const DISTINCT_EXTRACTS = 16;

interface Listening {
  url: string;
  close(): Promise<void>;
}

async function listening(server: Server): Promise<Listening> {
  await new Promise<void>((r) => (server.listening ? r() : server.once('listening', () => r())));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise<void>((r) => {
      server.closeAllConnections();
      server.close(() => r());
    }),
  };
}

/** serveApp (support.ts) plus the signing key: the status lists and the verifier need it. */
async function serveRegister(database: OpenDatabase, key: SigningKeyPair): Promise<Listening> {
  const app = createApp({
    registerChanges: await database.changes(),
    ed25519: createNodeEd25519(),
    db: database.db,
    // one load generator is one client: the per-client verification limit would answer it 429
    config: loadConfig({ LOG_LEVEL: 'silent', PUBLIC_BASE_URL, VERIFY_RATE_LIMIT: '0' }),
    clock: systemClock,
    logger: createLogger('silent'),
    pseudonymSecret: PSEUDONYM_SECRET,
    pingDatabase: async () => void (await database.db.execute(sql`select 1`)),
    signingKeys: new Map([[key.kid, key]]),
  });
  return listening(serveNode({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }) as Server);
}

/** The floor: read the body, JSON.parse it, verify the token's Ed25519 signature, answer. */
function serveBaseline(publicKey: KeyObject): Promise<Listening> {
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const jwt: string = JSON.parse(Buffer.concat(chunks).toString('utf8')).verifiableCredential;
      const dot = jwt.lastIndexOf('.');
      const verified = verifySignature(null, Buffer.from(jwt.slice(0, dot)), publicKey, Buffer.from(jwt.slice(dot + 1), 'base64url'));
      const body = JSON.stringify({ verified });
      res.writeHead(verified ? 200 : 500, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) }).end(body);
    });
  });
  server.listen(0, '127.0.0.1');
  return listening(server);
}

class LoadGenerator {
  private constructor(private readonly child: ChildProcess) {}

  static start(): LoadGenerator {
    const child = fork(join(import.meta.dirname, 'load-generator.ts'), [], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    return new LoadGenerator(child);
  }

  private ask<T>(job: Job): Promise<T> {
    return new Promise((resolve, reject) => {
      const onExit = (code: number | null) => reject(new Error(`load generator exited (${code})`));
      this.child.once('exit', onExit);
      this.child.once('message', (m) => {
        this.child.off('exit', onExit);
        resolve(m as T);
      });
      this.child.send(job);
    });
  }

  /** Also the server's CPU time per answer: this process serves (PGlite included), the generator loads. */
  async closed(target: Target) {
    const cpu = process.cpuUsage();
    const r = await this.ask<ClosedResult>({ kind: 'closed', concurrency: CONCURRENCY, warmupMs: WARMUP_MS, durationMs: DURATION_MS, ...target });
    const used = process.cpuUsage(cpu);
    return { rate: r.ok / r.seconds, failed: r.failed, cpuMicrosPerRequest: (used.user + used.system) / r.answered };
  }

  async open(target: Target) {
    const r = await this.ask<OpenResult>({ kind: 'open', rate: FIXED_RATE, durationMs: DURATION_MS, ...target });
    // failed requests are Infinity: sort the finite ones (Infinity − Infinity is NaN to a sort)
    const sorted = [...r.latencies.filter(Number.isFinite).sort((a, b) => a - b), ...r.latencies.filter((x) => !Number.isFinite(x))];
    const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor((q / 100) * sorted.length))]!;
    return { p50: at(50), p99: at(99), failed: r.failed, abandoned: r.abandoned, late: r.late, scheduled: r.scheduled };
  }

  stop() {
    this.child.send({ kind: 'exit' } satisfies Job);
  }
}

/** Each body checked by hand before loading: a benchmark of 404s or `not_authentic` proves nothing. */
async function expectAuthentic(target: Target) {
  for (const body of target.bodies ?? [target.body]) {
    const res = await fetch(new URL(target.path, target.url), { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    const result = (await res.json()) as { verified?: boolean; verdict?: string };
    if (res.status !== 200 || result.verified !== true) throw new Error(`${target.path} answered ${res.status} ${JSON.stringify(result).slice(0, 300)}`);
  }
}

/** A percentile that lands on a failed request is not a latency. */
const ms = (x: number) => (Number.isFinite(x) ? fmt(x, 1) : 'n/a (failed)');

function qrBody(extract: IssuedExtract): string {
  const u = new URL(extract.verifyUrl);
  return JSON.stringify({ number: u.pathname.split('/').pop(), secret: u.hash.slice(1) });
}

export async function run(opts: { targets?: BenchTarget[] } = {}): Promise<BenchSection> {
  const key = await generateSigningKey();
  const chain = await generateSealChain();
  const seal = await importSealKey({ certPem: chain.sealCertPem, keyPem: chain.sealKeyPem, chainPems: [chain.caCertPem] });
  const assets = await loadDocumentAssets();
  const config = loadConfig({ LOG_LEVEL: 'silent', PUBLIC_BASE_URL });
  const generator = LoadGenerator.start();
  const rows: (string | number)[][] = [];
  const failures: string[] = [];
  const row = (what: string, closed: Awaited<ReturnType<LoadGenerator['closed']>>, open: Awaited<ReturnType<LoadGenerator['open']>>, baselineRate: number) => {
    rows.push([what, fmt(closed.rate), baselineRate ? `${fmt((100 * closed.rate) / baselineRate)} %` : '100 %', fmt(closed.cpuMicrosPerRequest), ms(open.p50), ms(open.p99), `${open.late} / ${open.failed}`]);
    if (closed.failed || open.failed) failures.push(`${what}: ${closed.failed} failed in the closed loop; at ${FIXED_RATE}/s ${open.failed} of ${open.scheduled} failed, ${open.abandoned} of them given up (unanswered 2 s after the last send).`);
  };

  try {
    let baselineRate = 0;
    for (const target of opts.targets ?? defaultBenchTargets()) {
      const kind = target.label;
      const database = await target.open();
      const server = await serveRegister(database, key);
      try {
        await bootstrapBenchRegister(database, key);
        await seedDemoRegister(database.db, { pseudonymSecret: PSEUDONYM_SECRET, now: new Date(), people: 20 });
        const valid = (await (target.pickValid ?? firstValidDiplomas)(database.db, DISTINCT_EXTRACTS)).map((id) => ({ id }));
        if (valid.length < DISTINCT_EXTRACTS) throw new Error(`the seeded register has only ${valid.length} valid diplomas`);
        const issuer = { signingKeys: new Map([[key.kid, key]]), services: createExtractServices(), seal, documentAssets: assets, publicBaseUrl: config.publicBaseUrl, did: config.did };
        const extracts: IssuedExtract[] = [];
        for (const diploma of valid) extracts.push(await issueExtract(database.db, issuer, { diplomaId: diploma.id, lang: 'nl', issuedBy: 'holder', now: new Date() }));
        const extract = extracts[0]!;
        const credentialBody = JSON.stringify({ verifiableCredential: extract.credentialJwt });

        if (!baselineRate) {
          const baseline = await serveBaseline(createPublicKey({ key: { ...key.publicJwk }, format: 'jwk' }));
          try {
            const target = { url: baseline.url, path: '/credentials/verify', body: credentialBody };
            await expectAuthentic(target);
            const closed = await generator.closed(target);
            baselineRate = closed.rate;
            row('baseline: node:http + JSON.parse + node:crypto Ed25519 verify', closed, await generator.open(target), 0);
          } finally {
            await baseline.close();
          }
        }

        const credentialBodies = extracts.map((e) => JSON.stringify({ verifiableCredential: e.credentialJwt }));
        const targets: Array<[string, Target]> = [
          [`POST /credentials/verify (${kind})`, { url: server.url, path: '/credentials/verify', body: credentialBody }],
          [`QR entrance POST /api/v1/verify (${kind})`, { url: server.url, path: '/api/v1/verify', body: qrBody(extract) }],
          [`POST /credentials/verify, ${DISTINCT_EXTRACTS} extracts in turn (${kind})`, { url: server.url, path: '/credentials/verify', body: credentialBody, bodies: credentialBodies }],
          [`QR entrance, ${DISTINCT_EXTRACTS} extracts in turn (${kind})`, { url: server.url, path: '/api/v1/verify', body: qrBody(extract), bodies: extracts.map(qrBody) }],
        ];
        for (const [what, target] of targets) {
          await expectAuthentic(target);
          const closed = await generator.closed(target);
          row(what, closed, await generator.open(target), baselineRate);
        }
      } finally {
        await server.close();
        await database.dispose();
      }
    }
  } finally {
    generator.stop();
  }

  return {
    title: 'Verification',
    columns: ['what', `req/s (${CONCURRENCY} in flight, closed loop)`, '% of baseline', 'server CPU µs per request', `p50 at ${FIXED_RATE}/s (ms)`, `p99 at ${FIXED_RATE}/s (ms)`, `late / failed at ${FIXED_RATE}/s`],
    rows,
    notes: [
      'The service is served as `npm start` serves it: src/node/http-server.ts, node:crypto Ed25519 (src/node/ed25519.ts), the register change feed (on PGlite what a verification read is kept until the register announces a change, migration 0008; PostgreSQL is read every time), V8 semi-space 32 MB (the bench script passes the same flag; the baseline runs in this process too). Every verification still writes its "who looked" event before it answers (events that arrive together share one statement).',
      `The same genuine extract every time (Ed25519 vc+jwt, ${PUBLIC_BASE_URL} status lists, all six checks passing; checked once by hand before each load), or ${DISTINCT_EXTRACTS} extracts of different diplomas in turn (each checked by hand), so that concurrent verifications do not all ask the database for the same rows. The QR entrance also looks the extract up by number, hashes the secret and writes a verification event per request.`,
      'Server CPU per request: the CPU time of the process that serves (PGlite runs inside it; a PostgreSQL server does not), over the closed loop and its warm-up, divided by the answers. It is steadier than req/s when other work shares the machine.',
      `Load from a forked child process (bench/load-generator.ts, node:http keep-alive agent), so client CPU does not share the server's event loop — but it shares the machine's cores with the server (and PostgreSQL). Closed loop: ${CONCURRENCY} clients for ${DURATION_MS / 1000} s after ${WARMUP_MS / 1000} s warm-up. Fixed rate: ${FIXED_RATE} requests/s for ${DURATION_MS / 1000} s scheduled by the clock (open loop); latency runs from the scheduled moment to the whole answer, a failed request counts as infinitely slow and the generator gives up 2 s after the last send; "late" = sent > 5 ms after its moment.`,
      ...failures,
    ],
  };
}
