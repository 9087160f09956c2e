// Ed25519 signing keys as JWKs, with the RFC 7638 thumbprint as `kid`. Web Crypto only.
import { calculateJwkThumbprint } from 'jose';

export interface SigningKeyPair {
  kid: string;
  /** private JWK (includes `d`): keep out of the database, logs and git */
  privateJwk: JsonWebKey & { kid: string };
  publicJwk: PublicSigningJwk;
  /** the private key imported once, for signing (non-extractable) */
  privateKey: CryptoKey;
}

export interface PublicSigningJwk {
  kty: 'OKP';
  crv: 'Ed25519';
  x: string;
  kid: string;
  alg: 'EdDSA';
  use: 'sig';
}

export async function generateSigningKey(): Promise<SigningKeyPair> {
  const pair = (await crypto.subtle.generateKey({ name: 'Ed25519' }, true, ['sign', 'verify'])) as CryptoKeyPair;
  const jwk = (await crypto.subtle.exportKey('jwk', pair.privateKey)) as JsonWebKey;
  return signingKeyFromPrivateJwk(jwk);
}

export async function signingKeyFromPrivateJwk(jwk: JsonWebKey): Promise<SigningKeyPair> {
  if (jwk.kty !== 'OKP' || jwk.crv !== 'Ed25519' || !jwk.x || !jwk.d) {
    throw new Error('expected a private Ed25519 JWK (kty OKP, crv Ed25519, x and d)');
  }
  const kid = await calculateJwkThumbprint({ kty: 'OKP', crv: 'Ed25519', x: jwk.x }, 'sha256');
  const publicJwk: PublicSigningJwk = { kty: 'OKP', crv: 'Ed25519', x: jwk.x, kid, alg: 'EdDSA', use: 'sig' };
  const privateKey = await crypto.subtle.importKey('jwk', { kty: 'OKP', crv: 'Ed25519', x: jwk.x, d: jwk.d }, { name: 'Ed25519' }, false, ['sign']);
  return { kid, publicJwk, privateJwk: { kty: 'OKP', crv: 'Ed25519', x: jwk.x, d: jwk.d, kid }, privateKey };
}
