// Key publication and lifecycle: JWKS and did:web list active and retired keys; a retired key still
// verifies what it signed; a compromised key is published as such and nothing it signed verifies.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CompactSign, compactVerify, createLocalJWKSet, importJWK } from 'jose';
import { listKeys } from '../../src/signing-keys/key-registry.ts';
import { generateSigningKey, type SigningKeyPair } from '../../src/signing-keys/signing-key.ts';
import { generateSealChain } from '../../keys/seal.ts';
import { openDatabase } from '../../db/open.ts';
import { describeEachDatabase } from '../support/databases.ts';
import { startApp, testSigningKeyJwk, type RunningApp } from '../support/app.ts';

async function sign(key: SigningKeyPair, payload: string) {
  return new CompactSign(new TextEncoder().encode(payload))
    .setProtectedHeader({ alg: 'EdDSA', kid: key.kid })
    .sign(await importJWK(key.privateJwk, 'EdDSA'));
}

describeEachDatabase('signing keys', (getDb) => {
  let app: RunningApp;
  beforeAll(async () => {
    app = await startApp(getDb());
  });
  afterAll(() => app.close());

  it('publishes the active key with a kid that is its RFC 7638 thumbprint, cacheable with an ETag', async () => {
    const res = await app.fetch('/.well-known/jwks.json');
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('public, max-age=300');
    const jwks = await res.json();
    const active = testSigningKeyJwk() as JsonWebKey & { kid: string };
    expect(jwks.keys).toEqual([{ kty: 'OKP', crv: 'Ed25519', x: active.x, kid: active.kid, alg: 'EdDSA', use: 'sig', status: 'active' }]);
    expect(JSON.stringify(jwks)).not.toContain('"d"');
    const etag = res.headers.get('etag')!;
    const again = await app.fetch('/.well-known/jwks.json', { headers: { 'if-none-match': etag } });
    expect(again.status).toBe(304);
  });

  it('rotation: the new key is active, the retired one is still published and still verifies', async () => {
    const old = await (await import('../../src/signing-keys/signing-key.ts')).signingKeyFromPrivateJwk(testSigningKeyJwk());
    const signedByOld = await sign(old, 'diploma 1');
    const next = await generateSigningKey();
    await getDb().db.transaction((tx) => app.app.services.keys.activate(tx, next.publicJwk, 'operator:test', new Date('2026-11-23T11:00:00Z')));

    const jwks = await (await app.fetch('/.well-known/jwks.json')).json();
    expect(jwks.keys.map((k: { kid: string; status: string }) => `${k.kid}:${k.status}`)).toEqual([`${next.kid}:active`, `${old.kid}:retired`]);
    const verified = await compactVerify(signedByOld, createLocalJWKSet(jwks));
    expect(new TextDecoder().decode(verified.payload)).toBe('diploma 1');

    const did = await (await app.fetch('/.well-known/did.json')).json();
    expect(did.id).toBe('did:web:register.test');
    expect(did.assertionMethod).toEqual([`did:web:register.test#${next.kid}`, `did:web:register.test#${old.kid}`]);
    await expect(getDb().db.transaction((tx) => app.app.services.keys.activate(tx, old.publicJwk, 'operator:test', new Date()))).rejects.toThrow(/never reactivated/);
  });

  it('compromise: the key leaves `keys`, is listed as compromised and revoked, and its signatures fail', async () => {
    const [retired] = (await listKeys(getDb().db)).filter((k) => k.status === 'retired');
    const old = await (await import('../../src/signing-keys/signing-key.ts')).signingKeyFromPrivateJwk(testSigningKeyJwk());
    expect(retired!.kid).toBe(old.kid);
    const signed = await sign(old, 'diploma 2');
    await getDb().db.transaction((tx) => app.app.services.keys.compromise(tx, old.kid, 'operator:test', new Date('2026-11-23T12:00:00Z'), 'test'));

    const jwks = await (await app.fetch('/.well-known/jwks.json')).json();
    expect(jwks.keys.map((k: { kid: string }) => k.kid)).not.toContain(old.kid);
    expect(jwks.compromised).toEqual([expect.objectContaining({ kid: old.kid, status: 'compromised', compromised_at: '2026-11-23T12:00:00.000Z' })]);
    await expect(compactVerify(signed, createLocalJWKSet(jwks))).rejects.toThrow();

    const did = await (await app.fetch('/.well-known/did.json')).json();
    const method = did.verificationMethod.find((m: { id: string }) => m.id.endsWith(old.kid));
    expect(method.revoked).toBe('2026-11-23T12:00:00.000Z');
    expect(did.assertionMethod).not.toContain(method.id);
  });
});

describe('organisation seal certificate chain', () => {
  it('is a dev CA and a seal certificate that openssl verifies, with the key usages a PDF seal needs', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'seal-'));
    const chain = await generateSealChain();
    writeFileSync(join(dir, 'ca.pem'), chain.caCertPem);
    writeFileSync(join(dir, 'seal.pem'), chain.sealCertPem);
    writeFileSync(join(dir, 'seal.key.pem'), chain.sealKeyPem);
    expect(execFileSync('openssl', ['verify', '-CAfile', join(dir, 'ca.pem'), join(dir, 'seal.pem')], { encoding: 'utf8' })).toContain('OK');
    const text = execFileSync('openssl', ['x509', '-in', join(dir, 'seal.pem'), '-noout', '-text'], { encoding: 'utf8' });
    expect(text).toMatch(/Digital Signature, Non Repudiation/);
    expect(text).toContain('CA:FALSE');
    expect(text).toMatch(/Public-Key: \(2048 bit\)/);
    // the private key matches the certificate
    const fromCert = execFileSync('openssl', ['x509', '-in', join(dir, 'seal.pem'), '-noout', '-pubkey'], { encoding: 'utf8' });
    const fromKey = execFileSync('openssl', ['pkey', '-in', join(dir, 'seal.key.pem'), '-pubout'], { encoding: 'utf8' });
    expect(fromKey).toBe(fromCert);
  });
});

describe('key scripts (operator commands)', () => {
  const root = process.cwd();
  const dir = mkdtempSync(join(tmpdir(), 'keys-cli-'));
  const env = { ...process.env, KEYS_DIR: join(dir, 'keys'), PGLITE_DATA_DIR: join(dir, 'pglite'), DATABASE_URL: '', PSEUDONYM_SECRET: 'x'.repeat(40) };
  const run = (script: string, ...args: string[]) => spawnSync(join(root, 'node_modules/.bin/tsx'), [script, ...args], { cwd: root, env, encoding: 'utf8' });

  it('keys:generate creates a signing key, the seal chain and a pseudonym secret, private files 0600', () => {
    const out = run('keys/generate.ts');
    expect(out.status, out.stderr).toBe(0);
    expect(out.stdout).toContain('created: signing key');
    const again = run('keys/generate.ts');
    expect(again.stdout).toContain('nothing created');
    const signing = readdirSync(join(dir, 'keys', 'signing'));
    expect(signing).toHaveLength(1);
    expect(statSync(join(dir, 'keys', 'signing', signing[0]!)).mode & 0o777).toBe(0o600);
    expect(statSync(join(dir, 'keys', 'seal', 'seal.key.pem')).mode & 0o777).toBe(0o600);
    expect(JSON.parse(readFileSync(join(dir, 'keys', 'signing', signing[0]!), 'utf8'))).toHaveProperty('d');
  });

  it('keys:rotate and keys:compromise change what the database publishes', async () => {
    const first = run('keys/rotate.ts', '--operator', 'tester');
    expect(first.status, first.stderr).toBe(0);
    const kid1 = /active signing key is now (\S+)/.exec(first.stdout)![1]!;
    const second = run('keys/rotate.ts', '--operator', 'tester');
    expect(second.status, second.stderr).toBe(0);
    const kid2 = /active signing key is now (\S+)/.exec(second.stdout)![1]!;
    expect(kid2).not.toBe(kid1);
    const bad = run('keys/compromise.ts', '--kid', kid1);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain('--reason is required');
    const compromised = run('keys/compromise.ts', '--kid', kid1, '--reason', 'laptop stolen');
    expect(compromised.status, compromised.stderr).toBe(0);
    const unknown = run('keys/compromise.ts', '--kid', 'nope', '--reason', 'x');
    expect(unknown.status).toBe(1);
    expect(unknown.stderr).toContain('no signing key with kid nope');

    const database = await openDatabase({ kind: 'pglite', dataDir: env.PGLITE_DATA_DIR });
    try {
      const keys = await listKeys(database.db);
      expect(keys.map((k) => `${k.kid}:${k.status}`)).toEqual([`${kid1}:compromised`, `${kid2}:active`]);
    } finally {
      await database.close();
    }
  }, 180_000);
});
