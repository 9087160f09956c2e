// Seal certificate renewal: PDFs sealed with the previous seal certificate still verify when that
// certificate is listed in SEAL_PREVIOUS_CERTS, and only then; the file is read once at start and
// a bad one stops the start with a ConfigError. Over real HTTP on every database, and the Node
// entry itself as a process.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { diplomas } from '../../db/schema.ts';
import { openDatabase } from '../../db/open.ts';
import { ConfigError, didWebFor, loadConfig } from '../../src/config.ts';
import { importSealKey, type SealKey } from '../../src/documents/pdf-seal.ts';
import { issueExtract, type ExtractIssuer, type IssuedExtract } from '../../src/extracts/extract-service.ts';
import { generateSealChain, type SealChain } from '../../keys/seal.ts';
import { loadPreviousSealCertificates } from '../../keys/document-assets.ts';
import type { Database } from '../../src/database.ts';
import type { AppDeps } from '../../src/deps.ts';
import { describeEachDatabase } from '../support/databases.ts';
import { startApp, type RunningApp } from '../support/app.ts';
import { testDocumentDeps } from '../support/documents.ts';
import { freePort, startProcess, waitForHttp, type RunningProcess } from '../support/process.ts';
import { TEST_NOW, TEST_PSEUDONYM_SECRET } from '../support/constants.ts';

const root = process.cwd();
const dir = mkdtempSync(join(tmpdir(), 'seal-renewal-'));
const sealKeyOf = (chain: SealChain) => importSealKey({ certPem: chain.sealCertPem, keyPem: chain.sealKeyPem, chainPems: [chain.caCertPem] });
const derOf = (pem: string) => new Uint8Array(Buffer.from(pem.replace(/-----[^-]+-----|\s+/g, ''), 'base64'));
const pemOf = (label: string, der: Uint8Array) => `-----BEGIN ${label}-----\n${Buffer.from(der).toString('base64').replace(/.{64}/g, '$&\n')}\n-----END ${label}-----\n`;
const fileWith = (name: string, content: string) => {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
};

interface SealCheck {
  id: string;
  status: string;
  code: string;
  details?: { seal?: boolean };
}
interface Answer {
  verdict: string;
  checks: SealCheck[];
}

async function uploadTo(base: string, pdf: Uint8Array): Promise<Answer> {
  const body = new FormData();
  body.set('file', new File([new Uint8Array(pdf)], 'extract.pdf', { type: 'application/pdf' }));
  const res = await fetch(`${base}/api/v1/verify`, { method: 'POST', body });
  expect(res.status).toBe(200);
  return (await res.json()) as Answer;
}
const sealOf = (answer: Answer) => answer.checks.find((c) => c.id === 'signature' && c.details?.seal === true);

async function aValidDiploma(db: Database): Promise<string> {
  const [d] = await db.select({ id: diplomas.id }).from(diplomas).where(eq(diplomas.state, 'valid')).limit(1);
  return d!.id;
}

describe('SEAL_PREVIOUS_CERTS: reading the file', () => {
  let chains: SealChain[];
  beforeAll(async () => {
    chains = [await generateSealChain(), await generateSealChain()];
  });

  const refused = (path: string): string => {
    try {
      loadPreviousSealCertificates(path);
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      const message = (err as ConfigError).message;
      expect(message).toMatch(/^Invalid configuration:\n {2}SEAL_PREVIOUS_CERTS: /);
      expect(message).toContain(path);
      return message;
    }
    throw new Error(`${path} was accepted`);
  };

  it('is a setting of its own in the configuration', () => {
    expect(loadConfig({ SEAL_PREVIOUS_CERTS: '/etc/register/previous-seals.pem' }).sealPreviousCertsFile).toBe('/etc/register/previous-seals.pem');
    expect(loadConfig({}).sealPreviousCertsFile).toBeUndefined();
    expect(loadConfig({ SEAL_PREVIOUS_CERTS: '' }).sealPreviousCertsFile).toBeUndefined();
  });

  it('takes one or more certificates, in order, with explanatory text around them (as openssl writes it)', () => {
    const one = loadPreviousSealCertificates(fileWith('one.pem', chains[0]!.sealCertPem));
    expect(one).toEqual([derOf(chains[0]!.sealCertPem)]);
    const two = loadPreviousSealCertificates(
      fileWith('two.pem', `subject=CN=Diplomaregister Seal 2024\n${chains[0]!.sealCertPem}\r\n\nsubject=CN=Diplomaregister Seal 2021\n${chains[1]!.sealCertPem.replace(/\n/g, '\r\n')}`),
    );
    expect(two).toEqual([derOf(chains[0]!.sealCertPem), derOf(chains[1]!.sealCertPem)]);
  });

  it('refuses a file that is missing, empty or holds no certificate', () => {
    expect(refused(join(dir, 'does-not-exist.pem'))).toContain('cannot be read (ENOENT)');
    expect(refused(fileWith('empty.pem', ''))).toContain('holds no PEM "CERTIFICATE" block');
    expect(refused(fileWith('text.pem', 'the seal certificate of 2024\n'))).toContain('holds no PEM "CERTIFICATE" block');
    expect(refused(dir)).toContain('cannot be read (EISDIR)');
  });

  it('refuses anything in the file that is not a genuine X.509 certificate, naming the block, never its content', async () => {
    const cert = derOf(chains[0]!.sealCertPem);
    const key = derOf(chains[0]!.sealKeyPem);
    // a private key put there by mistake: refused by its label, and by its content under a false label
    const keyMessage = refused(fileWith('key.pem', chains[0]!.sealCertPem + chains[0]!.sealKeyPem));
    expect(keyMessage).toContain('block 2 is "PRIVATE KEY", not "CERTIFICATE"');
    expect(keyMessage).not.toContain(chains[0]!.sealKeyPem.split('\n')[1]!.slice(0, 20));
    expect(refused(fileWith('key-as-cert.pem', pemOf('CERTIFICATE', key)))).toMatch(/block 1 is not an X\.509 certificate \(.+\)/);
    expect(refused(fileWith('truncated.pem', pemOf('CERTIFICATE', cert.slice(0, cert.length - 40))))).toMatch(/block 1 is not an X\.509 certificate \(malformed DER/);
    expect(refused(fileWith('trailing.pem', chains[1]!.sealCertPem + pemOf('CERTIFICATE', new Uint8Array([...cert, 0x05, 0x00]))))).toContain('block 2 is not an X.509 certificate (bytes after the certificate)');
    expect(refused(fileWith('garbage.pem', '-----BEGIN CERTIFICATE-----\nthis is not base64!\n-----END CERTIFICATE-----\n'))).toContain('block 1 is not valid base64');
    expect(refused(fileWith('blank.pem', '-----BEGIN CERTIFICATE-----\n\n-----END CERTIFICATE-----\n'))).toContain('block 1 is not valid base64');
    expect(refused(fileWith('random.pem', pemOf('CERTIFICATE', crypto.getRandomValues(new Uint8Array(600)))))).toContain('block 1 is not an X.509 certificate');
    // asn1js throws on a GeneralizedTime it cannot read (about 1 random 600-byte block in 360 did this)
    expect(refused(fileWith('bad-time.pem', pemOf('CERTIFICATE', new Uint8Array([0x18, 0x02, 0x61, 0x62]))))).toMatch(/block 1 is not an X\.509 certificate \(malformed DER: /);
    // well-formed DER of another structure: a public key alone is not a certificate
    const { publicKey } = (await crypto.subtle.generateKey({ name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256', publicExponent: new Uint8Array([1, 0, 1]), modulusLength: 2048 }, true, ['sign', 'verify'])) as CryptoKeyPair;
    const spki = new Uint8Array(await crypto.subtle.exportKey('spki', publicKey));
    expect(refused(fileWith('spki.pem', pemOf('CERTIFICATE', spki)))).toMatch(/block 1 is not an X\.509 certificate \(.+\)/);
    expect(refused(fileWith('unterminated.pem', chains[0]!.sealCertPem + chains[1]!.sealCertPem.replace(/-----END CERTIFICATE-----\s*$/, '')))).toContain('a PEM block has no matching END line');
    expect(refused(fileWith('mismatched.pem', chains[0]!.sealCertPem.replace('-----END CERTIFICATE-----', '-----END X509 CRL-----')))).toContain('block 1 begins "CERTIFICATE" but ends "X509 CRL"');
  });
});

describeEachDatabase('after a seal renewal', (getDb) => {
  let documents: NonNullable<AppDeps['documents']>;
  let signingKeys: NonNullable<AppDeps['signingKeys']>;
  let previousSeal: SealKey;
  let currentSeal: SealKey;
  let strangerSeal: SealKey;
  let sealedBefore: IssuedExtract;
  let sealedAfter: IssuedExtract;
  let sealedByStranger: IssuedExtract;
  let renewed: RunningApp;
  let forgotten: RunningApp;

  beforeAll(async () => {
    const docs = await testDocumentDeps();
    signingKeys = docs.signingKeys!;
    documents = docs.documents!;
    const [previous, current, stranger] = [await generateSealChain(), await generateSealChain(), await generateSealChain()];
    [previousSeal, currentSeal, strangerSeal] = [await sealKeyOf(previous), await sealKeyOf(current), await sealKeyOf(stranger)];
    const issuer = (seal: SealKey): ExtractIssuer => ({ signingKeys, seal, documentAssets: documents.assets, publicBaseUrl: 'http://register.test', did: 'did:web:register.test' });
    const diplomaId = await aValidDiploma(getDb().db);
    const issue = (seal: SealKey) => issueExtract(getDb().db, issuer(seal), { diplomaId, lang: 'nl', issuedBy: 'holder', now: new Date(TEST_NOW) });
    sealedBefore = await issue(previousSeal);
    sealedAfter = await issue(currentSeal);
    // a seal by a certificate the register never had, from the same kind of chain
    sealedByStranger = await issue(strangerSeal);

    const previousCertificates = loadPreviousSealCertificates(fileWith(`previous-${crypto.randomUUID()}.pem`, previous.sealCertPem));
    renewed = await startApp(getDb(), { signingKeys, documents: { seal: currentSeal, assets: documents.assets, previousSealCertificates: previousCertificates } });
    forgotten = await startApp(getDb(), { signingKeys, documents: { seal: currentSeal, assets: documents.assets } });
  });
  afterAll(async () => {
    await renewed?.close();
    await forgotten?.close();
  });

  it('a PDF sealed with the previous certificate is authentic when that certificate is listed, seal check passed', async () => {
    const answer = await uploadTo(renewed.url, sealedBefore.pdf);
    expect(answer.verdict).toBe('authentic');
    expect(sealOf(answer)).toMatchObject({ status: 'passed', code: 'SEAL_VALID' });
    expect(answer.checks.filter((c) => c.status !== 'passed')).toEqual([]);
    // and on the page an employer uses
    const body = new FormData();
    body.set('file', new File([new Uint8Array(sealedBefore.pdf)], 'extract.pdf', { type: 'application/pdf' }));
    const html = await (await renewed.fetch('/v/upload?lang=nl', { method: 'POST', body })).text();
    expect(html).toContain('data-verdict="authentic"');
    expect(html).toMatch(/Zegel van het bestand<\/span> <span class="check-status">In orde/);
  });

  it('a PDF sealed with the current certificate is authentic either way', async () => {
    for (const app of [renewed, forgotten]) {
      const answer = await uploadTo(app.url, sealedAfter.pdf);
      expect(answer.verdict).toBe('authentic');
      expect(sealOf(answer)).toMatchObject({ status: 'passed', code: 'SEAL_VALID' });
    }
  });

  it('without the previous certificate the older PDF is Niet echt (SEAL_NOT_OURS), as before', async () => {
    const answer = await uploadTo(forgotten.url, sealedBefore.pdf);
    expect(answer.verdict).toBe('not_authentic');
    expect(sealOf(answer)).toMatchObject({ status: 'failed', code: 'SEAL_NOT_OURS' });
  });

  it('listing a previous certificate trusts that one only: a stranger’s seal stays SEAL_NOT_OURS', async () => {
    for (const app of [renewed, forgotten]) {
      const answer = await uploadTo(app.url, sealedByStranger.pdf);
      expect(answer.verdict).toBe('not_authentic');
      expect(sealOf(answer)).toMatchObject({ status: 'failed', code: 'SEAL_NOT_OURS' });
    }
  });
});

describe('the Node entry reads SEAL_PREVIOUS_CERTS once at start', () => {
  const tsx = join(root, 'node_modules/.bin/tsx');
  let previous: SealChain;
  let current: SealChain;
  let running: RunningProcess | undefined;

  /** a machine whose keys are the test signing key and the current seal chain */
  const machine = (name: string) => {
    const base = join(dir, name);
    const keys = join(base, 'keys');
    mkdirSync(join(keys, 'signing'), { recursive: true });
    mkdirSync(join(keys, 'seal'), { recursive: true });
    const jwk = inject('signingKeyJwk');
    writeFileSync(join(keys, 'signing', 'test.jwk.json'), JSON.stringify(jwk));
    writeFileSync(join(keys, 'seal', 'dev-ca.pem'), current.caCertPem);
    writeFileSync(join(keys, 'seal', 'seal.pem'), current.sealCertPem);
    writeFileSync(join(keys, 'seal', 'seal.key.pem'), current.sealKeyPem);
    return { base, keys, pglite: join(base, 'pglite') };
  };
  const envFor = (m: ReturnType<typeof machine>, extra: Record<string, string>) => ({
    ...process.env,
    DATABASE_URL: '',
    TEST_DATABASE_URL: '',
    PSEUDONYM_SECRET: TEST_PSEUDONYM_SECRET,
    LOG_LEVEL: 'warn',
    KEYS_DIR: m.keys,
    PGLITE_DATA_DIR: m.pglite,
    ...extra,
  });

  beforeAll(async () => {
    [previous, current] = [await generateSealChain(), await generateSealChain()];
  });
  afterAll(async () => {
    await running?.stop();
  });

  it('a bad file stops the start with a clear configuration error, before the database is opened', () => {
    const m = machine('bad');
    const bad = fileWith('bad-previous.pem', current.sealCertPem + current.sealKeyPem);
    const run = spawnSync(tsx, ['src/node.ts'], { cwd: root, env: envFor(m, { SEAL_PREVIOUS_CERTS: bad, PORT: '1' }), encoding: 'utf8', timeout: 60_000 });
    expect(run.status, run.stdout + run.stderr).toBe(1);
    expect(run.stderr).toContain(`Invalid configuration:\n  SEAL_PREVIOUS_CERTS: ${bad}: block 2 is "PRIVATE KEY", not "CERTIFICATE"`);
    expect(run.stderr).not.toContain('could not start');
    expect(existsSync(m.pglite)).toBe(false);
  }, 90_000);

  it('with the previous certificate listed, the running service verifies a PDF sealed before the renewal', async () => {
    const m = machine('good');
    const [port, oidcPort] = [await freePort(), await freePort()];
    const base = `http://localhost:${port}`;
    // the register as the service will find it, with an extract sealed under the previous certificate
    const lite = await openDatabase({ kind: 'pglite', dataDir: m.pglite, loadDataDir: new Blob([readFileSync(inject('pgliteDump'))]) });
    let sealedBefore: IssuedExtract;
    try {
      const { signingKeys, documents } = await testDocumentDeps();
      sealedBefore = await issueExtract(
        lite.db,
        { signingKeys: signingKeys!, seal: await sealKeyOf(previous), documentAssets: documents!.assets, publicBaseUrl: base, did: didWebFor(base) },
        { diplomaId: await aValidDiploma(lite.db), lang: 'en', issuedBy: 'holder', now: new Date() },
      );
    } finally {
      await lite.close();
    }
    running = startProcess(tsx, ['src/node.ts'], { cwd: root, env: envFor(m, { SEAL_PREVIOUS_CERTS: fileWith('good-previous.pem', previous.sealCertPem), PORT: String(port), OIDC_DEV_PORT: String(oidcPort) }) });
    await waitForHttp(`${base}/health`, running);
    const answer = await uploadTo(base, sealedBefore.pdf);
    expect(sealOf(answer)).toMatchObject({ status: 'passed', code: 'SEAL_VALID' });
    expect(answer.verdict).toBe('authentic');
  }, 180_000);
});
