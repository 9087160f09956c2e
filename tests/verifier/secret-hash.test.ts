// The QR entrance hashes a secret synchronously (src/verifier/secret-hash.ts); issuance stored the
// hash made with Web Crypto (src/extracts/extract-service.ts). The two must agree on every secret,
// or a genuine QR code would be refused.
import { describe, expect, it } from 'vitest';
import { secretSha256Hex } from '../../src/verifier/secret-hash.ts';
import { sha256Hex } from '../../src/lib/bytes.ts';
import { seededRandom } from '../support/random.ts';

describe('secretSha256Hex', () => {
  it('agrees with the hash issuance stores, on every length up to 300 characters and on non-ASCII text', async () => {
    const random = seededRandom(import.meta.url);
    const alphabet = [...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_éø€𝄞'];
    for (let length = 0; length <= 300; length++) {
      const text = Array.from({ length }, () => alphabet[random.int(alphabet.length)]).join('');
      expect(secretSha256Hex(text), `length ${length}`).toBe(await sha256Hex(text));
    }
  });
});
