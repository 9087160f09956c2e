// Signing key, seal and fonts for tests that issue extracts (prepared once per test file).
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { inject } from 'vitest';
import { signingKeyFromPrivateJwk } from '../../src/signing-keys/signing-key.ts';
import { importSealKey } from '../../src/documents/pdf-seal.ts';
import { loadDocumentAssets } from '../../keys/document-assets.ts';
import type { AppDeps } from '../../src/deps.ts';

let prepared: Promise<Pick<AppDeps, 'signingKeys' | 'documents'>> | undefined;

export function testDocumentDeps() {
  prepared ??= (async () => {
    const key = await signingKeyFromPrivateJwk(inject('signingKeyJwk'));
    const chain = inject('sealChain');
    const seal = await importSealKey({ certPem: chain.sealCertPem, keyPem: chain.sealKeyPem, chainPems: [chain.caCertPem] });
    return { signingKeys: new Map([[key.kid, key]]), documents: { seal, assets: await loadDocumentAssets() } };
  })();
  return prepared;
}

/** An NSS database trusting the test dev CA, for `pdfsig -nssdir`. */
export function nssDirTrustingDevCa(): string {
  const dir = mkdtempSync(join(tmpdir(), 'nss-'));
  writeFileSync(join(dir, 'ca.pem'), inject('sealChain').caCertPem);
  execFileSync('certutil', ['-N', '-d', `sql:${dir}`, '--empty-password']);
  execFileSync('certutil', ['-A', '-d', `sql:${dir}`, '-n', 'devca', '-t', 'CT,C,C', '-i', join(dir, 'ca.pem')]);
  return dir;
}
