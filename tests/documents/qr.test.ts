// The extract's QR matrix is built faster than the qrcode package builds it (its own segmentation
// and mask search): it must decode back to the URL with an independent decoder (jsQR), pick the
// mask qrcode's penalty search picks for the same segments, and never need a larger version
// (its segmentation is an exact shortest path in bits, qrcode's is not). The draws are seeded: the
// seed is printed, and TEST_SEED=<seed> replays them.
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import QRCode, { type QRCodeErrorCorrectionLevel, type QRCodeSegment } from 'qrcode';
import jsQR from 'jsqr';
import { qrMatrix, qrSegments, type QrMatrix } from '../../src/documents/qr.ts';
import { generateExtractNumber } from '../../src/extracts/extract-number.ts';
import { seededRandom } from '../support/random.ts';

const random = seededRandom(import.meta.url);
const secret = () => Buffer.from(random.bytes(16)).toString('base64url');
const url = (host: string) => `${host}/v/${generateExtractNumber(random.fill).replace(/-/g, '')}#${secret()}`;

// qrcode's own segmentation and version choice, the steps QRCode.create takes before it builds a
// symbol (lib/core/qrcode.js createSymbol): where only segments and versions are compared, the
// symbol and its mask search are not needed
interface Segment {
  mode: { id: string };
  getBitsLength(): number;
}
const require = createRequire(import.meta.url);
const Segments = require('qrcode/lib/core/segments.js') as {
  fromArray(segments: QRCodeSegment[]): Segment[];
  fromString(text: string, version: number): Segment[];
  rawSplit(text: string): Segment[];
};
const Version = require('qrcode/lib/core/version.js') as { getBestVersionForData(segments: Segment[], level: unknown): number | undefined };
const ECLevel = require('qrcode/lib/core/error-correction-level.js') as { from(level: QRCodeErrorCorrectionLevel): unknown };
const level = { L: ECLevel.from('L'), M: ECLevel.from('M') };
const qrcodeSegments = (text: string, ec: 'L' | 'M') => Segments.fromString(text, Version.getBestVersionForData(Segments.rawSplit(text), level[ec]) || 40);
const qrcodeVersion = (text: string, ec: 'L' | 'M') => Version.getBestVersionForData(qrcodeSegments(text, ec), level[ec]);

/** RGBA pixels of the symbol, 4 px a module, with a 4-module quiet zone. */
function pixels(qr: QrMatrix): { data: Uint8ClampedArray; side: number } {
  const scale = 4;
  const side = (qr.size + 8) * scale;
  const data = new Uint8ClampedArray(side * side * 4).fill(255);
  for (let y = 0; y < qr.size; y++)
    for (let x = 0; x < qr.size; x++)
      if (qr.isDark(x, y))
        for (let dy = 0; dy < scale; dy++)
          for (let dx = 0; dx < scale; dx++) {
            const at = (((y + 4) * scale + dy) * side + (x + 4) * scale + dx) * 4;
            data[at] = data[at + 1] = data[at + 2] = 0;
          }
  return { data, side };
}

describe('qrMatrix', () => {
  it('is the symbol qrcode makes from the same segments with its own mask search; never a larger version than qrcode’s (300 URLs)', () => {
    for (let i = 0; i < 300; i++) {
      const text = url(['https://diplomaregister.nl', 'http://register.test', 'http://127.0.0.1:38123'][i % 3]!);
      const ours = qrMatrix(text);
      expect(ours.version).toBeLessThanOrEqual(qrcodeVersion(text, 'M')!);
      const reference = QRCode.create(qrSegments(text), { errorCorrectionLevel: 'M' });
      expect(ours.version).toBe(reference.version);
      let differing = 0;
      for (let y = 0; y < ours.size; y++) for (let x = 0; x < ours.size; x++) if (ours.isDark(x, y) !== (reference.modules.get(y, x) === 1)) differing++;
      expect(differing, text).toBe(0);
    }
  });

  it('fits version 4 for URLs where taking only the longest alphanumeric run needed a larger version', () => {
    for (const text of [
      'https://diplomaregister.nl/v/KJJZ4Y98VHARYZ#XGA-rd2rAgCXN13BSZCUIQ',
      'https://diplomaregister.nl/v/2S497GTQ6MZS0V#LVW317TXHZA7HEYZEUipYQ',
      'https://diplomaregister.nl/v/X6B7HEM8R7PFG5#tUQ9lWjXWGGX44AZU9AA7A',
    ]) {
      expect(qrMatrix(text).version, text).toBe(4);
    }
  });

  it('segments any text into pieces that join back to it, in no more bits than qrcode’s segmentation (2,000 texts)', () => {
    const alphabet = Array.from('0123456789ABCDEFXYZabcxyz $%*+-./:#?=&_éß€😀');
    const headers: Record<string, number> = { Numeric: 14, Alphanumeric: 13, Byte: 12 };
    const bitsOf = (segments: Segment[]) => segments.reduce((sum, s) => sum + headers[s.mode.id]! + s.getBitsLength(), 0);
    for (let i = 0; i < 2000; i++) {
      const length = 1 + random.int(90);
      const picks = random.bytes(length);
      // runs make mode switches worth it: repeat a class of characters for a while
      let text = '';
      for (const p of picks) text += alphabet[(p % 7 === 0 ? p : (text.length % 11) * 3 + (p % 3)) % alphabet.length];
      const segments = qrSegments(text);
      const joined = segments.map((s) => (typeof s.data === 'string' ? s.data : new TextDecoder().decode(s.data as Uint8Array))).join('');
      expect(joined).toBe(text);
      const ours = bitsOf(Segments.fromArray(segments));
      const theirs = bitsOf(qrcodeSegments(text, 'L'));
      expect(ours, text).toBeLessThanOrEqual(theirs);
    }
  });

  it('decodes back with jsQR for any host, within version 8', () => {
    for (const host of ['http://127.0.0.1:38123', 'http://localhost:3000', 'https://xn--diplomargister-8kb.example', 'https://register.example.org:8443']) {
      for (let i = 0; i < 25; i++) {
        const text = url(host);
        const qr = qrMatrix(text);
        expect(qr.version).toBeLessThanOrEqual(8);
        const { data, side } = pixels(qr);
        expect(jsQR(data, side, side, { inversionAttempts: 'dontInvert' })?.data, text).toBe(text);
      }
    }
  });
});
