// The extract's QR code: the matrix from `qrcode`, drawn as vector rectangles straight into a PDF
// content stream — one path (a rectangle per horizontal run of dark modules), one fill. No image,
// no operator objects per module: that keeps it to a few hundred bytes and microseconds.
import QRCode from 'qrcode';

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

export function qrMatrix(text: string): QrMatrix {
  const symbol = QRCode.create(text, { errorCorrectionLevel: 'M' });
  if (symbol.version > MAX_QR_VERSION) throw new QrTooLargeError(symbol.version);
  const { size, data } = symbol.modules;
  return { size, version: symbol.version, isDark: (x, y) => data[y * size + x] === 1 };
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
