// How the register publishes its keys: a JWKS and a did:web document.
// Compromised keys are left out of the JWKS `keys` member on purpose: a standard JOSE verifier that
// only reads `keys` then fails closed on anything they signed. They are listed under `compromised`
// and in the DID document with `revoked`, so our verifier can say why.
import type { RegisteredKey } from './key-registry.ts';

export interface Jwks {
  keys: Array<RegisteredKey['publicJwk'] & { status: 'active' | 'retired' }>;
  compromised: Array<RegisteredKey['publicJwk'] & { status: 'compromised'; compromised_at: string }>;
}

export function buildJwks(keys: RegisteredKey[]): Jwks {
  const jwks: Jwks = { keys: [], compromised: [] };
  // newest first: the active key leads
  for (const k of [...keys].reverse()) {
    if (k.status === 'compromised') {
      jwks.compromised.push({ ...k.publicJwk, status: 'compromised', compromised_at: k.compromisedAt!.toISOString() });
    } else {
      jwks.keys.push({ ...k.publicJwk, status: k.status });
    }
  }
  return jwks;
}

export function buildDidDocument(did: string, keys: RegisteredKey[]) {
  const newestFirst = [...keys].reverse();
  return {
    '@context': ['https://www.w3.org/ns/did/v1', 'https://w3id.org/security/suites/jws-2020/v1'],
    id: did,
    verificationMethod: newestFirst.map((k) => ({
      id: `${did}#${k.kid}`,
      type: 'JsonWebKey2020',
      controller: did,
      publicKeyJwk: { kty: k.publicJwk.kty, crv: k.publicJwk.crv, x: k.publicJwk.x, kid: k.kid, alg: 'EdDSA' },
      ...(k.compromisedAt ? { revoked: k.compromisedAt.toISOString() } : {}),
    })),
    assertionMethod: newestFirst.filter((k) => k.status !== 'compromised').map((k) => `${did}#${k.kid}`),
  };
}
