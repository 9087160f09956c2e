// Verified status lists kept by their signed text (src/verification/status-list-cache.ts): a list
// handed back again is not verified again, but trust in its key and its validity period are
// judged anew on every use.
import { beforeAll, describe, expect, it } from 'vitest';
import { Bitstring, buildStatusListCredential, encodeStatusList } from '../../src/credentials/status-list.ts';
import { signCredential } from '../../src/credentials/vc-jwt.ts';
import { generateSigningKey, type SigningKeyPair } from '../../src/signing-keys/signing-key.ts';
import { createStatusListCache, type TrustedListKey } from '../../src/verification/status-list-cache.ts';

const URL_ = 'https://register.example/status/revocation-1';
const NOW = new Date('2026-11-23T10:00:00Z');

let signer: SigningKeyPair;
let other: SigningKeyPair;
let listJwt: string;

async function signedList(signedBy: SigningKeyPair, setIndex: number, validUntil?: string): Promise<string> {
  const bits = new Bitstring();
  bits.set(setIndex, true);
  const credential = buildStatusListCredential({
    id: URL_,
    issuerDid: 'did:web:register.example',
    purpose: 'revocation',
    encodedList: await encodeStatusList(bits.bytes),
    validFrom: new Date('2026-11-23T09:00:00Z'),
    ttlMs: 300_000,
  });
  return signCredential(validUntil ? { ...credential, validUntil } : credential, signedBy);
}

/** trusts `key` only (or no key at all) */
function trusting(key: SigningKeyPair | undefined): { trusted: TrustedListKey } {
  return { trusted: (kid) => (key && kid === key.kid ? key.publicJwk : undefined) };
}

beforeAll(async () => {
  [signer, other] = await Promise.all([generateSigningKey(), generateSigningKey()]);
  listJwt = await signedList(signer, 42);
});

describe('status list cache', () => {
  it('verifies and decodes a list once; the same text again comes from the cache', async () => {
    const cache = createStatusListCache();
    const first = await cache.verify(listJwt, trusting(signer).trusted, { now: NOW });
    const again = await cache.verify(listJwt, trusting(signer).trusted, { now: NOW });
    expect(again).toBe(first);
    expect(cache.size).toBe(1);
    const bits = await first.bitstring();
    expect(await again.bitstring()).toBe(bits);
    expect([bits.get(42), bits.get(43)]).toEqual([true, false]);
    expect(first.credential.id).toBe(URL_);
  });

  it('a cached list fails as soon as its key is no longer trusted, or is another key under the same kid', async () => {
    const cache = createStatusListCache();
    await cache.verify(listJwt, trusting(signer).trusted, { now: NOW });
    await expect(cache.verify(listJwt, trusting(undefined).trusted, { now: NOW })).rejects.toMatchObject({ code: 'CREDENTIAL_KEY_UNKNOWN' });
    const impostor: TrustedListKey = (kid) => (kid === signer.kid ? other.publicJwk : undefined);
    await expect(cache.verify(listJwt, impostor, { now: NOW })).rejects.toMatchObject({ code: 'CREDENTIAL_SIGNATURE_INVALID' });
    // trusted again: verifies again
    expect((await cache.verify(listJwt, trusting(signer).trusted, { now: NOW })).credential.id).toBe(URL_);
  });

  it('judges the validity period at every use', async () => {
    const cache = createStatusListCache();
    const expiring = await signedList(signer, 7, '2026-11-23T11:00:00Z');
    await cache.verify(expiring, trusting(signer).trusted, { now: NOW });
    await expect(cache.verify(expiring, trusting(signer).trusted, { now: new Date('2026-11-23T12:00:00Z') })).rejects.toMatchObject({ code: 'CREDENTIAL_EXPIRED' });
    await expect(cache.verify(expiring, trusting(signer).trusted, { now: new Date('2026-11-23T08:00:00Z') })).rejects.toMatchObject({ code: 'CREDENTIAL_NOT_YET_VALID' });
  });

  it('a different text (a new version of the list, a tampered copy) is verified in full', async () => {
    const cache = createStatusListCache();
    await cache.verify(listJwt, trusting(signer).trusted, { now: NOW });
    const newer = await signedList(signer, 43);
    expect(await (await cache.verify(newer, trusting(signer).trusted, { now: NOW })).bitstring().then((b) => b.get(43))).toBe(true);
    const [h, p, s] = newer.split('.');
    const tampered = `${h}.${p!.slice(0, -4)}AAAA.${s}`;
    await expect(cache.verify(tampered, trusting(signer).trusted, { now: NOW })).rejects.toBeDefined();
    expect(cache.size).toBe(2);
  });

  it('keeps at most its limit of lists', async () => {
    const cache = createStatusListCache(2);
    for (const index of [1, 2, 3]) await cache.verify(await signedList(signer, index), trusting(signer).trusted, { now: NOW });
    expect(cache.size).toBe(2);
  });
});
