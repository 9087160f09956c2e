// Extract PDF rendering throughput, one core: our renderer (mbo, vo; QR, Unicode font, attachment)
// beside the pdf-lib floor (a text-only A4 page in standard Helvetica) and the fontkit route that
// PERF-NOTES calls "the trap", plus the font-embedding alternatives and the parts.
//   npx tsx bench/extract-pdf.ts
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import fontkit from '@pdf-lib/fontkit';
import { PDFDocument, StandardFonts, type PDFFont } from 'pdf-lib';
import { documentFontFiles, prepareDocumentAssets, renderExtractPdf, type DocumentAssets, type ExtractModel } from '../src/documents/extract-pdf.ts';
import { buildSubset, prepareFont } from '../src/documents/font.ts';
import { qrMatrix, qrPdfOperators } from '../src/documents/qr.ts';
import { fmt, machine, median, type BenchSection } from './support.ts';

const ROUNDS = 5;
const ROUND_MS = 600;

function loadAssets(): DocumentAssets {
  const file = (name: string) => new Uint8Array(readFileSync(new URL(`../src/documents/fonts/${name}`, import.meta.url)));
  return { regular: file(documentFontFiles.regular), bold: file(documentFontFiles.bold) };
}

const jwt = `eyJhbGciOiJFZERTQSIsInR5cCI6InZjK2p3dCIsImN0eSI6InZjIiwia2lkIjoiYWJjIn0.${'eyJ2YWxpZEZyb20iOiIyMDI1LTA3LTA0In0'.repeat(40)}.${'s'.repeat(86)}`;
const mbo: ExtractModel = {
  lang: 'nl',
  extractNumber: 'DR-7KQ4-M2XP-9TJH-C',
  issuedAt: new Date('2025-07-04T10:15:00Z'),
  verifyUrl: 'https://diplomaregister.example.nl/v/DR-7KQ4-M2XP-9TJH-C#q3K9vX2mT7pL4sW8nB6cY1zR5hJ0dF',
  verifyBaseUrl: 'https://diplomaregister.example.nl/v',
  credentialJwt: jwt,
  holder: { givenNames: 'Şükrü Łukasz', prefix: 'van der', familyName: 'Øverby-Dvořák', birthDate: '2003-02-01' },
  diploma: { kind: 'diploma', awardDate: '2025-07-04', nlqf: '3', eqf: 3, profile: null, grades: null },
  programme: { codeType: 'crebo', code: '25655', nameNl: 'Verzorgende-IG (verzorgende individuele gezondheidszorg)', nameEn: 'Carer in individual healthcare' },
  institution: { brin: '25LF', location: '00', name: 'ROC van Twente', place: 'Hengelo' },
};
const vietnamese: ExtractModel = { ...mbo, holder: { givenNames: 'Nguyễn Thị', prefix: null, familyName: 'Hương', birthDate: '2003-02-01' } };
const subjects = [
  'Nederlandse taal en literatuur', 'Engelse taal en literatuur', 'Duitse taal en literatuur', 'Wiskunde B', 'Natuurkunde',
  'Scheikunde', 'Biologie', 'Maatschappijleer', 'Lichamelijke opvoeding', 'Culturele en kunstzinnige vorming',
  'Profielwerkstuk', 'Informatica',
];
function voModel(subjectCount: number): ExtractModel {
  return {
    ...mbo,
    holder: { givenNames: 'Zoë', prefix: 'de', familyName: 'Vries', birthDate: '2007-03-12' },
    diploma: {
      kind: 'diploma', awardDate: '2025-07-04', nlqf: '4+', eqf: 4,
      profile: { code: 'NG', nameNl: 'Natuur en Gezondheid', nameEn: 'Nature and Health' },
      grades: Array.from({ length: subjectCount }, (_, i) => ({
        subjectCode: `S${i}`, subjectNl: `${subjects[i % subjects.length]}${i >= subjects.length ? ` ${i}` : ''}`, subjectEn: `Subject ${i}`,
        schoolExam: 6 + (i % 5) * 0.6, centralExam: i % 3 ? 5.8 + (i % 4) * 0.5 : undefined, final: 6 + (i % 4),
      })),
    },
    programme: { codeType: 'vo', code: 'VWO', nameNl: 'Voorbereidend wetenschappelijk onderwijs', nameEn: 'Pre-university education' },
    institution: { brin: '21PK', location: '01', name: 'Stedelijk Gymnasium', place: "'s-Hertogenbosch" },
  };
}

/** the lines an extract page carries, in text pdf-lib's WinAnsi Helvetica can print */
const floorLines = [
  'Diplomaregister', 'Uittreksel diplomaregister', 'Dit uittreksel bevestigt dat het onderstaande diploma is opgenomen.',
  'Diplomahouder', 'Naam: Sukru Lukasz van der Overby-Dvorak', 'Geboortedatum: 1 februari 2003', 'Diploma', 'Soort document: Diploma',
  'Opleiding: Verzorgende-IG (verzorgende individuele gezondheidszorg)', 'Crebo-code: 25655', 'Datum diploma: 4 juli 2025',
  'Niveau: NLQF 3, EQF 3', 'Onderwijsinstelling', 'Naam: ROC van Twente', 'Plaats: Hengelo', 'Instellingscode: 25LF00',
  'Echtheid controleren', 'Scan de QR-code, of ga naar https://diplomaregister.example.nl/v en typ het uittrekselnummer.',
  'Uittrekselnummer', 'DR-7KQ4-M2XP-9TJH-C', 'Uittrekselnummer DR-7KQ4-M2XP-9TJH-C, gedownload op 4 juli 2025', 'pagina 1 van 1',
];

async function textPage(fonts: (doc: PDFDocument) => Promise<PDFFont[]>, tunedSave: boolean): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  const [regular, bold] = await fonts(doc);
  const page = doc.addPage([595.28, 841.89]);
  floorLines.forEach((line, i) => page.drawText(line, { x: 56, y: 780 - i * 24, size: 10, font: i % 4 === 0 ? bold : regular }));
  return tunedSave ? doc.save({ useObjectStreams: false, objectsPerTick: Infinity }) : doc.save();
}

interface Measured {
  /** documents per second of wall-clock time */
  wall: number;
  /** documents per second of this process's CPU time (user + system): robust on a busy machine */
  cpu: number;
  bytes: number;
}

/** one timed round of a case: run it for ROUND_MS */
async function round(make: () => unknown): Promise<{ wall: number; cpu: number; bytes: number }> {
  let n = 0;
  let bytes = 0;
  const started = performance.now();
  const cpuStarted = process.cpuUsage();
  let elapsed = 0;
  do {
    const out = await make();
    if (out instanceof Uint8Array) bytes = out.length;
    n++;
    elapsed = performance.now() - started;
  } while (elapsed < ROUND_MS);
  const used = process.cpuUsage(cpuStarted);
  return { wall: n / (elapsed / 1000), cpu: n / ((used.user + used.system) / 1e6), bytes };
}

/** rounds interleaved across the cases, so a busy spell on the machine hits them all alike */
async function measureAll(cases: Array<[string, () => unknown]>): Promise<Measured[]> {
  for (const [, make] of cases) for (let i = 0; i < 3; i++) await make(); // warm-up
  const results = cases.map(() => ({ wall: [] as number[], cpu: [] as number[], bytes: 0 }));
  for (let r = 0; r < ROUNDS; r++) {
    process.stderr.write(`  round ${r + 1}/${ROUNDS} …\n`);
    for (const [i, [, make]] of cases.entries()) {
      const m = await round(make);
      results[i]!.wall.push(m.wall);
      results[i]!.cpu.push(m.cpu);
      results[i]!.bytes = m.bytes;
    }
  }
  return results.map((m) => ({ wall: median(m.wall), cpu: median(m.cpu), bytes: m.bytes }));
}

export async function run(): Promise<BenchSection> {
  const raw = loadAssets();
  let started = performance.now();
  const assets = await prepareDocumentAssets(raw);
  const prepareMs = performance.now() - started;
  const subsetAssets = await prepareDocumentAssets(raw, { embedding: 'subset' });
  started = performance.now();
  const fullAssets = await prepareDocumentAssets(raw, { embedding: 'full' });
  const fullPrepareMs = performance.now() - started;

  const qr = qrMatrix(mbo.verifyUrl);
  const regular = await prepareFont(raw.regular, 'subset');
  const glyphs = [0, ...[...new Set(floorLines.join(''))].map((c) => regular.glyphFor(c.codePointAt(0)!))];
  const helvetica = async (d: PDFDocument) => [await d.embedFont(StandardFonts.Helvetica), await d.embedFont(StandardFonts.HelveticaBold)];
  const noto = async (d: PDFDocument) => {
    d.registerFontkit(fontkit);
    return [await d.embedFont(raw.regular, { subset: true }), await d.embedFont(raw.bold, { subset: true })];
  };

  const cases: Array<[string, () => unknown]> = [
    ['pdf-lib floor: Helvetica text page, default save', () => textPage(helvetica, false)],
    ['pdf-lib floor: Helvetica text page, tuned save', () => textPage(helvetica, true)],
    ['the trap: same page, fontkit subset of Noto Sans', () => textPage(noto, true)],
    ['extract mbo nl (shared font subset, QR, attachment)', () => renderExtractPdf(mbo, assets)],
    ['extract mbo en', () => renderExtractPdf({ ...mbo, lang: 'en' }, assets)],
    ['extract vo nl, 12 subjects (2 pages)', () => renderExtractPdf(voModel(12), assets)],
    ['extract vo nl, 30 subjects (2 pages)', () => renderExtractPdf(voModel(30), assets)],
    ['extract mbo nl, Vietnamese name (own subset)', () => renderExtractPdf(vietnamese, assets)],
    ['alternative: mbo nl, per-document subset always', () => renderExtractPdf(mbo, subsetAssets)],
    ['alternative: mbo nl, full font files embedded', () => renderExtractPdf(mbo, fullAssets)],
    ['part: qrMatrix (qrcode create, ~90-char URL)', () => qrMatrix(mbo.verifyUrl)],
    ['part: QR path operators', () => qrPdfOperators(qr, { x: 0, y: 0, side: 124 })],
    ['part: TrueType subset of one page of glyphs', () => buildSubset(regular, glyphs)],
  ];

  const measured = await measureAll(cases);
  const rows = cases.map(([name], i) => {
    const m = measured[i]!;
    return [name, fmt(m.cpu), fmt(1000 / m.cpu, 2), fmt(m.wall), m.bytes ? `${fmt(m.bytes / 1024, 1)} KB` : ''];
  });
  return {
    title: 'Extract PDF rendering (one core)',
    columns: ['case', 'per CPU-second', 'CPU ms each', 'per wall-second', 'PDF size'],
    rows,
    notes: [
      `QR version for the ~90-char URL: ${qr.version} (${qr.size}×${qr.size} modules).`,
      `prepareDocumentAssets (parse both fonts, build and deflate the shared subsets; once per process): ${fmt(prepareMs, 0)} ms; ` +
        `full-font variant (deflates the whole font files once): ${fmt(fullPrepareMs, 0)} ms.`,
      `Each row: median of ${ROUNDS} rounds of ${ROUND_MS} ms, interleaved across the cases, after warm-up; documents written one after another. "per CPU-second" divides by the ` +
        "process's CPU time (user + system, GC threads included), so it holds on a busy machine; \"per wall-second\" is what this run saw.",
    ],
  };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  console.log(machine());
  const section = await run();
  const widths = section.columns.map((c, i) => Math.max(c.length, ...section.rows.map((r) => String(r[i]).length)));
  const line = (cells: (string | number)[]) => cells.map((c, i) => (i === 0 ? String(c).padEnd(widths[i]!) : String(c).padStart(widths[i]!))).join('  ');
  console.log(`\n${section.title}\n${line(section.columns)}\n${section.rows.map(line).join('\n')}\n`);
  for (const note of section.notes ?? []) console.log(note);
}
