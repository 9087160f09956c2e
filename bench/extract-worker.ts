// One worker process of the multi-process extract bench (see extracts.ts): issues extracts against
// the shared PostgreSQL database and reports its count and latencies on stdout as JSON.
import { readFileSync } from 'node:fs';
import { openDatabase } from '../db/open.ts';
import { signingKeyFromPrivateJwk } from '../src/signing-keys/signing-key.ts';
import { importSealKey } from '../src/documents/pdf-seal.ts';
import { loadDocumentAssets } from '../keys/document-assets.ts';
import { createExtractServices, issueExtract } from '../src/extracts/extract-service.ts';

const input = JSON.parse(readFileSync(process.argv[2]!, 'utf8')) as { url: string; jwk: JsonWebKey; chain: { caCertPem: string; sealCertPem: string; sealKeyPem: string }; diplomaIds: string[]; count: number; concurrency: number; startAt: number };
const database = await openDatabase({ kind: 'postgres', url: input.url, max: input.concurrency + 1 });
const key = await signingKeyFromPrivateJwk(input.jwk);
const issuer = {
  signingKeys: new Map([[key.kid, key]]),
  services: createExtractServices(),
  seal: await importSealKey({ certPem: input.chain.sealCertPem, keyPem: input.chain.sealKeyPem, chainPems: [input.chain.caCertPem] }),
  documentAssets: await loadDocumentAssets(),
  publicBaseUrl: 'https://diplomaregister.example',
  did: 'did:web:diplomaregister.example',
};
// the parent's diplomas: on the small register all its valid ones, on the country register a sample
const valid = input.diplomaIds;
const issue = (i: number) => issueExtract(database.db, issuer, { diplomaId: valid[i % valid.length]!, lang: i % 2 ? 'en' : 'nl', issuedBy: 'holder', now: new Date() });
for (let i = 0; i < 20; i++) await issue(i); // warm-up
while (Date.now() < input.startAt) await new Promise((r) => setTimeout(r, 5));
const latencies: number[] = [];
let next = 0;
const cpu = process.cpuUsage();
const started = performance.now();
await Promise.all(
  Array.from({ length: input.concurrency }, async () => {
    while (next < input.count) {
      const i = next++;
      const t = performance.now();
      await issue(i);
      latencies.push(performance.now() - t);
    }
  }),
);
const seconds = (performance.now() - started) / 1000;
const used = process.cpuUsage(cpu);
await database.close();
process.stdout.write(JSON.stringify({ count: input.count, seconds, latencies, cpuMs: (used.user + used.system) / 1000 }) + '\n');
