// The signed extract as PDF: A4, Dutch or English, real text in an embedded Unicode font, the
// verification QR code, the credential attached as credential.jwt. (The PAdES seal is applied to
// these bytes afterwards, elsewhere.)
//
// Built for throughput: pdf-lib only assembles objects and writes the file; the page content is
// written as raw operators (uncompressed); the fonts are parsed once (PreparedAssets, see
// font.ts), with a shared Latin subset that goes into each document as ready-made bytes, and text
// is measured and encoded from tables instead of fontkit layout; the QR code is one vector path;
// the credential is attached as it is. Numbers: bench/extract-pdf.ts, bench/extract-profile.ts.
import { AFRelationship, PDFDict, PDFDocument, PDFHexString, PDFName, PDFString } from 'pdf-lib';
import type { ProgrammeCodeType } from '../domain/codes.ts';
import { BytesStream, type FontUsage, type PreparedAssets, type PreparedFont } from './font.ts';
import {
  amsterdamDate,
  extractTexts,
  formatDate,
  formatFinalMark,
  formatMark,
  type DiplomaKind,
  type DocumentLanguage,
  type ExtractTexts,
} from './i18n.ts';
import { qrMatrix, qrPdfOperators } from './qr.ts';

export { prepareDocumentAssets, documentFontFiles, type DocumentAssets, type PreparedAssets } from './font.ts';

export interface ExtractGrade {
  subjectCode: string;
  subjectNl: string;
  subjectEn: string;
  schoolExam?: number;
  centralExam?: number;
  final: number;
}

export interface ExtractModel {
  lang: DocumentLanguage;
  extractNumber: string;
  /** download date (printed in the footer, and the PDF creation date) */
  issuedAt: Date;
  /** what the QR code encodes: https://<host>/v/<extract number>#<secret> */
  verifyUrl: string;
  /** printed for typing the number, e.g. https://host/v */
  verifyBaseUrl: string;
  /** the signed credential (vc+jwt), attached as credential.jwt */
  credentialJwt: string;
  holder: { givenNames: string; prefix: string | null; familyName: string; birthDate: string };
  diploma: {
    kind: DiplomaKind;
    awardDate: string;
    nlqf: string;
    eqf: number;
    profile: { code: string; nameNl: string; nameEn: string } | null;
    grades: ExtractGrade[] | null;
  };
  programme: { codeType: ProgrammeCodeType; code: string; nameNl: string; nameEn: string };
  institution: { brin: string; location: string; name: string; place: string };
}

export const CREDENTIAL_ATTACHMENT_NAME = 'credential.jwt';
export const CREDENTIAL_MEDIA_TYPE = 'application/vc+jwt';
/** custom document-information entry naming the attachment */
export const CREDENTIAL_INFO_KEY = 'DiplomaCredential';
/** author, creator and producer in the document information */
export const PRODUCER = 'Diplomaregister';

// ---------------------------------------------------------------------------------------------
// Geometry (points; origin bottom-left) and colours

const PAGE_WIDTH = 595.28;
const PAGE_HEIGHT = 841.89;
const MARGIN_X = 56.7; // 20 mm
const CONTENT_WIDTH = PAGE_WIDTH - 2 * MARGIN_X;
const HEADER_RULE_Y = PAGE_HEIGHT - 66;
const FOOTER_RULE_Y = 50;
const LABEL_WIDTH = 150;
const VALUE_X = MARGIN_X + LABEL_WIDTH;
const VALUE_WIDTH = CONTENT_WIDTH - LABEL_WIDTH;
const VERIFY_BOX_HEIGHT = 150;
const VERIFY_BOX_Y = FOOTER_RULE_Y + 22;
const QR_SIDE = 124;
/** the QR code, quiet zone included, at the right of the verification block */
const QR_BOX = { x: PAGE_WIDTH - MARGIN_X - QR_SIDE - 6, y: VERIFY_BOX_Y + (VERIFY_BOX_HEIGHT - QR_SIDE) / 2, side: QR_SIDE };

type Rgb = readonly [number, number, number];
const INK: Rgb = [0.1, 0.1, 0.12];
const MUTED: Rgb = [0.36, 0.38, 0.42];
const ACCENT: Rgb = [0.082, 0.259, 0.451]; // dark blue
const HAIRLINE: Rgb = [0.78, 0.8, 0.83];
const TINT: Rgb = [0.945, 0.953, 0.965];

type FontKey = 'regular' | 'bold';
const FONT_RESOURCE: Record<FontKey, string> = { regular: '/F1', bold: '/F2' };

// ---------------------------------------------------------------------------------------------

export async function renderExtractPdf(model: ExtractModel, assets: PreparedAssets): Promise<Uint8Array> {
  const doc = await buildExtractDocument(model, assets);
  return doc.save({ useObjectStreams: false, addDefaultPage: false, objectsPerTick: Infinity, updateFieldAppearances: false });
}

/** The extract as an unsaved pdf-lib document: the seal can then save it once (sealPdfDocument). */
export async function buildExtractDocument(model: ExtractModel, assets: PreparedAssets): Promise<PDFDocument> {
  const t = extractTexts[model.lang];
  const writer = new DocumentWriter(assets);

  layoutExtract(writer, model, t);
  const footerLeft = t.footerExtract(clean(model.extractNumber), formatDate(amsterdamDate(model.issuedAt), model.lang));
  writer.pages.forEach((page, i) => {
    page.rule(MARGIN_X, FOOTER_RULE_Y, PAGE_WIDTH - MARGIN_X, 0.5, HAIRLINE);
    page.text(MARGIN_X, FOOTER_RULE_Y - 14, footerLeft, 'regular', 8, MUTED);
    page.textRight(PAGE_WIDTH - MARGIN_X, FOOTER_RULE_Y - 14, t.page(i + 1, writer.pages.length), 'regular', 8, MUTED);
  });

  const doc = await PDFDocument.create({ updateMetadata: false });
  await writer.writeInto(doc);
  setMetadataAndAttachment(doc, model, t);
  return doc;
}

/** Lays out all pages (footers come after, when the page count is known). */
function layoutExtract(w: DocumentWriter, model: ExtractModel, t: ExtractTexts): void {
  const lang = model.lang;
  const extractNumber = clean(model.extractNumber);
  const holderName = fullName(model.holder);
  const qualification = clean(lang === 'nl' ? model.programme.nameNl : model.programme.nameEn);
  const profile = model.diploma.profile;
  const profileText = profile ? `${clean(lang === 'nl' ? profile.nameNl : profile.nameEn)} (${clean(profile.code)})` : null;
  const grades = model.diploma.grades?.length ? model.diploma.grades : null;

  // page 1: the register's fields; the verification block is reserved at the bottom
  let page = w.newPage(extractNumber, t);
  let y = HEADER_RULE_Y - 40;
  page.text(MARGIN_X, y, t.title, 'bold', 20, INK);
  y -= 22;
  for (const line of w.wrap(t.intro, 'regular', 10, CONTENT_WIDTH)) {
    page.text(MARGIN_X, y, line, 'regular', 10, MUTED);
    y -= 14;
  }
  y -= 10;

  const firstPageBottom = VERIFY_BOX_Y + VERIFY_BOX_HEIGHT + 18;
  const flow = new Flow(w, page, y, firstPageBottom, extractNumber, t);
  let gradesRow: { page: PageBuilder; y: number } | null = null;

  flow.section(t.sectionHolder);
  flow.row(t.name, holderName, 'bold');
  flow.row(t.birthDate, formatDate(model.holder.birthDate, lang));

  flow.section(t.sectionDiploma);
  flow.row(t.documentKind, t.kinds[model.diploma.kind]);
  flow.row(t.qualification, qualification, 'bold');
  if (lang === 'en' && clean(model.programme.nameNl) !== qualification) flow.row(t.qualificationDutch, clean(model.programme.nameNl));
  if (profileText) flow.row(t.profile, profileText);
  flow.row(t.programmeCode[model.programme.codeType], clean(model.programme.code));
  flow.row(t.awardDate, formatDate(model.diploma.awardDate, lang));
  flow.row(t.level, `NLQF ${clean(model.diploma.nlqf)} · EQF ${model.diploma.eqf}`);
  if (grades) gradesRow = flow.row(t.gradeList, '');

  flow.section(t.sectionInstitution);
  flow.row(t.institutionName, clean(model.institution.name));
  flow.row(t.place, clean(model.institution.place));
  flow.row(t.institutionCode, t.institutionCodeValue(clean(model.institution.brin), clean(model.institution.location)));

  writeVerificationBlock(w, w.pages[0]!, model, extractNumber, t);

  if (!grades) return;
  const firstGradePage = w.pages.length + 1;
  page = w.newPage(extractNumber, t);
  layoutGrades(w, page, grades, model, { holderName, qualification, profileText, extractNumber }, t);
  const lastGradePage = w.pages.length;
  if (gradesRow) gradesRow.page.text(VALUE_X, gradesRow.y, t.seePages(firstGradePage, lastGradePage), 'regular', 10.5, INK);
}

function writeVerificationBlock(w: DocumentWriter, page: PageBuilder, model: ExtractModel, extractNumber: string, t: ExtractTexts): void {
  const x = MARGIN_X;
  const top = VERIFY_BOX_Y + VERIFY_BOX_HEIGHT;
  page.fillRect(x, VERIFY_BOX_Y, CONTENT_WIDTH, VERIFY_BOX_HEIGHT, TINT);
  page.fillRect(x, VERIFY_BOX_Y, 3, VERIFY_BOX_HEIGHT, ACCENT);
  // the QR code on a white square: its quiet zone
  page.fillRect(QR_BOX.x, QR_BOX.y, QR_BOX.side, QR_BOX.side, [1, 1, 1]);
  page.graphic(qrPdfOperators(qrMatrix(model.verifyUrl), QR_BOX));
  const textX = x + 16;
  const textWidth = CONTENT_WIDTH - QR_SIDE - 16 - 20;
  let y = top - 22;
  page.text(textX, y, t.verifyHeading, 'bold', 11, ACCENT);
  y -= 18;
  for (const line of w.wrap(t.verifyText(clean(model.verifyBaseUrl)), 'regular', 9.5, textWidth)) {
    page.text(textX, y, line, 'regular', 9.5, INK);
    y -= 13;
  }
  y -= 5;
  page.text(textX, y, t.extractNumber, 'regular', 8, MUTED);
  y -= 15;
  page.text(textX, y, extractNumber, 'bold', 13, INK);
  y -= 18;
  for (const line of w.wrap(t.credentialNote, 'regular', 8, textWidth)) {
    page.text(textX, y, line, 'regular', 8, MUTED);
    y -= 10.5;
  }
}

// grade table columns: subject on the left, three right-aligned mark columns
const COL_FINAL_RIGHT = PAGE_WIDTH - MARGIN_X - 8;
const COL_CENTRAL_RIGHT = COL_FINAL_RIGHT - 90;
const COL_SCHOOL_RIGHT = COL_CENTRAL_RIGHT - 100;
const SUBJECT_WIDTH = COL_SCHOOL_RIGHT - 75 - MARGIN_X - 8;
const GRADE_SIZE = 10;
const GRADE_LINE = 13;

function layoutGrades(
  w: DocumentWriter,
  first: PageBuilder,
  grades: ExtractGrade[],
  model: ExtractModel,
  about: { holderName: string; qualification: string; profileText: string | null; extractNumber: string },
  t: ExtractTexts,
): void {
  const lang = model.lang;
  const bottom = FOOTER_RULE_Y + 24;
  let page = first;
  let y = 0;

  const startPage = (continued: boolean) => {
    y = HEADER_RULE_Y - 36;
    page.text(MARGIN_X, y, continued ? t.gradesContinued : t.gradesTitle, 'bold', 16, INK);
    y -= 20;
    const about1 = `${t.gradesFor} ${about.holderName}`;
    const about2 = about.profileText ? `${about.qualification} · ${about.profileText}` : about.qualification;
    for (const line of [...w.wrap(about1, 'regular', 9.5, CONTENT_WIDTH), ...w.wrap(about2, 'regular', 9.5, CONTENT_WIDTH)]) {
      page.text(MARGIN_X, y, line, 'regular', 9.5, MUTED);
      y -= 13;
    }
    y -= 10;
    // table header
    page.fillRect(MARGIN_X, y - 7, CONTENT_WIDTH, 22, TINT);
    page.text(MARGIN_X + 8, y, t.subject, 'bold', 9, ACCENT);
    page.textRight(COL_SCHOOL_RIGHT, y, t.schoolExam, 'bold', 9, ACCENT);
    page.textRight(COL_CENTRAL_RIGHT, y, t.centralExam, 'bold', 9, ACCENT);
    page.textRight(COL_FINAL_RIGHT, y, t.finalMark, 'bold', 9, ACCENT);
    y -= 24;
  };
  startPage(false);

  for (const grade of grades) {
    const subject = clean(lang === 'nl' ? grade.subjectNl : grade.subjectEn);
    const lines = w.wrap(subject, 'regular', GRADE_SIZE, SUBJECT_WIDTH);
    const height = lines.length * GRADE_LINE + 7;
    if (y - height < bottom) {
      page = w.newPage(about.extractNumber, t);
      startPage(true);
    }
    lines.forEach((line, i) => page.text(MARGIN_X + 8, y - i * GRADE_LINE, line, 'regular', GRADE_SIZE, INK));
    const mark = (v: number | undefined) => (v === undefined ? t.noMark : formatMark(v, lang));
    page.textRight(COL_SCHOOL_RIGHT, y, mark(grade.schoolExam), 'regular', GRADE_SIZE, INK);
    page.textRight(COL_CENTRAL_RIGHT, y, mark(grade.centralExam), 'regular', GRADE_SIZE, INK);
    page.textRight(COL_FINAL_RIGHT, y, formatFinalMark(grade.final, lang), 'bold', GRADE_SIZE, INK);
    const ruleY = y - (lines.length - 1) * GRADE_LINE - 7;
    page.rule(MARGIN_X, ruleY, PAGE_WIDTH - MARGIN_X, 0.4, HAIRLINE);
    y = ruleY - 14;
  }
}

// ---------------------------------------------------------------------------------------------
// Field rows that flow onto a further page when the first one is full

class Flow {
  constructor(
    private readonly w: DocumentWriter,
    private page: PageBuilder,
    private y: number,
    private bottom: number,
    private readonly extractNumber: string,
    private readonly t: ExtractTexts,
  ) {}

  section(title: string): void {
    this.ensure(44);
    this.y -= 8;
    this.page.text(MARGIN_X, this.y, title, 'bold', 11, ACCENT);
    this.y -= 7;
    this.page.rule(MARGIN_X, this.y, PAGE_WIDTH - MARGIN_X, 0.6, ACCENT);
    this.y -= 17;
  }

  /** a label and its (wrapped) value; returns where the value starts */
  row(label: string, value: string, weight: FontKey = 'regular'): { page: PageBuilder; y: number } {
    const lines = value ? this.w.wrap(value, weight, 10.5, VALUE_WIDTH) : [''];
    const labelLines = this.w.wrap(label, 'regular', 9, LABEL_WIDTH - 10);
    const height = Math.max(lines.length * 14, labelLines.length * 12) + 6;
    this.ensure(height);
    const at = { page: this.page, y: this.y };
    labelLines.forEach((line, i) => this.page.text(MARGIN_X, this.y - i * 12, line, 'regular', 9, MUTED));
    lines.forEach((line, i) => line && this.page.text(VALUE_X, this.y - i * 14, line, weight, 10.5, INK));
    this.y -= height + 2;
    return at;
  }

  private ensure(height: number): void {
    if (this.y - height >= this.bottom) return;
    this.page = this.w.newPage(this.extractNumber, this.t);
    this.y = HEADER_RULE_Y - 36;
    this.bottom = FOOTER_RULE_Y + 24;
  }
}

// ---------------------------------------------------------------------------------------------
// Pages as raw content-stream text; text encoded through the per-document font usages

const utf8 = new TextEncoder();

class DocumentWriter {
  readonly pages: PageBuilder[] = [];
  readonly usages: Record<FontKey, FontUsage>;

  constructor(readonly assets: PreparedAssets) {
    this.usages = { regular: assets.regular.usage(), bold: assets.bold.usage() };
  }

  newPage(extractNumber: string, t: ExtractTexts): PageBuilder {
    const page = new PageBuilder(this.usages);
    this.pages.push(page);
    // header: register name left, extract number right, accent rule
    page.fillRect(0, PAGE_HEIGHT - 8, PAGE_WIDTH, 8, ACCENT);
    page.text(MARGIN_X, HEADER_RULE_Y + 14, t.registerName, 'bold', 12, ACCENT);
    page.textRight(PAGE_WIDTH - MARGIN_X, HEADER_RULE_Y + 24, t.extractNumber, 'regular', 7.5, MUTED);
    page.textRight(PAGE_WIDTH - MARGIN_X, HEADER_RULE_Y + 12, extractNumber, 'bold', 10, INK);
    page.rule(MARGIN_X, HEADER_RULE_Y, PAGE_WIDTH - MARGIN_X, 1, ACCENT);
    return page;
  }

  /** greedy line breaking on spaces by advance widths; a word wider than the line is cut */
  wrap(text: string, weight: FontKey, size: number, width: number): string[] {
    const font = this.assets[weight];
    if (font.widthOf(text, size) <= width) return [text];
    const spaceWidth = font.widthOf(' ', size);
    const lines: string[] = [];
    let line = '';
    let lineWidth = 0;
    for (let word of text.split(' ')) {
      let wordWidth = font.widthOf(word, size);
      if (line && lineWidth + spaceWidth + wordWidth <= width) {
        line += ' ' + word;
        lineWidth += spaceWidth + wordWidth;
        continue;
      }
      if (line) lines.push(line);
      while (wordWidth > width) {
        const cut = fittingPrefix(font, word, size, width);
        lines.push(word.slice(0, cut));
        word = word.slice(cut);
        wordWidth = font.widthOf(word, size);
      }
      line = word;
      lineWidth = wordWidth;
    }
    if (line) lines.push(line);
    return lines;
  }

  async writeInto(doc: PDFDocument): Promise<void> {
    const context = doc.context;
    const regular = await this.usages.regular.embed(context);
    const bold = await this.usages.bold.embed(context);
    const resources = context.register(context.obj({ Font: { [FONT_RESOURCE.regular.slice(1)]: regular, [FONT_RESOURCE.bold.slice(1)]: bold } }));
    for (const builder of this.pages) {
      const page = doc.addPage([PAGE_WIDTH, PAGE_HEIGHT]);
      page.node.set(PDFName.of('Resources'), resources);
      // Not compressed: deflating a page's operators cost 0.35 ms of main-thread time per extract
      // (measured with bench/extract-profile.ts on 2026-11-23); a one-page extract grows 59 -> 68 KB.
      page.node.set(PDFName.of('Contents'), context.register(new BytesStream(context.obj({}), utf8.encode(builder.content()))));
    }
  }
}

function fittingPrefix(font: PreparedFont, word: string, size: number, width: number): number {
  const chars = [...word];
  let used = 0;
  let n = 0;
  let units = 0;
  for (const ch of chars) {
    const advance = (font.advances[font.glyphFor(ch.codePointAt(0)!)]! * size) / 1000;
    if (units + advance > width && n > 0) break;
    units += advance;
    used += ch.length;
    n++;
  }
  return used;
}

/**
 * One page's content stream: graphics first (backgrounds, rules, the QR code), then all text in a
 * single BT…ET block that only repeats font and colour when they change.
 */
class PageBuilder {
  private graphics = '';
  private textOps = '';
  private currentFont = '';
  private currentFill = '';

  constructor(private readonly usages: Record<FontKey, FontUsage>) {}

  text(x: number, y: number, text: string, weight: FontKey, size: number, color: Rgb): void {
    if (!text) return;
    const font = `${FONT_RESOURCE[weight]} ${size} Tf\n`;
    if (font !== this.currentFont) this.textOps += this.currentFont = font;
    const fill = `${rgb(color)} rg\n`;
    if (fill !== this.currentFill) this.textOps += this.currentFill = fill;
    this.textOps += `1 0 0 1 ${num(x)} ${num(y)} Tm ${this.usages[weight].encode(text)} Tj\n`;
  }

  textRight(right: number, y: number, text: string, weight: FontKey, size: number, color: Rgb): void {
    this.text(right - this.usages[weight].font.widthOf(text, size), y, text, weight, size, color);
  }

  rule(x1: number, y: number, x2: number, width: number, color: Rgb): void {
    this.graphics += `${rgb(color)} RG ${width} w ${num(x1)} ${num(y)} m ${num(x2)} ${num(y)} l S\n`;
  }

  fillRect(x: number, y: number, width: number, height: number, color: Rgb): void {
    this.graphics += `${rgb(color)} rg ${num(x)} ${num(y)} ${num(width)} ${num(height)} re f\n`;
  }

  /** raw operators that leave the graphics state as they found it (q … Q) */
  graphic(ops: string): void {
    this.graphics += ops;
  }

  content(): string {
    return this.textOps ? `${this.graphics}BT\n${this.textOps}ET\n` : this.graphics;
  }
}

function rgb(c: Rgb): string {
  return `${c[0]} ${c[1]} ${c[2]}`;
}

function num(n: number): string {
  return String(Math.round(n * 100) / 100);
}

/** NFC, one line, single spaces: what the layout and the text extraction both see */
function clean(s: string): string {
  return s.normalize('NFC').replace(/[\s\u0000-\u001f\u007f-\u009f]+/g, ' ').trim();
}

function fullName(h: ExtractModel['holder']): string {
  return clean([h.givenNames, h.prefix ?? '', h.familyName].filter((p) => p.trim()).join(' '));
}

// ---------------------------------------------------------------------------------------------
// Metadata and the credential attachment

function setMetadataAndAttachment(doc: PDFDocument, model: ExtractModel, t: ExtractTexts): void {
  const extractNumber = clean(model.extractNumber);
  doc.setTitle(`${t.title} ${extractNumber}`, { showInWindowTitleBar: true });
  doc.setSubject(t.metaSubject);
  doc.setKeywords([...t.metaKeywords, extractNumber]);
  doc.setAuthor(PRODUCER);
  doc.setCreator(PRODUCER);
  doc.setProducer(PRODUCER);
  doc.setCreationDate(model.issuedAt);
  doc.setModificationDate(model.issuedAt);
  doc.setLanguage(t.languageTag);
  const info = doc.context.lookup(doc.context.trailerInfo.Info, PDFDict);
  info.set(PDFName.of(CREDENTIAL_INFO_KEY), PDFString.of(CREDENTIAL_ATTACHMENT_NAME));

  attachCredential(doc, model, t);
}

/**
 * credential.jwt as an associated file (PDF 2.0 /AF, relationship Data), as pdf-lib's attach()
 * would add it but not compressed: base64url text deflates by a quarter at best, and attach()
 * runs pako's deflate (JS) on every document.
 */
function attachCredential(doc: PDFDocument, model: ExtractModel, t: ExtractTexts): void {
  const { context, catalog } = doc;
  const data = utf8.encode(model.credentialJwt);
  const file = context.register(
    new BytesStream(
      context.obj({
        Type: 'EmbeddedFile',
        Subtype: CREDENTIAL_MEDIA_TYPE,
        Params: { Size: data.length, CreationDate: PDFString.fromDate(model.issuedAt), ModDate: PDFString.fromDate(model.issuedAt) },
      }),
      data,
    ),
  );
  const spec = context.register(
    context.obj({
      Type: 'Filespec',
      F: PDFString.of(CREDENTIAL_ATTACHMENT_NAME),
      UF: PDFHexString.fromText(CREDENTIAL_ATTACHMENT_NAME),
      EF: { F: file },
      Desc: PDFHexString.fromText(t.attachmentDescription),
      AFRelationship: AFRelationship.Data,
    }),
  );
  catalog.set(PDFName.of('Names'), context.obj({ EmbeddedFiles: { Names: [PDFHexString.fromText(CREDENTIAL_ATTACHMENT_NAME), spec] } }));
  catalog.set(PDFName.of('AF'), context.obj([spec]));
}
