// Local key material for development: generated on first run under keys/ (git-ignored).
// Production takes the same material from a secret store (see README).
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { generateSigningKey, signingKeyFromPrivateJwk, type SigningKeyPair } from '../src/signing-keys/signing-key.ts';
import { base64url } from '../src/lib/bytes.ts';
import { generateSealChain } from './seal.ts';

export interface DevKeys {
  /** every signing key this machine holds, oldest first */
  signingKeys: SigningKeyPair[];
  pseudonymSecret: string;
  seal: { caCertPath: string; sealCertPath: string; sealKeyPath: string };
  created: string[];
}

function writePrivate(path: string, content: string) {
  writeFileSync(path, content, { mode: 0o600 });
  chmodSync(path, 0o600);
}

export async function writeNewSigningKey(dir: string): Promise<SigningKeyPair> {
  mkdirSync(join(dir, 'signing'), { recursive: true });
  const key = await generateSigningKey();
  writePrivate(join(dir, 'signing', `${key.kid}.jwk.json`), JSON.stringify(key.privateJwk, null, 2) + '\n');
  return key;
}

export async function readSigningKeys(dir: string): Promise<SigningKeyPair[]> {
  const folder = join(dir, 'signing');
  if (!existsSync(folder)) return [];
  const files = readdirSync(folder)
    .filter((f) => f.endsWith('.jwk.json'))
    .map((f) => join(folder, f))
    .sort((a, b) => statSync(a).mtimeMs - statSync(b).mtimeMs);
  return Promise.all(files.map((f) => signingKeyFromPrivateJwk(JSON.parse(readFileSync(f, 'utf8')))));
}

/** Creates whatever is missing: a signing key, the seal chain, the pseudonym secret. */
export async function ensureDevKeys(dir: string): Promise<DevKeys> {
  mkdirSync(dir, { recursive: true });
  const created: string[] = [];
  let signingKeys = await readSigningKeys(dir);
  if (signingKeys.length === 0) {
    const key = await writeNewSigningKey(dir);
    created.push(`signing key ${key.kid}`);
    signingKeys = [key];
  }
  const sealDir = join(dir, 'seal');
  const seal = { caCertPath: join(sealDir, 'dev-ca.pem'), sealCertPath: join(sealDir, 'seal.pem'), sealKeyPath: join(sealDir, 'seal.key.pem') };
  if (!existsSync(seal.sealCertPath) || !existsSync(seal.sealKeyPath)) {
    mkdirSync(sealDir, { recursive: true });
    const chain = await generateSealChain();
    writeFileSync(seal.caCertPath, chain.caCertPem);
    writePrivate(join(sealDir, 'dev-ca.key.pem'), chain.caKeyPem);
    writeFileSync(seal.sealCertPath, chain.sealCertPem);
    writePrivate(seal.sealKeyPath, chain.sealKeyPem);
    created.push('seal certificate chain (dev CA → seal)');
  }
  const secretPath = join(dir, 'pseudonym.secret');
  if (!existsSync(secretPath)) {
    writePrivate(secretPath, base64url(crypto.getRandomValues(new Uint8Array(32))) + '\n');
    created.push('pseudonym secret');
  }
  return { signingKeys, pseudonymSecret: readFileSync(secretPath, 'utf8').trim(), seal, created };
}
