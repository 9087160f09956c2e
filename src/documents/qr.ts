// The extract's QR code: the matrix from `qrcode`, drawn as vector rectangles straight into a PDF
// content stream — one path (a rectangle per horizontal run of dark modules), one fill. No image,
// no operator objects per module: that keeps it to a few hundred bytes and microseconds.
import QRCode, { type QRCodeSegment } from 'qrcode';
import { RegisterError } from '../errors.ts';

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

export class QrTooLargeError extends RegisterError {
  static override readonly code = 'QR_TOO_LARGE';
  constructor(readonly version: number) {
    super(`the QR content needs version ${version}; at most ${MAX_QR_VERSION} is allowed (keep the URL short)`);
  }
}

const utf8 = new TextEncoder();

export function qrMatrix(text: string): QrMatrix {
  // qrcode picks the mask. A mask search of our own on flat arrays made the same choice 0.10 ms
  // faster, 1.2 % of an extract's 8.4 ms CPU (bench/extract-profile.ts pglite): dropped (issue 10).
  const symbol = QRCode.create(qrSegments(text), { errorCorrectionLevel: 'M' });
  if (symbol.version > MAX_QR_VERSION) throw new QrTooLargeError(symbol.version);
  const size = symbol.modules.size;
  const data = symbol.modules.data;
  return { size, version: symbol.version, isDark: (x, y) => data[y * size + x] === 1 };
}

const ALPHANUMERIC = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:';

type Mode = 'byte' | 'alphanumeric' | 'numeric';
/**
 * The mode of each state a character can leave its segment in. A state also says how many
 * characters the segment holds modulo its group (alphanumeric packs 2 in 11 bits, numeric 3 in 10),
 * which sets what the next character costs: 0 byte; 1, 2 alphanumeric holding an odd, even count;
 * 3, 4, 5 numeric holding 1, 2, 0 modulo 3.
 */
const STATE_MODES: readonly Mode[] = ['byte', 'alphanumeric', 'alphanumeric', 'numeric', 'numeric', 'numeric'];
/** Mode indicator plus character-count field, as in versions 1–9 (all we allow). */
const HEADER_BITS: Record<Mode, number> = { byte: 4 + 8, alphanumeric: 4 + 9, numeric: 4 + 10 };

/**
 * The segments that encode `text` in the fewest bits: a shortest path over every character's
 * possible modes (byte as UTF-8, alphanumeric, numeric), counting each segment's header and the
 * exact cost of a character given its place in the segment's groups (alphanumeric 6 then 5 bits,
 * numeric 4, 3, 3). qrcode's own search looks only at mixes of whole runs and costs as much as
 * building the symbol; this one is exact for versions 1–9, so never a larger version than
 * qrcode's (tests/documents/qr.test.ts). No segment can outgrow its count field: version 8 holds
 * fewer characters than any count field allows.
 */
export function qrSegments(text: string): QRCodeSegment[] {
  const chars = Array.from(text);
  const n = chars.length;
  if (n === 0) return [{ data: new Uint8Array(0), mode: 'byte' }];
  const S = STATE_MODES.length;
  // bits[i*S+s]: fewest bits for the first i characters, character i - 1 ending in state s;
  // back: the state of character i - 2 (-1: none); opens: character i - 1 starts a segment.
  const bits = new Float64Array((n + 1) * S).fill(Infinity);
  const back = new Int8Array((n + 1) * S).fill(-1);
  const opens = new Uint8Array((n + 1) * S);
  const reach = (k: number, total: number, from: number, open: number) => {
    if (total < bits[k]!) {
      bits[k] = total;
      back[k] = from;
      opens[k] = open;
    }
  };
  for (let i = 0; i < n; i++) {
    const ch = chars[i]!;
    const prev = i * S;
    const next = prev + S;
    let cheapest = i === 0 ? 0 : Infinity;
    let cheapestState = -1;
    for (let s = 0; i > 0 && s < S; s++) {
      if (bits[prev + s]! < cheapest) {
        cheapest = bits[prev + s]!;
        cheapestState = s;
      }
    }
    const byteBits = 8 * utf8Length(ch.codePointAt(0)!);
    reach(next + 0, bits[prev + 0]! + byteBits, 0, 0);
    reach(next + 0, cheapest + HEADER_BITS.byte + byteBits, cheapestState, 1);
    if (ch.length === 1 && ALPHANUMERIC.includes(ch)) {
      reach(next + 1, bits[prev + 2]! + 6, 2, 0);
      reach(next + 2, bits[prev + 1]! + 5, 1, 0);
      reach(next + 1, cheapest + HEADER_BITS.alphanumeric + 6, cheapestState, 1);
      if (ch >= '0' && ch <= '9') {
        reach(next + 3, bits[prev + 5]! + 4, 5, 0);
        reach(next + 4, bits[prev + 3]! + 3, 3, 0);
        reach(next + 5, bits[prev + 4]! + 3, 4, 0);
        reach(next + 3, cheapest + HEADER_BITS.numeric + 4, cheapestState, 1);
      }
    }
  }
  let state = 0;
  for (let s = 1; s < S; s++) if (bits[n * S + s]! < bits[n * S + state]!) state = s;
  const segments: QRCodeSegment[] = [];
  let end = n;
  for (let i = n; i > 0; i--) {
    const k = i * S + state;
    if (opens[k]) {
      const mode = STATE_MODES[state]!;
      const part = chars.slice(i - 1, end).join('');
      segments.unshift(mode === 'byte' ? { data: utf8.encode(part), mode } : { data: part, mode });
      end = i - 1;
    }
    state = back[k]!;
  }
  return segments;
}

function utf8Length(codePoint: number): number {
  return codePoint < 0x80 ? 1 : codePoint < 0x800 ? 2 : codePoint < 0x10000 ? 3 : 4;
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
