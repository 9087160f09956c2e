// The extract's QR code: the matrix from `qrcode`, drawn as vector rectangles straight into a PDF
// content stream — one path (a rectangle per horizontal run of dark modules), one fill. No image,
// no operator objects per module: that keeps it to a few hundred bytes and microseconds.
import QRCode, { type QRCodeSegment } from 'qrcode';
import { bestMaskedModules } from './qr-mask.ts';

/** Largest QR version we accept: the URL must stay short enough to scan reliably from paper. */
export const MAX_QR_VERSION = 8;
/** Light modules around the symbol, as ISO/IEC 18004 requires. */
export const QR_QUIET_ZONE = 4;

export interface QrMatrix {
  /** modules per side, without quiet zone */
  size: number;
  version: number;
  isDark(x: number, y: number): boolean;
}

export class QrTooLargeError extends Error {
  readonly code = 'QR_TOO_LARGE';
  constructor(readonly version: number) {
    super(`the QR content needs version ${version}; at most ${MAX_QR_VERSION} is allowed (keep the URL short)`);
    this.name = 'QrTooLargeError';
  }
}

const utf8 = new TextEncoder();

export function qrMatrix(text: string): QrMatrix {
  // Built with mask 0; qr-mask.ts then picks the mask qrcode's own search would pick, faster.
  const symbol = QRCode.create(qrSegments(text), { errorCorrectionLevel: 'M', maskPattern: 0 });
  if (symbol.version > MAX_QR_VERSION) throw new QrTooLargeError(symbol.version);
  const size = symbol.modules.size;
  const data = bestMaskedModules(symbol.modules.data, size, symbol.version).modules;
  return { size, version: symbol.version, isDark: (x, y) => data[y * size + x] === 1 };
}

const ALPHANUMERIC_RUN = /[0-9A-Z $%*+\-./:]+/g;

/**
 * Byte mode (UTF-8), with the longest run of QR-alphanumeric characters (the extract number with
 * its slash) in alphanumeric mode when that saves bits: 5.5 bits a character instead of 8, for a
 * segment header of 13 bits and, in the middle of the text, another of 12. qrcode's own search
 * (a shortest path over all mixes of modes, which cost as much as building the symbol) sometimes
 * finds a few bits less, never a smaller version for our URLs (tests/documents/qr.test.ts); for
 * other text this is never longer than plain byte mode.
 */
export function qrSegments(text: string): QRCodeSegment[] {
  let run: RegExpExecArray | undefined;
  for (const m of text.matchAll(ALPHANUMERIC_RUN)) if (!run || m[0].length > run[0].length) run = m;
  if (run) {
    const before = text.slice(0, run.index);
    const after = text.slice(run.index + run[0].length);
    const headers = 13 + (before && after ? 12 : 0);
    if (8 * run[0].length - Math.ceil(5.5 * run[0].length) > headers) {
      return [
        ...(before ? [{ data: utf8.encode(before), mode: 'byte' as const }] : []),
        { data: run[0], mode: 'alphanumeric' as const },
        ...(after ? [{ data: utf8.encode(after), mode: 'byte' as const }] : []),
      ];
    }
  }
  return [{ data: utf8.encode(text), mode: 'byte' }];
}

/**
 * PDF content-stream operators drawing the code in black, quiet zone included, in the square box
 * with lower-left corner (x, y) and side `side` points. The caller keeps the box free of other marks.
 */
export function qrPdfOperators(qr: QrMatrix, box: { x: number; y: number; side: number }): string {
  const modules = qr.size + 2 * QR_QUIET_ZONE;
  const m = box.side / modules;
  const left = box.x + QR_QUIET_ZONE * m;
  const top = box.y + box.side - QR_QUIET_ZONE * m;
  // module space: x to the right, y downwards, one unit per module
  let ops = `q 0 g ${num(m)} 0 0 ${num(-m)} ${num(left)} ${num(top)} cm\n`;
  for (let y = 0; y < qr.size; y++) {
    let x = 0;
    while (x < qr.size) {
      if (!qr.isDark(x, y)) {
        x++;
        continue;
      }
      const start = x;
      while (x < qr.size && qr.isDark(x, y)) x++;
      ops += `${start} ${y} ${x - start} 1 re\n`;
    }
  }
  return ops + 'f Q\n';
}

function num(n: number): string {
  return String(Math.round(n * 10_000) / 10_000);
}
