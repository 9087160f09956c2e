// A process that issues extracts on a PGlite data directory, one after another, and prints each one
// (as a JSON line) once issueExtract has returned, i.e. once it is committed. The test kills it with
// SIGKILL while it issues the next. Input (env): PGLITE_DATA_DIR, ISSUE_INPUT (JSON: the signing key
// JWK, the seal chain, the diplomas to issue for).
import { openDatabase } from '../../../db/open.ts';
import { issueExtract } from '../../../src/extracts/extract-service.ts';
import { signingKeyFromPrivateJwk } from '../../../src/signing-keys/signing-key.ts';
import { importSealKey } from '../../../src/documents/pdf-seal.ts';
import { loadDocumentAssets } from '../../../keys/document-assets.ts';

interface Input {
  signingKeyJwk: JsonWebKey;
  sealChain: { caCertPem: string; sealCertPem: string; sealKeyPem: string };
  diplomaIds: string[];
  now: string;
}

const input = JSON.parse(process.env.ISSUE_INPUT!) as Input;
const database = await openDatabase({ kind: 'pglite', dataDir: process.env.PGLITE_DATA_DIR! });
const key = await signingKeyFromPrivateJwk(input.signingKeyJwk);
const seal = await importSealKey({ certPem: input.sealChain.sealCertPem, keyPem: input.sealChain.sealKeyPem, chainPems: [input.sealChain.caCertPem] });
const issuer = { signingKeys: new Map([[key.kid, key]]), seal, documentAssets: await loadDocumentAssets(), publicBaseUrl: 'http://register.test', did: 'did:web:register.test' };
process.stdout.write('ready\n');
// bounded, should the test never kill it
for (let i = 0; i < 500; i++) {
  const diplomaId = input.diplomaIds[i % input.diplomaIds.length]!;
  const extract = await issueExtract(database.db, issuer, { diplomaId, lang: i % 2 ? 'en' : 'nl', issuedBy: 'holder', now: new Date(input.now) });
  process.stdout.write(JSON.stringify({ id: extract.id, number: extract.number, secret: extract.verifyUrl.split('#')[1] }) + '\n');
}
await database.close();
