// The extract's QR matrix is built faster than the qrcode package builds it (its own segmentation
// and mask search): it must decode back to the URL with an independent decoder (jsQR), pick the
// mask qrcode's penalty search picks for the same segments, and never need a larger version.
import { describe, expect, it } from 'vitest';
import QRCode from 'qrcode';
import jsQR from 'jsqr';
import { qrMatrix, qrSegments, MAX_QR_VERSION, type QrMatrix } from '../../src/documents/qr.ts';
import { generateExtractNumber } from '../../src/extracts/extract-number.ts';

const secret = () => Buffer.from(crypto.getRandomValues(new Uint8Array(16))).toString('base64url');
const url = (host: string) => `${host}/v/${generateExtractNumber().replace(/-/g, '')}#${secret()}`;

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
      expect(ours.version).toBeLessThanOrEqual(QRCode.create(text, { errorCorrectionLevel: 'M' }).version);
      const reference = QRCode.create(qrSegments(text), { errorCorrectionLevel: 'M' });
      expect(ours.version).toBe(reference.version);
      let differing = 0;
      for (let y = 0; y < ours.size; y++) for (let x = 0; x < ours.size; x++) if (ours.isDark(x, y) !== (reference.modules.get(y, x) === 1)) differing++;
      expect(differing, text).toBe(0);
    }
  });

  it('decodes back with jsQR for any host, within version 8', () => {
    for (const host of ['http://127.0.0.1:38123', 'http://localhost:3000', 'https://xn--diplomargister-8kb.example', 'https://register.example.org:8443']) {
      for (let i = 0; i < 25; i++) {
        const text = url(host);
        const qr = qrMatrix(text);
        expect(qr.version).toBeLessThanOrEqual(MAX_QR_VERSION);
        const { data, side } = pixels(qr);
        expect(jsQR(data, side, side)?.data, text).toBe(text);
      }
    }
  });
});
