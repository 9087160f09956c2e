// An embedded Unicode font for the PDF documents, without per-document font parsing or shaping.
//
// The TrueType file is parsed once (prepareFont): Unicode → glyph map, advance widths, the raw
// tables a PDF font program needs. Text is written with Identity-H: one CID per distinct code
// point, and the embedded TrueType subset is renumbered so that glyph id = CID. A ToUnicode CMap
// maps every CID back to its code point, so text extraction returns exactly what was written; a
// code point the font lacks still gets its own CID (drawn as the .notdef box) and extracts right.
// Also once: a "shared" subset of the common Latin glyphs, deflated, which most documents embed as
// raw bytes; only a document with other characters pays for a subset of its own (see FontEmbedding).
// No kerning or shaping: the caller NFC-normalises, and text is laid out glyph by glyph.
// Kept instead of fontkit (issue 10: 0.99 ms against 91 ms). Measured again with `npx tsx
// bench/extract-pdf.ts` (2026-12-07, loaded 2-core machine, CPU per document): rendering an extract
// with this subsetter 0.61 ms, a text page through pdf-lib + fontkit 64 ms ("the trap"), the subset 0.03 ms.
import { PDFObject, PDFStream, PDFString, type PDFContext, type PDFDict, type PDFRef } from 'pdf-lib';
import { concatBytes, latin1 } from '../lib/bytes.ts';
import { RegisterError } from '../errors.ts';

export const FONT_ERROR_CODES = ['FONT_INVALID', 'FONT_NOT_EMBEDDABLE', 'FONT_NOT_PREPARED', 'FONT_SUBSET_TOO_LARGE', 'FONT_UNSUPPORTED'] as const;
export type FontErrorCode = (typeof FONT_ERROR_CODES)[number];

export class FontError extends RegisterError {
  static readonly codes = FONT_ERROR_CODES;
  override readonly code: FontErrorCode;
  constructor(code: FontErrorCode, message: string) {
    super(message);
    this.code = code;
  }
}

/** The font files a document renderer needs (bytes; src/ reads no files). */
export interface DocumentAssets {
  regular: Uint8Array;
  bold: Uint8Array;
}

/** Parsed once per process and shared by every document. */
export interface PreparedAssets {
  regular: PreparedFont;
  bold: PreparedFont;
}

/**
 * How the font program goes into each PDF:
 * - `shared` (default): a subset of the common Latin glyphs, built and deflated once and copied
 *   into every document as raw bytes; a document needing other characters gets its own subset.
 * - `subset`: always a subset of exactly the glyphs the document uses, built per document.
 * - `full`: the whole font file, deflated once (files of ~0.5 MB).
 * bench/extract-pdf.ts measures all three.
 */
export type FontEmbedding = 'shared' | 'subset' | 'full';

/** File names of the fonts in src/documents/fonts/, for the runtime entry that loads the bytes. */
export const documentFontFiles = { regular: 'NotoSans-Regular.ttf', bold: 'NotoSans-Bold.ttf' } as const;

/** Parses the fonts and builds what every document reuses; call once per process. */
export async function prepareDocumentAssets(assets: DocumentAssets, options: { embedding?: FontEmbedding } = {}): Promise<PreparedAssets> {
  const [regular, bold] = await Promise.all([prepareFont(assets.regular, options.embedding), prepareFont(assets.bold, options.embedding)]);
  return { regular, bold };
}

export async function prepareFont(bytes: Uint8Array, embedding: FontEmbedding = 'shared'): Promise<PreparedFont> {
  const font = new PreparedFont(bytes, embedding);
  await font.prepareEmbedding();
  return font;
}

/**
 * zlib (RFC 1950) compression, as FlateDecode wants it; native in Node and workerd (pdf-lib's own
 * is JS). Written to and read from the stream directly, without wrapping it in a Blob and a
 * Response (which cost more main-thread time in bench/extract-profile.ts when this was written).
 */
export async function deflate(bytes: Uint8Array): Promise<Uint8Array> {
  const stream = new CompressionStream('deflate');
  const writer = stream.writable.getWriter();
  const written = Promise.all([writer.write(bytes as BufferSource), writer.close()]);
  written.catch(() => {}); // awaited below; a failure also ends the reading with it
  const reader = stream.readable.getReader();
  const chunks: Uint8Array[] = [];
  for (let r = await reader.read(); !r.done; r = await reader.read()) chunks.push(r.value);
  await written;
  return concatBytes(chunks);
}

/** a FlateDecode stream object of the bytes */
export async function flateStream(context: PDFContext, bytes: Uint8Array, dict: Record<string, number> = {}): Promise<BytesStream> {
  return new BytesStream(context.obj({ ...dict, Filter: 'FlateDecode' }) as PDFDict, await deflate(bytes));
}

const STREAM = new TextEncoder().encode('\nstream\n');
const ENDSTREAM = new TextEncoder().encode('\nendstream');

/**
 * A stream of ready bytes, as pdf-lib's PDFRawStream, written with one copy: pdf-lib copies stream
 * data byte by byte, and every document carries some 50 KB of font program.
 */
export class BytesStream extends PDFStream {
  constructor(
    dict: PDFDict,
    readonly contents: Uint8Array,
  ) {
    super(dict);
  }
  override clone(context?: PDFContext): BytesStream {
    return new BytesStream(this.dict.clone(context), this.contents.slice());
  }
  override getContents(): Uint8Array {
    return this.contents;
  }
  override getContentsSize(): number {
    return this.contents.length;
  }
  override getContentsString(): string {
    return latin1(this.contents, 0, this.contents.length);
  }
  override copyBytesInto(buffer: Uint8Array, offset: number): number {
    this.updateDict();
    let at = offset + this.dict.copyBytesInto(buffer, offset);
    for (const part of [STREAM, this.contents, ENDSTREAM]) {
      buffer.set(part, at);
      at += part.length;
    }
    return at - offset;
  }
}

// ---------------------------------------------------------------------------------------------
// Parsing (once)

interface TableRecord {
  offset: number;
  length: number;
}

export class PreparedFont {
  readonly postScriptName: string;
  readonly unitsPerEm: number;
  /** in 1/1000 em, as PDF widths are */
  readonly bbox: [number, number, number, number];
  readonly ascent: number;
  readonly descent: number;
  readonly capHeight: number;
  readonly italicAngle: number;
  readonly bold: boolean;
  readonly numGlyphs: number;
  /** advance width of every glyph in 1/1000 em, rounded: the numbers layout and /W both use */
  readonly advances: Uint16Array;
  readonly embedding: FontEmbedding;

  private readonly bytes: Uint8Array;
  private readonly view: DataView;
  private readonly tables: Map<string, TableRecord>;
  private readonly bmpGlyphs: Uint16Array;
  private readonly astralGlyphs = new Map<number, number>();
  private readonly loca: Uint32Array;
  private readonly glyfOffset: number;
  private readonly hMetrics: Uint8Array; // (advance u16, lsb i16) per glyph, expanded to numGlyphs
  private fullProgram: { deflated: Uint8Array; length: number } | null = null;
  private shared: SharedSubset | null = null;

  constructor(bytes: Uint8Array, embedding: FontEmbedding = 'shared') {
    this.bytes = bytes;
    this.embedding = embedding;
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const v = this.view;
    const version = v.getUint32(0);
    if (version !== 0x00010000 && version !== 0x74727565 /* 'true' */) {
      throw new FontError('FONT_UNSUPPORTED', 'expected a TrueType (glyf) font; CFF/OpenType-PS and collections are not supported');
    }
    this.tables = new Map();
    const numTables = v.getUint16(4);
    for (let i = 0; i < numTables; i++) {
      const rec = 12 + i * 16;
      this.tables.set(tagAt(bytes, rec), { offset: v.getUint32(rec + 8), length: v.getUint32(rec + 12) });
    }
    for (const required of ['head', 'hhea', 'maxp', 'hmtx', 'loca', 'glyf', 'cmap']) {
      if (!this.tables.has(required)) throw new FontError('FONT_INVALID', `font has no '${required}' table`);
    }

    const os2 = this.tables.get('OS/2');
    if (os2) {
      const fsType = v.getUint16(os2.offset + 8);
      // bit 1 alone: "restricted licence embedding" — the font may not be embedded at all
      if ((fsType & 0x000f) === 0x0002) throw new FontError('FONT_NOT_EMBEDDABLE', 'the font licence forbids embedding');
    }

    const head = this.table('head');
    this.unitsPerEm = v.getUint16(head + 18);
    const scale = 1000 / this.unitsPerEm;
    this.bbox = [v.getInt16(head + 36), v.getInt16(head + 38), v.getInt16(head + 40), v.getInt16(head + 42)].map((n) =>
      Math.round(n * scale),
    ) as [number, number, number, number];
    const longLoca = v.getInt16(head + 50) === 1;

    const hhea = this.table('hhea');
    this.ascent = Math.round(v.getInt16(hhea + 4) * scale);
    this.descent = Math.round(v.getInt16(hhea + 6) * scale);
    const numberOfHMetrics = v.getUint16(hhea + 34);
    this.numGlyphs = v.getUint16(this.table('maxp') + 4);

    this.capHeight = os2 && v.getUint16(os2.offset) >= 2 ? Math.round(v.getInt16(os2.offset + 88) * scale) : this.ascent;
    this.bold = os2 ? v.getUint16(os2.offset + 4) >= 600 : false;
    const post = this.tables.get('post');
    this.italicAngle = post ? v.getInt32(post.offset + 4) / 65536 : 0;
    this.postScriptName = readPostScriptName(bytes, v, this.tables.get('name')) ?? 'EmbeddedFont';

    // horizontal metrics, expanded so every glyph has its own (advance, lsb) pair
    const hmtx = this.table('hmtx');
    this.hMetrics = new Uint8Array(this.numGlyphs * 4);
    this.advances = new Uint16Array(this.numGlyphs);
    let lastAdvance = 0;
    for (let g = 0; g < this.numGlyphs; g++) {
      let advance: number;
      let lsbOffset: number;
      if (g < numberOfHMetrics) {
        advance = v.getUint16(hmtx + g * 4);
        lsbOffset = hmtx + g * 4 + 2;
        lastAdvance = advance;
      } else {
        advance = lastAdvance;
        lsbOffset = hmtx + numberOfHMetrics * 4 + (g - numberOfHMetrics) * 2;
      }
      this.hMetrics[g * 4] = advance >> 8;
      this.hMetrics[g * 4 + 1] = advance & 0xff;
      this.hMetrics[g * 4 + 2] = bytes[lsbOffset]!;
      this.hMetrics[g * 4 + 3] = bytes[lsbOffset + 1]!;
      this.advances[g] = Math.round(advance * scale);
    }

    const loca = this.table('loca');
    this.loca = new Uint32Array(this.numGlyphs + 1);
    for (let g = 0; g <= this.numGlyphs; g++) {
      this.loca[g] = longLoca ? v.getUint32(loca + g * 4) : v.getUint16(loca + g * 2) * 2;
    }
    this.glyfOffset = this.table('glyf');

    this.bmpGlyphs = new Uint16Array(0x10000);
    this.readCmap();
  }

  /** @internal builds the embedding caches (the shared subset, or the deflated full font) */
  async prepareEmbedding(): Promise<void> {
    if (this.embedding === 'shared') this.shared ??= await buildSharedSubset(this);
    if (this.embedding === 'full') this.fullProgram ??= { deflated: await deflate(this.bytes), length: this.bytes.length };
  }

  /** glyph id for a code point; 0 (.notdef) if the font lacks it */
  glyphFor(codePoint: number): number {
    return codePoint < 0x10000 ? this.bmpGlyphs[codePoint]! : (this.astralGlyphs.get(codePoint) ?? 0);
  }

  hasGlyph(codePoint: number): boolean {
    return this.glyphFor(codePoint) !== 0;
  }

  /** width of NFC-normalised text at a font size, in points */
  widthOf(text: string, size: number): number {
    let units = 0;
    for (const ch of text) units += this.advances[this.glyphFor(ch.codePointAt(0)!)]!;
    return (units * size) / 1000;
  }

  usage(): FontUsage {
    if (this.embedding === 'full') return new FullFontUsage(this, this.fullProgram ?? unprepared());
    return new SubsetFontUsage(this, this.embedding === 'shared' ? (this.shared ?? unprepared()) : null);
  }

  /** @internal raw glyph record of a glyph */
  glyphData(gid: number): Uint8Array {
    return this.bytes.subarray(this.glyfOffset + this.loca[gid]!, this.glyfOffset + this.loca[gid + 1]!);
  }

  /** @internal (advance, lsb) bytes of a glyph */
  horizontalMetrics(gid: number): Uint8Array {
    return this.hMetrics.subarray(gid * 4, gid * 4 + 4);
  }

  /** @internal a table's raw bytes, or undefined */
  rawTable(tag: string): Uint8Array | undefined {
    const t = this.tables.get(tag);
    return t && this.bytes.subarray(t.offset, t.offset + t.length);
  }

  private table(tag: string): number {
    return this.tables.get(tag)!.offset;
  }

  private readCmap(): void {
    const v = this.view;
    const cmap = this.table('cmap');
    const count = v.getUint16(cmap + 2);
    let format4 = -1;
    let format12 = -1;
    for (let i = 0; i < count; i++) {
      const rec = cmap + 4 + i * 8;
      const platform = v.getUint16(rec);
      const encoding = v.getUint16(rec + 2);
      const sub = cmap + v.getUint32(rec + 4);
      const format = v.getUint16(sub);
      const unicode = platform === 0 || (platform === 3 && (encoding === 1 || encoding === 10));
      if (!unicode) continue;
      if (format === 12 && format12 < 0) format12 = sub;
      if (format === 4 && format4 < 0) format4 = sub;
    }
    if (format12 >= 0) {
      const groups = v.getUint32(format12 + 12);
      for (let i = 0; i < groups; i++) {
        const g = format12 + 16 + i * 12;
        const start = v.getUint32(g);
        const end = v.getUint32(g + 4);
        const glyph = v.getUint32(g + 8);
        for (let c = start; c <= end && c <= 0x10ffff; c++) this.setGlyph(c, glyph + (c - start));
      }
    } else if (format4 >= 0) {
      const segCount = v.getUint16(format4 + 6) / 2;
      const ends = format4 + 14;
      const starts = ends + segCount * 2 + 2;
      const deltas = starts + segCount * 2;
      const rangeOffsets = deltas + segCount * 2;
      for (let s = 0; s < segCount; s++) {
        const start = v.getUint16(starts + s * 2);
        const end = v.getUint16(ends + s * 2);
        const delta = v.getInt16(deltas + s * 2);
        const rangeOffset = v.getUint16(rangeOffsets + s * 2);
        for (let c = start; c <= end && c !== 0xffff; c++) {
          let glyph: number;
          if (rangeOffset === 0) glyph = (c + delta) & 0xffff;
          else {
            const at = rangeOffsets + s * 2 + rangeOffset + (c - start) * 2;
            glyph = v.getUint16(at);
            if (glyph !== 0) glyph = (glyph + delta) & 0xffff;
          }
          this.setGlyph(c, glyph);
        }
      }
    } else {
      throw new FontError('FONT_INVALID', 'font has no Unicode cmap (format 4 or 12)');
    }
  }

  private setGlyph(codePoint: number, glyph: number): void {
    if (glyph >= this.numGlyphs) return;
    if (codePoint < 0x10000) this.bmpGlyphs[codePoint] = glyph;
    else this.astralGlyphs.set(codePoint, glyph);
  }
}

function unprepared(): never {
  throw new FontError('FONT_NOT_PREPARED', 'create fonts with prepareFont / prepareDocumentAssets');
}

function tagAt(bytes: Uint8Array, at: number): string {
  return String.fromCharCode(bytes[at]!, bytes[at + 1]!, bytes[at + 2]!, bytes[at + 3]!);
}

function readPostScriptName(bytes: Uint8Array, v: DataView, name: TableRecord | undefined): string | undefined {
  if (!name) return undefined;
  const count = v.getUint16(name.offset + 2);
  const strings = name.offset + v.getUint16(name.offset + 4);
  for (let i = 0; i < count; i++) {
    const rec = name.offset + 6 + i * 12;
    if (v.getUint16(rec + 6) !== 6) continue;
    const platform = v.getUint16(rec);
    const length = v.getUint16(rec + 8);
    const at = strings + v.getUint16(rec + 10);
    let s = '';
    if (platform === 3 || platform === 0) {
      for (let j = 0; j < length; j += 2) s += String.fromCharCode(v.getUint16(at + j));
    } else {
      for (let j = 0; j < length; j++) s += String.fromCharCode(bytes[at + j]!);
    }
    // a PDF name must stay printable ASCII without delimiters
    const clean = s.replace(/[^A-Za-z0-9_.-]/g, '');
    if (clean) return clean;
  }
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// The shared subset: the glyphs nearly every document needs, built and deflated once

/**
 * Code points of the shared subset: Basic Latin, Latin-1, Latin Extended-A, the Romanian
 * comma-below letters and common punctuation — every label and most names. A document that
 * needs anything else (Vietnamese, Greek, Cyrillic, …) gets its own subset instead.
 */
const SHARED_RANGES: ReadonlyArray<readonly [number, number]> = [
  [0x20, 0x7e],
  [0xa0, 0x17f],
  [0x218, 0x21b],
  [0x2010, 0x2014],
  [0x2018, 0x201e],
  [0x2022, 0x2022],
  [0x2026, 0x2026],
  [0x20ac, 0x20ac],
];

interface SharedSubset {
  /** code point of each CID (index = CID; CID 0 = .notdef) */
  codePoints: number[];
  /** CID of each BMP code point in the set, 0 if not in it */
  cids: Uint16Array;
  program: Uint8Array;
  programLength: number;
  widths: WidthArrays;
  toUnicode: Uint8Array;
  baseFont: string;
}

async function buildSharedSubset(font: PreparedFont): Promise<SharedSubset> {
  const codePoints = [-1];
  const cids = new Uint16Array(0x10000);
  for (const [from, to] of SHARED_RANGES) {
    for (let cp = from; cp <= to; cp++) {
      if (!font.hasGlyph(cp)) continue;
      cids[cp] = codePoints.length;
      codePoints.push(cp);
    }
  }
  const glyphs = codePoints.map((cp) => (cp < 0 ? 0 : font.glyphFor(cp)));
  const program = buildSubset(font, glyphs);
  return {
    codePoints,
    cids,
    program: await deflate(program),
    programLength: program.length,
    widths: widthArrays(glyphs.slice(1).map((g) => font.advances[g]!)),
    toUnicode: await deflate(new TextEncoder().encode(toUnicodeCMap(codePoints.slice(1).map((cp, i) => [i + 1, cp] as const)))),
    baseFont: `${subsetTag(codePoints)}+${font.postScriptName}`,
  };
}

// ---------------------------------------------------------------------------------------------
// Per document

/** Hands out CIDs for text in one document and embeds the font there at the end. */
export interface FontUsage {
  readonly font: PreparedFont;
  /** the text as a PDF hex string of 2-byte CIDs (Identity-H), e.g. "<00010002>" */
  encode(text: string): string;
  /** writes the Type0 font (with its descendant CIDFontType2, descriptor, program, ToUnicode) */
  embed(context: PDFContext): Promise<PDFRef>;
}

const HEX4: readonly string[] = Array.from({ length: 4096 }, (_, n) => n.toString(16).padStart(4, '0'));
function hex4(n: number): string {
  if (n < 4096) return HEX4[n]!;
  return n.toString(16).padStart(4, '0');
}

interface FontObjects {
  program: BytesStream;
  /** /DW and /W of the CIDFont */
  widths: WidthArrays;
  toUnicode: BytesStream;
  baseFont: string;
}

abstract class BaseFontUsage implements FontUsage {
  constructor(readonly font: PreparedFont) {}

  protected abstract cidFor(codePoint: number): number;
  protected abstract objects(context: PDFContext): Promise<FontObjects>;

  encode(text: string): string {
    let out = '<';
    for (const ch of text) out += hex4(this.cidFor(ch.codePointAt(0)!));
    return out + '>';
  }

  async embed(context: PDFContext): Promise<PDFRef> {
    const font = this.font;
    const { program, widths, toUnicode, baseFont } = await this.objects(context);
    const descriptor = context.register(
      context.obj({
        Type: 'FontDescriptor',
        FontName: baseFont,
        // 32 = nonsymbolic (Latin text); 0x40000 = force bold
        Flags: 32 | (font.bold ? 0x40000 : 0),
        FontBBox: font.bbox,
        ItalicAngle: font.italicAngle,
        Ascent: font.ascent,
        Descent: font.descent,
        CapHeight: font.capHeight,
        StemV: font.bold ? 140 : 80,
        FontFile2: context.register(program),
      }),
    );
    const cidFont = context.register(
      context.obj({
        Type: 'Font',
        Subtype: 'CIDFontType2',
        BaseFont: baseFont,
        CIDSystemInfo: { Registry: PDFString.of('Adobe'), Ordering: PDFString.of('Identity'), Supplement: 0 },
        FontDescriptor: descriptor,
        CIDToGIDMap: 'Identity',
        DW: widths.dw,
        W: widthsObject(widths),
      }),
    );
    return context.register(
      context.obj({
        Type: 'Font',
        Subtype: 'Type0',
        BaseFont: baseFont,
        Encoding: 'Identity-H',
        DescendantFonts: [cidFont],
        ToUnicode: context.register(toUnicode),
      }),
    );
  }
}

/**
 * CIDs of the shared subset where it covers the text (1…n, fixed), further code points get
 * n+1, n+2, … in order of first use. Without such extras the cached shared font goes in as it
 * is; with them a document subset is built: the shared CIDs actually used, holes (empty glyphs)
 * for the unused ones, then the extras. Without a shared subset every CID is an extra.
 */
class SubsetFontUsage extends BaseFontUsage {
  private readonly shared: SharedSubset | null;
  private readonly usedShared: Uint8Array;
  private readonly extras = new Map<number, number>();
  private readonly extraCodePoints: number[] = [];

  constructor(font: PreparedFont, shared: SharedSubset | null) {
    super(font);
    this.shared = shared;
    this.usedShared = new Uint8Array(shared ? shared.codePoints.length : 1);
  }

  protected cidFor(codePoint: number): number {
    if (this.shared && codePoint < 0x10000) {
      const cid = this.shared.cids[codePoint]!;
      if (cid) {
        this.usedShared[cid] = 1;
        return cid;
      }
    }
    let cid = this.extras.get(codePoint);
    if (cid === undefined) {
      cid = this.usedShared.length + this.extraCodePoints.length;
      this.extraCodePoints.push(codePoint);
      this.extras.set(codePoint, cid);
    }
    return cid;
  }

  protected async objects(context: PDFContext): Promise<FontObjects> {
    const shared = this.shared;
    if (shared && this.extraCodePoints.length === 0) {
      return {
        program: new BytesStream(context.obj({ Length1: shared.programLength, Filter: 'FlateDecode' }) as PDFDict, shared.program),
        widths: shared.widths,
        toUnicode: new BytesStream(context.obj({ Filter: 'FlateDecode' }) as PDFDict, shared.toUnicode),
        baseFont: shared.baseFont,
      };
    }
    const font = this.font;
    // CID → code point; -1 for .notdef and for shared CIDs this document does not use
    const codePoints: number[] = [-1];
    for (let cid = 1; cid < this.usedShared.length; cid++) codePoints.push(this.usedShared[cid] ? shared!.codePoints[cid]! : -1);
    codePoints.push(...this.extraCodePoints);
    const glyphs = codePoints.map((cp, cid) => (cid === 0 ? 0 : cp < 0 ? EMPTY_GLYPH : font.glyphFor(cp)));
    const program = buildSubset(font, glyphs);
    const mapped = codePoints.map((cp, cid) => [cid, cp] as const).filter(([, cp]) => cp >= 0);
    return {
      program: await flateStream(context, program, { Length1: program.length }),
      widths: widthArrays(glyphs.slice(1).map((g) => (g === EMPTY_GLYPH ? 0 : font.advances[g]!))),
      toUnicode: await flateStream(context, new TextEncoder().encode(toUnicodeCMap(mapped))),
      baseFont: `${subsetTag(mapped.map(([, cp]) => cp))}+${font.postScriptName}`,
    };
  }
}

/** CID = glyph id of the whole font; the font file goes in as it is (deflated once) */
class FullFontUsage extends BaseFontUsage {
  private readonly seen = new Map<number, number>(); // glyph → first code point

  constructor(
    font: PreparedFont,
    private readonly program: { deflated: Uint8Array; length: number },
  ) {
    super(font);
  }

  protected cidFor(codePoint: number): number {
    const gid = this.font.glyphFor(codePoint);
    if (!this.seen.has(gid)) this.seen.set(gid, codePoint);
    return gid;
  }

  protected async objects(context: PDFContext): Promise<FontObjects> {
    const gids = [...this.seen.keys()].filter((g) => g !== 0).sort((a, b) => a - b);
    const w: Array<number | number[]> = [];
    for (const g of gids) w.push(g, [this.font.advances[g]!]);
    const { deflated, length } = this.program;
    return {
      program: new BytesStream(context.obj({ Length1: length, Filter: 'FlateDecode' }) as PDFDict, deflated),
      widths: { dw: 0, w },
      toUnicode: await flateStream(context, new TextEncoder().encode(toUnicodeCMap(gids.map((g) => [g, this.seen.get(g)!] as const)))),
      baseFont: this.font.postScriptName,
    };
  }
}

interface WidthArrays {
  dw: number;
  w: Array<number | number[]>;
  /** /W serialised, made on first use and kept with the arrays (the shared subset's are written into every extract) */
  serialised?: PreserializedObject;
}

/**
 * /DW and /W for CIDs 1…n (widths[0] is CID 1), kept short because it is written per document:
 * the most common width becomes /DW and is left out; runs of three or more equal widths are
 * written as `first last width`, the rest as `first [w w …]`.
 */
function widthArrays(widths: number[]): WidthArrays {
  const counts = new Map<number, number>();
  for (const w of widths) counts.set(w, (counts.get(w) ?? 0) + 1);
  let dw = 0;
  let most = -1;
  for (const [w, n] of counts) if (n > most) [dw, most] = [w, n];
  const runEnd = (i: number) => {
    let j = i;
    while (j + 1 < widths.length && widths[j + 1] === widths[i]) j++;
    return j;
  };
  const w: Array<number | number[]> = [];
  let i = 0;
  while (i < widths.length) {
    if (widths[i] === dw) {
      i++;
      continue;
    }
    const end = runEnd(i);
    if (end - i >= 2) {
      w.push(i + 1, end + 1, widths[i]!);
      i = end + 1;
      continue;
    }
    const start = i;
    const list: number[] = [];
    while (i < widths.length && widths[i] !== dw && (list.length === 0 || runEnd(i) - i < 2)) list.push(widths[i++]!);
    w.push(start + 1, list);
  }
  return { dw, w };
}

/**
 * A direct object written as bytes made once. The /W array of a font has hundreds of numbers;
 * as pdf-lib objects they would be built, measured and written again for every document.
 */
class PreserializedObject extends PDFObject {
  constructor(private readonly bytes: Uint8Array) {
    super();
  }
  override clone(): PreserializedObject {
    return this; // immutable
  }
  override toString(): string {
    return latin1(this.bytes, 0, this.bytes.length);
  }
  override sizeInBytes(): number {
    return this.bytes.length;
  }
  override copyBytesInto(buffer: Uint8Array, offset: number): number {
    buffer.set(this.bytes, offset);
    return this.bytes.length;
  }
}

/** /W as pdf-lib writes an array: "[ 1 [ 500 600 ] 10 20 300 ]" */
function widthsObject(widths: WidthArrays): PreserializedObject {
  if (!widths.serialised) {
    const text = `[ ${widths.w.map((e) => (typeof e === 'number' ? `${e} ` : `[ ${e.map((n) => `${n} `).join('')}] `)).join('')}]`;
    widths.serialised = new PreserializedObject(new TextEncoder().encode(text));
  }
  return widths.serialised;
}

/** six capital letters derived from the character set, as PDF subset names require */
function subsetTag(codePoints: number[]): string {
  let h = 0x811c9dc5;
  for (const cp of codePoints) {
    h ^= cp & 0xffff;
    h = Math.imul(h, 0x01000193);
    h ^= cp >>> 16;
    h = Math.imul(h, 0x01000193);
  }
  h >>>= 0;
  let tag = '';
  for (let i = 0; i < 6; i++) {
    tag += String.fromCharCode(65 + (h % 26));
    h = Math.floor(h / 26);
  }
  return tag;
}

function toUnicodeCMap(entries: ReadonlyArray<readonly [number, number]>): string {
  let body = '';
  for (let i = 0; i < entries.length; i += 100) {
    const chunk = entries.slice(i, i + 100);
    body += `${chunk.length} beginbfchar\n`;
    for (const [cid, cp] of chunk) body += `<${hex4(cid)}> <${utf16Hex(cp)}>\n`;
    body += 'endbfchar\n';
  }
  return (
    '/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n' +
    '/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n' +
    '/CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n' +
    '1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n' +
    body +
    'endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n'
  );
}

function utf16Hex(cp: number): string {
  if (cp < 0x10000) return hex4(cp);
  const v = cp - 0x10000;
  return hex4(0xd800 + (v >> 10)) + hex4(0xdc00 + (v & 0x3ff));
}

// ---------------------------------------------------------------------------------------------
// TrueType subset: glyph id n of the subset = sourceGlyphs[n] (EMPTY_GLYPH: no outline, no
// advance); components of composite glyphs are appended after them and the composite records are
// rewritten to point at the new ids.

export const EMPTY_GLYPH = -1;
const NO_BYTES = new Uint8Array(0);
const NO_METRICS = new Uint8Array(4);

const ARG_1_AND_2_ARE_WORDS = 0x0001;
const WE_HAVE_A_SCALE = 0x0008;
const MORE_COMPONENTS = 0x0020;
const WE_HAVE_AN_X_AND_Y_SCALE = 0x0040;
const WE_HAVE_A_TWO_BY_TWO = 0x0080;

/** offsets of the glyphIndex fields inside a composite glyph record (empty for simple glyphs) */
function componentOffsets(glyph: Uint8Array): number[] {
  if (glyph.length < 10 || ((glyph[0]! << 8) | glyph[1]!) < 0x8000) return [];
  const offsets: number[] = [];
  let at = 10;
  for (;;) {
    const flags = (glyph[at]! << 8) | glyph[at + 1]!;
    offsets.push(at + 2);
    at += 4 + (flags & ARG_1_AND_2_ARE_WORDS ? 4 : 2);
    if (flags & WE_HAVE_A_SCALE) at += 2;
    else if (flags & WE_HAVE_AN_X_AND_Y_SCALE) at += 4;
    else if (flags & WE_HAVE_A_TWO_BY_TWO) at += 8;
    if (!(flags & MORE_COMPONENTS)) return offsets;
  }
}

export function buildSubset(font: PreparedFont, sourceGlyphs: number[]): Uint8Array {
  const glyphs = [...sourceGlyphs];
  const componentIds = new Map<number, number>();
  const records: Uint8Array[] = [];
  let glyfLength = 0;
  // `glyphs` grows while we walk it: components are appended and visited in turn
  for (let n = 0; n < glyphs.length; n++) {
    const source = glyphs[n] === EMPTY_GLYPH ? NO_BYTES : font.glyphData(glyphs[n]!);
    const offsets = componentOffsets(source);
    let record = source;
    if (offsets.length) {
      record = source.slice();
      for (const at of offsets) {
        const component = (record[at]! << 8) | record[at + 1]!;
        let id = componentIds.get(component);
        if (id === undefined) {
          id = glyphs.length;
          glyphs.push(component);
          componentIds.set(component, id);
        }
        record[at] = id >> 8;
        record[at + 1] = id & 0xff;
      }
    }
    records.push(record);
    glyfLength += (record.length + 3) & ~3;
  }
  const count = glyphs.length;
  if (count > 0xffff) throw new FontError('FONT_SUBSET_TOO_LARGE', 'too many glyphs for one subset');

  const glyf = new Uint8Array(glyfLength);
  const loca = new Uint8Array((count + 1) * 4);
  const locaView = new DataView(loca.buffer);
  const hmtx = new Uint8Array(count * 4);
  let at = 0;
  for (let n = 0; n < count; n++) {
    locaView.setUint32(n * 4, at);
    glyf.set(records[n]!, at);
    at += (records[n]!.length + 3) & ~3;
    hmtx.set(glyphs[n] === EMPTY_GLYPH ? NO_METRICS : font.horizontalMetrics(glyphs[n]!), n * 4);
  }
  locaView.setUint32(count * 4, at);

  const head = font.rawTable('head')!.slice();
  const headView = new DataView(head.buffer);
  headView.setUint32(8, 0); // checkSumAdjustment, set below
  headView.setInt16(50, 1); // long loca
  const hhea = font.rawTable('hhea')!.slice();
  new DataView(hhea.buffer).setUint16(34, count);
  const maxp = font.rawTable('maxp')!.slice();
  new DataView(maxp.buffer).setUint16(4, count);

  const tables: Array<[string, Uint8Array]> = [
    ['glyf', glyf],
    ['head', head],
    ['hhea', hhea],
    ['hmtx', hmtx],
    ['loca', loca],
    ['maxp', maxp],
  ];
  for (const tag of ['cvt ', 'fpgm', 'prep']) {
    const raw = font.rawTable(tag);
    if (raw) tables.push([tag, raw]);
  }
  tables.sort((a, b) => (a[0] < b[0] ? -1 : 1));
  const file = writeSfnt(tables);
  const adjustment = (0xb1b0afba - checksum(file, 0, file.length)) >>> 0;
  const headAt = tableOffsetIn(file, 'head');
  new DataView(file.buffer).setUint32(headAt + 8, adjustment);
  return file;
}

function writeSfnt(tables: Array<[string, Uint8Array]>): Uint8Array {
  const numTables = tables.length;
  let size = 12 + numTables * 16;
  for (const [, data] of tables) size += (data.length + 3) & ~3;
  const file = new Uint8Array(size);
  const v = new DataView(file.buffer);
  let pow = 1;
  let log = 0;
  while (pow * 2 <= numTables) {
    pow *= 2;
    log++;
  }
  v.setUint32(0, 0x00010000);
  v.setUint16(4, numTables);
  v.setUint16(6, pow * 16);
  v.setUint16(8, log);
  v.setUint16(10, numTables * 16 - pow * 16);
  let offset = 12 + numTables * 16;
  tables.forEach(([tag, data], i) => {
    const rec = 12 + i * 16;
    for (let j = 0; j < 4; j++) file[rec + j] = tag.charCodeAt(j);
    file.set(data, offset);
    v.setUint32(rec + 4, checksum(file, offset, data.length));
    v.setUint32(rec + 8, offset);
    v.setUint32(rec + 12, data.length);
    offset += (data.length + 3) & ~3;
  });
  return file;
}

function tableOffsetIn(file: Uint8Array, tag: string): number {
  const v = new DataView(file.buffer, file.byteOffset);
  const n = v.getUint16(4);
  for (let i = 0; i < n; i++) if (tagAt(file, 12 + i * 16) === tag) return v.getUint32(12 + i * 16 + 8);
  throw new FontError('FONT_INVALID', `no ${tag} table`);
}

/** TrueType table checksum: sum of big-endian uint32 words, zero-padded */
function checksum(bytes: Uint8Array, offset: number, length: number): number {
  let sum = 0;
  const end = offset + length;
  let i = offset;
  for (; i + 4 <= end; i += 4) sum = (sum + ((bytes[i]! << 24) | (bytes[i + 1]! << 16) | (bytes[i + 2]! << 8) | bytes[i + 3]!)) >>> 0;
  if (i < end) {
    let last = 0;
    for (let k = 0; k < 4; k++) last = (last << 8) | (i + k < end ? bytes[i + k]! : 0);
    sum = (sum + (last >>> 0)) >>> 0;
  }
  return sum;
}
