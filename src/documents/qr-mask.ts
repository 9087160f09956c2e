// Choosing the QR data mask (ISO/IEC 18004 §7.8): the symbol is built once with mask 0, and the
// eight candidates are scored on flat arrays with the standard's penalty rules (N1 runs, N2 2×2
// blocks, N3 finder-like 1:1:3:1:1 patterns, N4 dark proportion), scored as `qrcode` scores them,
// so the choice — and the symbol — is the one `qrcode` makes itself, at a fraction of the cost:
// its search re-masks and re-scores module by module through method calls, and took about as
// long as the rest of an extract's page layout.
import QRCode, { type QRCodeMaskPattern } from 'qrcode';

const MASKS: ReadonlyArray<(row: number, col: number) => boolean> = [
  (i, j) => (i + j) % 2 === 0,
  (i) => i % 2 === 0,
  (_, j) => j % 3 === 0,
  (i, j) => (i + j) % 3 === 0,
  (i, j) => (Math.floor(i / 2) + Math.floor(j / 3)) % 2 === 0,
  (i, j) => ((i * j) % 2) + ((i * j) % 3) === 0,
  (i, j) => (((i * j) % 2) + ((i * j) % 3)) % 2 === 0,
  (i, j) => (((i * j) % 3) + ((i + j) % 2)) % 2 === 0,
];

interface VersionLayout {
  /** per mask: 1 where that mask and mask 0 differ on a data module (XOR turns mask 0 into it) */
  flips: Uint8Array[];
  /** format-information modules: index and their value under each mask */
  format: Array<{ index: number; values: Uint8Array }>;
}

const layouts = new Map<number, VersionLayout>();

/**
 * The layout of a version, made once: which modules each mask changes, and the format
 * information (which encodes the mask) as `qrcode` writes it, read back from one symbol per mask.
 */
function layoutOf(version: number): VersionLayout {
  let layout = layouts.get(version);
  if (layout) return layout;
  const templates = MASKS.map((_, mask) => QRCode.create('0', { version, errorCorrectionLevel: 'M', maskPattern: mask as QRCodeMaskPattern }).modules);
  const { size, reservedBit } = templates[0]!;
  const flips = MASKS.map((mask) => {
    const flip = new Uint8Array(size * size);
    for (let row = 0; row < size; row++) {
      for (let col = 0; col < size; col++) {
        const k = row * size + col;
        if (!reservedBit[k] && mask(row, col) !== MASKS[0]!(row, col)) flip[k] = 1;
      }
    }
    return flip;
  });
  const format: VersionLayout['format'] = [];
  for (let k = 0; k < size * size; k++) {
    if (!reservedBit[k]) continue;
    const values = Uint8Array.from(templates, (t) => t.data[k]!);
    if (values.some((v) => v !== values[0])) format.push({ index: k, values });
  }
  layouts.set(version, (layout = { flips, format }));
  return layout;
}

/**
 * The modules of the best-masked symbol, given the modules of the same symbol built with mask 0
 * (`qrcode` with `maskPattern: 0`): a new array, or `masked0` itself when mask 0 is the best.
 */
export function bestMaskedModules(masked0: Uint8Array, size: number, version: number): Uint8Array {
  const { flips, format } = layoutOf(version);
  const candidate = new Uint8Array(masked0.length);
  let best = { penalty: Infinity, modules: masked0 };
  for (let mask = 0; mask < MASKS.length; mask++) {
    const flip = flips[mask]!;
    for (let k = 0; k < candidate.length; k++) candidate[k] = masked0[k]! ^ flip[k]!;
    for (const f of format) candidate[f.index] = f.values[mask]!;
    const penalty = penaltyOf(candidate, size);
    if (penalty < best.penalty) best = { penalty, modules: mask === 0 ? masked0 : candidate.slice() };
  }
  return best.modules;
}

/** N1 + N2 + N3 + N4 of a size × size matrix (1 = dark) */
function penaltyOf(m: Uint8Array, size: number): number {
  let n1 = 0;
  let n3 = 0;
  for (let a = 0; a < size; a++) {
    // row a and column a in one pass
    let rowRun = 0;
    let colRun = 0;
    let rowLast = -1;
    let colLast = -1;
    let rowBits = 0;
    let colBits = 0;
    for (let b = 0; b < size; b++) {
      const r = m[a * size + b]!;
      const c = m[b * size + a]!;
      if (r === rowLast) rowRun++;
      else {
        if (rowRun >= 5) n1 += 3 + rowRun - 5;
        rowLast = r;
        rowRun = 1;
      }
      if (c === colLast) colRun++;
      else {
        if (colRun >= 5) n1 += 3 + colRun - 5;
        colLast = c;
        colRun = 1;
      }
      rowBits = ((rowBits << 1) & 0x7ff) | r;
      colBits = ((colBits << 1) & 0x7ff) | c;
      if (b >= 10) {
        // dark-light-dark×3-light-dark next to four light modules, on either side
        if (rowBits === 0x5d0 || rowBits === 0x05d) n3++;
        if (colBits === 0x5d0 || colBits === 0x05d) n3++;
      }
    }
    if (rowRun >= 5) n1 += 3 + rowRun - 5;
    if (colRun >= 5) n1 += 3 + colRun - 5;
  }
  let n2 = 0;
  let dark = 0;
  for (let row = 0; row < size; row++) {
    for (let col = 0; col < size; col++) {
      const k = row * size + col;
      dark += m[k]!;
      if (row < size - 1 && col < size - 1) {
        const sum = m[k]! + m[k + 1]! + m[k + size]! + m[k + size + 1]!;
        if (sum === 0 || sum === 4) n2++;
      }
    }
  }
  const n4 = Math.abs(Math.ceil((dark * 100) / (size * size) / 5) - 10);
  return n1 + 3 * n2 + 40 * n3 + 10 * n4;
}
