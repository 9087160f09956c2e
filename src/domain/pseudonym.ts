// Pseudonymous subject ids. The register never stores a BSN: an institution's record carries the
// BSN, and the register keeps only HMAC-SHA-256(secret, "bsn:" + BSN), the same pseudonym the login
// broker gives for that person (in production BSNk-style pseudonymisation plays this role).
import { base64url } from '../lib/bytes.ts';

const encoder = new TextEncoder();
const keyCache = new Map<string, Promise<CryptoKey>>();

function hmacKey(secret: string): Promise<CryptoKey> {
  let key = keyCache.get(secret);
  if (!key) {
    key = crypto.subtle.importKey('raw', encoder.encode(secret), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
    keyCache.set(secret, key);
  }
  return key;
}

export async function subjectIdForBsn(secret: string, bsn: string): Promise<string> {
  const mac = await crypto.subtle.sign('HMAC', await hmacKey(secret), encoder.encode(`bsn:${bsn}`));
  return 'ps1_' + base64url(new Uint8Array(mac));
}
