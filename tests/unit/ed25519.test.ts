// The two Ed25519 backends give the same answers: Web Crypto (the core's, Workers) and node:crypto
// (the Node entry's). RFC 8037 A.4/A.5 plus the ways a signature or key can be wrong.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createWebCryptoEd25519, InvalidEd25519KeyError, type Ed25519Verifier } from '../../src/credentials/ed25519.ts';
import { createNodeEd25519 } from '../../src/node/ed25519.ts';

const vector = JSON.parse(readFileSync(new URL('../vectors/rfc8037/ed25519-jws.json', import.meta.url), 'utf8')) as {
  publicJwk: { x: string };
  signingInput: string;
  jwsCompact: string;
};
const data = new TextEncoder().encode(vector.signingInput);
const signature = new Uint8Array(Buffer.from(vector.jwsCompact.split('.')[2]!, 'base64url'));
const flipped = (bytes: Uint8Array, i: number) => bytes.map((b, j) => (j === i ? b ^ 1 : b));
const otherKey = async () => {
  const pair = (await crypto.subtle.generateKey('Ed25519', true, ['sign', 'verify'])) as CryptoKeyPair;
  return (await crypto.subtle.exportKey('jwk', pair.publicKey)).x!;
};

describe.each<[string, () => Ed25519Verifier]>([
  ['Web Crypto', createWebCryptoEd25519],
  ['node:crypto', createNodeEd25519],
])('Ed25519 through %s', (_name, create) => {
  const ed = create();

  it('accepts the RFC 8037 A.4 signature, again from its key cache', async () => {
    expect(await ed.verify(vector.publicJwk.x, signature, data)).toBe(true);
    expect(await ed.verify(vector.publicJwk.x, signature, data)).toBe(true);
  });

  it('refuses a changed message, a changed signature, another key, and a signature of the wrong length', async () => {
    expect(await ed.verify(vector.publicJwk.x, signature, flipped(data, 0))).toBe(false);
    expect(await ed.verify(vector.publicJwk.x, flipped(signature, 0), data)).toBe(false);
    expect(await ed.verify(vector.publicJwk.x, flipped(signature, 63), data)).toBe(false);
    expect(await ed.verify(await otherKey(), signature, data)).toBe(false);
    expect(await ed.verify(vector.publicJwk.x, signature.slice(0, 63), data)).toBe(false);
    expect(await ed.verify(vector.publicJwk.x, new Uint8Array(64), data)).toBe(false);
  });

  it('throws InvalidEd25519KeyError for an x that is no Ed25519 public key', async () => {
    for (const x of ['', 'AAAA', vector.publicJwk.x.slice(0, 40), `${vector.publicJwk.x}AA`, '!!not base64url!!'.repeat(3)]) {
      await expect(Promise.resolve().then(() => ed.verify(x, signature, data)), x).rejects.toBeInstanceOf(InvalidEd25519KeyError);
    }
  });
});
