// Ed25519 signature verification behind one small interface, in the manner of jose's runtime
// backends: Web Crypto here (runs on Workers, Node and browsers alike), node:crypto where the Node
// entry plugs it in (src/node/ed25519.ts). On this project's machine one verification costs the
// main thread about 110-160 µs through Web Crypto and 78 µs through node:crypto, and every
// verification of a credential needs one.

import { RegisterError } from '../errors.ts';

export interface Ed25519Verifier {
  /**
   * Whether `signature` is `x`'s signature over `data` (x: the JWK member, base64url). Throws
   * InvalidEd25519KeyError when x is no Ed25519 public key.
   */
  verify(x: string, signature: Uint8Array, data: Uint8Array): boolean | Promise<boolean>;
}

export class InvalidEd25519KeyError extends RegisterError {
  static override readonly code = 'ED25519_KEY_INVALID';
  constructor() {
    super('not an Ed25519 public key');
  }
}

/** imported keys are kept (an import costs about as much as the signature), up to this many */
export const KEY_CACHE_LIMIT = 256;

export function createWebCryptoEd25519(): Ed25519Verifier {
  const keys = new Map<string, Promise<CryptoKey>>();
  const key = (x: string) => {
    let k = keys.get(x);
    if (!k) {
      k = crypto.subtle.importKey('jwk', { kty: 'OKP', crv: 'Ed25519', x }, { name: 'Ed25519' }, false, ['verify']).catch(() => {
        keys.delete(x);
        throw new InvalidEd25519KeyError();
      });
      if (keys.size >= KEY_CACHE_LIMIT) keys.clear();
      keys.set(x, k);
    }
    return k;
  };
  return {
    async verify(x, signature, data) {
      return crypto.subtle.verify('Ed25519', await key(x), signature as BufferSource, data as BufferSource);
    },
  };
}

