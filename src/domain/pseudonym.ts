// Pseudonymous subject ids. The register never stores a BSN: an institution's record carries the
// BSN, and the register keeps only HMAC-SHA-256(secret, "bsn:" + BSN), the same pseudonym the login
// broker gives for that person (in production BSNk-style pseudonymisation plays this role).
import { base64url } from '../lib/bytes.ts';

const encoder = new TextEncoder();

/** The HMAC key of `secret`: import it once for a batch of records (applyRecords) and pass it in. */
export function pseudonymKey(secret: string): Promise<CryptoKey> {
  return crypto.subtle.importKey('raw', encoder.encode(secret), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
}

export async function subjectIdForBsn(secret: string | CryptoKey, bsn: string): Promise<string> {
  const key = typeof secret === 'string' ? await pseudonymKey(secret) : secret;
  const mac = await crypto.subtle.sign('HMAC', key, encoder.encode(`bsn:${bsn}`));
  return 'ps1_' + base64url(new Uint8Array(mac));
}
