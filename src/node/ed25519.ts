// Ed25519 through node:crypto for the Node entry: synchronous and about half the cost of Web Crypto
// (src/credentials/ed25519.ts). Same answers: tests/unit/ed25519.test.ts runs both on the same cases.
import { createPublicKey, verify, type KeyObject } from 'node:crypto';
import { InvalidEd25519KeyError, KEY_CACHE_LIMIT, type Ed25519Verifier } from '../credentials/ed25519.ts';

export function createNodeEd25519(): Ed25519Verifier {
  const keys = new Map<string, KeyObject>();
  const key = (x: string): KeyObject => {
    let k = keys.get(x);
    if (!k) {
      try {
        k = createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x }, format: 'jwk' });
      } catch {
        throw new InvalidEd25519KeyError();
      }
      if (k.asymmetricKeyType !== 'ed25519') throw new InvalidEd25519KeyError();
      if (keys.size >= KEY_CACHE_LIMIT) keys.clear();
      keys.set(x, k);
    }
    return k;
  };
  return {
    verify(x, signature, data) {
      const k = key(x);
      return signature.length === 64 && verify(null, data, k, signature);
    },
  };
}
