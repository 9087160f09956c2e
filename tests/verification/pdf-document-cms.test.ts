// The seal's CMS as hostile input: a genuinely sealed PDF whose /Contents value is replaced (same
// length, so the byte range still fits) by malformed CMS blobs — random bytes, the genuine
// SignedData cut short or with bytes changed, DER that makes asn1js throw. inspectPdf must answer
// for every one of them as a PDF with a finding about its seal, never throw, and never fall back
// to "unreadable signature" (what checkSeal says when the CMS reader itself threw).
import { PDFDocument, StandardFonts } from 'pdf-lib';
import { beforeAll, describe, expect, it } from 'vitest';
import { generateSealChain } from '../../keys/seal.ts';
import { importSealKey, sealPdf } from '../../src/documents/pdf-seal.ts';
import { inspectPdf, type PdfInspection, type SealTrust } from '../../src/verification/pdf-document.ts';
import { seededRandom } from '../support/random.ts';

const random = seededRandom(import.meta.url);
const JWT = `eyJhbGciOiJFZERTQSJ9.${'eyJpc3MiOiJkaWQ6d2ViOmV4YW1wbGUifQ'.repeat(20)}.c2lnbmF0dXJl`;

let sealed: Uint8Array;
let trust: SealTrust;
/** where the hex digits of /Contents are, and the CMS they hold */
let slot: { start: number; end: number };
let genuineCms: Uint8Array;

const hex = (bytes: Uint8Array) => Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');

/** The sealed file with `cms` (zero-padded, like a real /Contents) in place of its signature. */
function withCms(cms: Uint8Array): Uint8Array {
  const capacity = (slot.end - slot.start) >> 1;
  const padded = new Uint8Array(capacity);
  padded.set(cms.subarray(0, capacity));
  const file = sealed.slice();
  file.set(new TextEncoder().encode(hex(padded)), slot.start);
  return file;
}

function expectSealFinding(result: PdfInspection, label: string): void {
  expect(result.kind, label).toBe('pdf');
  if (result.kind !== 'pdf') return;
  expect(result.credential.outcome, label).toBe('found');
  expect(['valid', 'not-ours', 'invalid'], label).toContain(result.seal.outcome);
  if (result.seal.outcome === 'invalid') expect(result.seal.reason, label).not.toBe('unreadable signature');
}

beforeAll(async () => {
  const chain = await generateSealChain(new Date());
  const key = await importSealKey({ certPem: chain.sealCertPem, keyPem: chain.sealKeyPem, chainPems: [chain.caCertPem] });
  const doc = await PDFDocument.create();
  const page = doc.addPage([595, 842]);
  page.drawText('Uittreksel uit het diplomaregister', { x: 50, y: 780, size: 14, font: await doc.embedFont(StandardFonts.Helvetica) });
  await doc.attach(new TextEncoder().encode(JWT), 'credential.jwt', { mimeType: 'application/vc+jwt' });
  sealed = await sealPdf(await doc.save(), key, { signingTime: new Date('2025-03-14T09:26:53Z'), reason: 'Echtheid uittreksel', location: 'Groningen, NL', name: 'Diplomaregister', contactInfo: 'https://diplomaregister.example' });
  trust = { certificates: [key.certificateDer] };

  const text = new TextDecoder('latin1').decode(sealed);
  const match = /\/Contents\s*<([0-9A-Fa-f]+)>/.exec(text)!;
  slot = { start: match.index + match[0].indexOf('<') + 1, end: match.index + match[0].length - 1 };
  const bytes = Uint8Array.from(match[1]!.match(/../g)!, (h) => parseInt(h, 16));
  const length = 4 + ((bytes[2]! << 8) | bytes[3]!); // 30 82 LL LL: a SEQUENCE with a two-byte length
  genuineCms = bytes.slice(0, length);
});

describe('inspectPdf with a malformed seal CMS', () => {
  it('controls: the genuine file is valid, and reads the same with its own CMS put back', async () => {
    expect(await inspectPdf(sealed, trust)).toMatchObject({ kind: 'pdf', seal: { outcome: 'valid' }, credential: { outcome: 'found' } });
    expect(await inspectPdf(withCms(genuineCms), trust)).toMatchObject({ kind: 'pdf', seal: { outcome: 'valid' } });
    expect(await inspectPdf(sealed, { certificates: [] })).toMatchObject({ kind: 'pdf', seal: { outcome: 'not-ours' } });
  });

  it('DER on which asn1js throws is a malformed seal, not an error', async () => {
    // a SEQUENCE holding a GeneralizedTime that is not a time: asn1js.fromBER throws on it
    const throwing = Uint8Array.of(0x30, 0x11, 0x18, 0x0f, ...new Array(15).fill(0x41));
    const result = await inspectPdf(withCms(throwing), trust);
    expect(result).toMatchObject({ kind: 'pdf', seal: { outcome: 'invalid', reason: 'not a readable CMS SignedData' }, credential: { outcome: 'found' } });
    // and the same inside the genuine SignedData, in place of its first certificate's validity
    const notBefore = indexOf(genuineCms, Uint8Array.of(0x17, 0x0d)); // the first UTCTime
    const broken = genuineCms.slice();
    broken.set([0x18, 0x0d, ...new Array(13).fill(0x41)], notBefore);
    expect(await inspectPdf(withCms(broken), trust)).toMatchObject({ kind: 'pdf', seal: { outcome: 'invalid', reason: 'not a readable CMS SignedData' } });
  });

  it('nesting as deep as the signature slot allows is a malformed seal', async () => {
    const capacity = (slot.end - slot.start) >> 1;
    for (const unit of [
      [0x30, 0x80], // SEQUENCE, indefinite length
      [0xa0, 0x80], // [0], indefinite length
    ]) {
      const nested = new Uint8Array(capacity);
      for (let i = 0; i + 1 < capacity; i += 2) nested.set(unit, i);
      expect(await inspectPdf(withCms(nested), trust)).toMatchObject({ kind: 'pdf', seal: { outcome: 'invalid', reason: 'not a readable CMS SignedData' } });
    }
  });

  it('random blobs of every length are a malformed seal', async () => {
    for (let i = 0; i < 150; i++) {
      const blob = random.bytes(2 + random.int(genuineCms.length + 64));
      if (i % 3 === 0) blob.set([0x30, 0x82], 0); // looks like a long SEQUENCE
      const result = await inspectPdf(withCms(blob), trust);
      expectSealFinding(result, `random blob ${i} (${hex(blob.subarray(0, 16))}…)`);
      if (result.kind === 'pdf') expect(result.seal.outcome).not.toBe('valid');
    }
  });

  it('the genuine SignedData cut short anywhere is a malformed seal', async () => {
    for (let i = 0; i < 100; i++) {
      const cut = random.int(genuineCms.length);
      const result = await inspectPdf(withCms(genuineCms.slice(0, cut)), trust);
      expectSealFinding(result, `cut at ${cut}`);
      if (result.kind === 'pdf') expect(result.seal).toMatchObject({ outcome: 'invalid' });
    }
  });

  it('the genuine SignedData with bytes changed gets a finding, never an error', async () => {
    for (let i = 0; i < 300; i++) {
      const mutated = genuineCms.slice();
      const changes = 1 + random.int(4);
      const at: number[] = [];
      for (let k = 0; k < changes; k++) {
        const position = random.int(mutated.length);
        mutated[position] = random.int(256);
        at.push(position);
      }
      expectSealFinding(await inspectPdf(withCms(mutated), trust), `bytes changed at ${at.join(', ')}`);
    }
  });
});

function indexOf(haystack: Uint8Array, needle: Uint8Array): number {
  outer: for (let i = 0; i + needle.length <= haystack.length; i++) {
    for (let j = 0; j < needle.length; j++) if (haystack[i + j] !== needle[j]) continue outer;
    return i;
  }
  throw new Error('not found');
}
