import { readFileSync } from 'node:fs';
import { gunzipSync, gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import {
  Bitstring,
  StatusListError,
  buildStatusListCredential,
  buildStatusListEntry,
  decodeStatusList,
  encodeStatusList,
} from '../../src/credentials/status-list.ts';

const vectorJson = <T>(path: string): T =>
  JSON.parse(readFileSync(new URL(`../vectors/${path}`, import.meta.url), 'utf8')) as T;

interface BitstringVector {
  name: string;
  encodedList?: string;
  encodedListWithoutMultibasePrefix?: string;
  decodedLengthBits: number;
  setIndices: number[];
}
const { vectors } = vectorJson<{ vectors: BitstringVector[] }>('bitstring-status-list/vectors.json');
const encodedOf = (v: BitstringVector) => v.encodedList ?? `u${v.encodedListWithoutMultibasePrefix}`;
/** the two digitalbazaar lists: 100,000 entries, fewer than the spec's minimum of 131,072 */
const shortVectors = vectors.filter((v) => v.name.startsWith('digitalbazaar-100k'));

async function rejection(promise: Promise<unknown>): Promise<StatusListError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(StatusListError);
  return error as StatusListError;
}

describe('Bitstring Status List vectors', () => {
  it('has the vectors this test expects', () => {
    expect(vectors.map((v) => v.name)).toEqual([
      'spec-example-empty-16KiB',
      'digitalbazaar-100k-empty',
      'digitalbazaar-100k-index-50000-set',
    ]);
    expect(vectors.map((v) => v.decodedLengthBits)).toEqual([131_072, 100_000, 100_000]);
  });

  it('decodes the spec example: 131,072 entries, none set', async () => {
    const v = vectors[0]!;
    const bits = new Bitstring(await decodeStatusList(encodedOf(v)));
    expect(bits.length).toBe(v.decodedLengthBits);
    expect(bits.bytes.every((b) => b === 0)).toBe(true);
  });

  it('re-encodes the empty 16 KiB list to exactly the spec example string', async () => {
    expect(await encodeStatusList(new Uint8Array(16_384))).toBe(vectors[0]!.encodedList);
  });

  for (const v of shortVectors) {
    it(`rejects ${v.name} (${v.decodedLengthBits} entries) with STATUS_LIST_LENGTH_ERROR`, async () => {
      const error = await rejection(decodeStatusList(encodedOf(v)));
      expect(error.code).toBe('STATUS_LIST_LENGTH_ERROR');
    });
  }

  it('reads the set bits of the short vectors in MSB-first order (the length check aside)', () => {
    // decodeStatusList refuses these lists, so node:zlib decodes them here to check the bit order
    for (const v of shortVectors) {
      const raw = new Uint8Array(gunzipSync(Buffer.from(v.encodedListWithoutMultibasePrefix!, 'base64url')));
      const bits = new Bitstring(raw);
      expect(bits.length).toBe(v.decodedLengthBits);
      const set: number[] = [];
      for (let i = 0; i < bits.length; i++) if (bits.get(i)) set.push(i);
      expect(set).toEqual(v.setIndices);
    }
    expect(shortVectors.map((v) => v.setIndices)).toEqual([[], [50_000]]);
  });
});

describe('Bitstring', () => {
  it('puts index 0 in the most significant bit of byte 0', () => {
    const bits = new Bitstring(16);
    bits.set(0, true);
    bits.set(9, true);
    bits.set(15, true);
    expect([...bits.bytes]).toEqual([0b1000_0000, 0b0100_0001]);
    expect([0, 1, 9, 15].map((i) => bits.get(i))).toEqual([true, false, true, true]);
    bits.set(0, false);
    expect(bits.bytes[0]).toBe(0);
  });

  it('defaults to 131,072 entries and refuses indices outside the list', () => {
    const bits = new Bitstring();
    expect(bits.length).toBe(131_072);
    for (const index of [-1, 131_072, 1.5, Number.NaN]) {
      expect(() => bits.get(index)).toThrow(StatusListError);
      expect(() => bits.set(index, true)).toThrow(expect.objectContaining({ code: 'STATUS_LIST_RANGE_ERROR' }));
    }
  });
});

describe('encodeStatusList / decodeStatusList', () => {
  it('round-trips 131,072 entries with a few set, and node:zlib reads the same bytes', async () => {
    const set = [0, 7, 8, 50_000, 99_999, 131_071];
    const bits = new Bitstring(131_072);
    for (const i of set) bits.set(i, true);
    const encoded = await encodeStatusList(bits.bytes);
    expect(encoded).toMatch(/^u[A-Za-z0-9_-]+$/);

    const decoded = new Bitstring(await decodeStatusList(encoded));
    expect(decoded.length).toBe(131_072);
    const found: number[] = [];
    for (let i = 0; i < decoded.length; i++) if (decoded.get(i)) found.push(i);
    expect(found).toEqual(set);

    const independent = new Uint8Array(gunzipSync(Buffer.from(encoded.slice(1), 'base64url')));
    expect(independent).toEqual(bits.bytes);
  });

  it('refuses to encode a list shorter than the minimum', async () => {
    expect((await rejection(encodeStatusList(new Uint8Array(16_383)))).code).toBe('STATUS_LIST_LENGTH_ERROR');
  });

  it('rejects input that is not multibase base64url GZIP', async () => {
    const gzipOf16KiB = 'H4sIAAAAAAAAA-3BMQEAAADCoPVPbQwfoAAAAAAAAAAAAAAAAAAAAIC3AYbSVKsAQAAA';
    for (const bad of [gzipOf16KiB /* no 'u' */, `z${gzipOf16KiB}`, 'u', 'uAAAA', 'u!!!', `u${gzipOf16KiB}=`, `u${gzipOf16KiB.slice(0, 30)}`]) {
      expect((await rejection(decodeStatusList(bad))).code, bad).toBe('STATUS_LIST_ENCODING_ERROR');
    }
  });

  it('inflates at most 16 MiB: a GZIP bomb one byte larger is refused instead of inflated', async () => {
    const MiB16 = 16 * 1024 * 1024;
    expect((await decodeStatusList(`u${gzipSync(Buffer.alloc(MiB16)).toString('base64url')}`)).length).toBe(MiB16);
    const bomb = `u${gzipSync(Buffer.alloc(MiB16 + 1)).toString('base64url')}`;
    expect(bomb.length).toBeLessThan(50_000);
    expect((await rejection(decodeStatusList(bomb))).code).toBe('STATUS_LIST_ENCODING_ERROR');
  });
});

describe('buildStatusListCredential', () => {
  it('builds a VC 2.0 BitstringStatusListCredential with ttl', async () => {
    const encodedList = await encodeStatusList(new Uint8Array(16_384));
    const vc = buildStatusListCredential({
      id: 'https://register.example/status/revocation/1',
      issuerDid: 'did:web:register.example',
      purpose: 'revocation',
      encodedList,
      validFrom: new Date('2026-11-23T10:00:00.789Z'),
      ttlMs: 300_000,
    });
    expect(vc).toEqual({
      '@context': ['https://www.w3.org/ns/credentials/v2'],
      id: 'https://register.example/status/revocation/1',
      type: ['VerifiableCredential', 'BitstringStatusListCredential'],
      issuer: 'did:web:register.example',
      validFrom: '2026-11-23T10:00:00Z',
      credentialSubject: {
        id: 'https://register.example/status/revocation/1#list',
        type: 'BitstringStatusList',
        statusPurpose: 'revocation',
        encodedList,
        ttl: 300_000,
      },
    });
  });

  it('takes a context list that starts with the VC 2.0 context, and nothing else', () => {
    const base = {
      id: 'https://register.example/status/suspension/1',
      issuerDid: 'did:web:register.example',
      purpose: 'suspension' as const,
      encodedList: 'uAAAA',
      validFrom: new Date('2026-11-23T10:00:00Z'),
      ttlMs: 60_000,
    };
    const contexts = ['https://www.w3.org/ns/credentials/v2', 'https://www.w3.org/ns/credentials/status/v1'];
    expect(buildStatusListCredential({ ...base, contextUrls: contexts })['@context']).toEqual(contexts);
    expect(() => buildStatusListCredential({ ...base, contextUrls: ['https://www.w3.org/ns/credentials/status/v1'] })).toThrow(TypeError);
    expect(() => buildStatusListCredential({ ...base, ttlMs: 0 })).toThrow(TypeError);
  });

  it('builds an entry with a decimal string index', () => {
    expect(buildStatusListEntry('suspension', { listUrl: 'https://register.example/status/s/3', index: 94_567 })).toEqual({
      id: 'https://register.example/status/s/3#94567',
      type: 'BitstringStatusListEntry',
      statusPurpose: 'suspension',
      statusListIndex: '94567',
      statusListCredential: 'https://register.example/status/s/3',
    });
    expect(() => buildStatusListEntry('revocation', { listUrl: 'https://x.example/s', index: -1 })).toThrow(StatusListError);
  });
});
