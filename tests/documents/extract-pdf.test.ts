// The extract PDF, checked with independent tools: poppler (pdftotext, pdfinfo, pdffonts,
// pdfdetach, pdfimages, pdftoppm) and zbar (zbarimg) read back what the renderer wrote.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PDFArray, PDFDict, PDFDocument, PDFName, PDFString } from 'pdf-lib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  documentFontFiles,
  prepareDocumentAssets,
  renderExtractPdf,
  type ExtractGrade,
  type ExtractModel,
  type PreparedAssets,
} from '../../src/documents/extract-pdf.ts';
import { amsterdamDate, formatDate, formatFinalMark, formatMark, InvalidDateError } from '../../src/documents/i18n.ts';
import { qrMatrix, QrTooLargeError } from '../../src/documents/qr.ts';
import { seededRandom } from '../support/random.ts';

const PAGE_WIDTH = 595.28;

// a compact JWS-shaped string of realistic length; the renderer only carries it
const random = seededRandom(import.meta.url);
const JWT = [
  Buffer.from(JSON.stringify({ alg: 'EdDSA', typ: 'vc+jwt', cty: 'vc', kid: 'test-key' })).toString('base64url'),
  Buffer.from(random.bytes(1400)).toString('base64url'),
  Buffer.from(random.bytes(64)).toString('base64url'),
].join('.');

const mboNl: ExtractModel = {
  lang: 'nl',
  extractNumber: 'DR-7KQ4-M2XP-9TJH-C',
  issuedAt: new Date('2025-08-14T22:30:00Z'), // 15 August in the Netherlands
  verifyUrl: 'https://register.example.nl/v/DR-7KQ4-M2XP-9TJH-C#Xq3K9vX2mT7pL4sW8nB6cY1zR5hJ0dFa',
  verifyBaseUrl: 'https://register.example.nl/v',
  credentialJwt: JWT,
  holder: { givenNames: 'Şükrü Łukasz', prefix: 'van der', familyName: 'Øverby', birthDate: '2003-02-01' },
  diploma: { kind: 'diploma', awardDate: '2025-07-04', nlqf: '4', eqf: 4, profile: null, grades: null },
  programme: { codeType: 'crebo', code: '25655', nameNl: 'Verzorgende-IG', nameEn: 'Carer in individual healthcare' },
  institution: { brin: '25LF', location: '00', name: 'ROC van Twente', place: 'Hengelo' },
};

const mboEn: ExtractModel = {
  ...mboNl,
  lang: 'en',
  holder: { givenNames: 'Zoë', prefix: null, familyName: 'Dvořák', birthDate: '2004-11-30' },
};

const voGrades: ExtractGrade[] = [
  { subjectCode: 'NE', subjectNl: 'Nederlandse taal en literatuur', subjectEn: 'Dutch language and literature', schoolExam: 6.4, centralExam: 5.9, final: 6 },
  { subjectCode: 'EN', subjectNl: 'Engelse taal en literatuur', subjectEn: 'English language and literature', schoolExam: 7.7, centralExam: 8.1, final: 8 },
  { subjectCode: 'WB', subjectNl: 'Wiskunde B', subjectEn: 'Mathematics B', schoolExam: 6.8, centralExam: 7.2, final: 7 },
  { subjectCode: 'NA', subjectNl: 'Natuurkunde', subjectEn: 'Physics', schoolExam: 5.5, centralExam: 6.3, final: 6 },
  { subjectCode: 'SK', subjectNl: 'Scheikunde', subjectEn: 'Chemistry', schoolExam: 8.2, centralExam: 7.4, final: 8 },
  { subjectCode: 'BI', subjectNl: 'Biologie', subjectEn: 'Biology', schoolExam: 7, centralExam: 6.6, final: 7 },
  { subjectCode: 'MAAT', subjectNl: 'Maatschappijleer', subjectEn: 'Social studies', schoolExam: 6.9, final: 7 },
  { subjectCode: 'PWS', subjectNl: 'Profielwerkstuk', subjectEn: 'Research project', schoolExam: 7.5, final: 7.5 },
];

const voNl: ExtractModel = {
  ...mboNl,
  extractNumber: 'DR-3MWQ-8KTX-2PLR-V',
  verifyUrl: 'https://register.example.nl/v/DR-3MWQ-8KTX-2PLR-V#pQ7sT2vW9xY4zA1bC6dE3fG8hJ5kL0mN',
  holder: { givenNames: 'Nguyễn Thị', prefix: null, familyName: 'Hương', birthDate: '2007-03-12' },
  diploma: {
    kind: 'diploma',
    awardDate: '2025-07-09',
    nlqf: '4+',
    eqf: 4,
    profile: { code: 'NG', nameNl: 'Natuur en Gezondheid', nameEn: 'Nature and Health' },
    grades: voGrades,
  },
  programme: { codeType: 'vo', code: 'VWO', nameNl: 'Voorbereidend wetenschappelijk onderwijs', nameEn: 'Pre-university education' },
  institution: { brin: '21PK', location: '01', name: 'Stedelijk Gymnasium', place: "'s-Hertogenbosch" },
};
const voEn: ExtractModel = { ...voNl, lang: 'en' };

const hboNl: ExtractModel = {
  ...mboNl,
  diploma: { kind: 'getuigschrift', awardDate: '2024-12-20', nlqf: '6', eqf: 6, profile: null, grades: null },
  programme: { codeType: 'croho', code: '34479', nameNl: 'HBO-ICT', nameEn: 'Information and Communication Technology' },
  institution: { brin: '21UI', location: '00', name: 'Hogeschool van Amsterdam', place: 'Amsterdam' },
};

function manySubjects(n: number): ExtractGrade[] {
  return Array.from({ length: n }, (_, i) => ({
    subjectCode: `V${i}`,
    subjectNl: `Vak nummer ${i + 1}`,
    subjectEn: `Subject number ${i + 1}`,
    schoolExam: 6 + (i % 4) / 2,
    centralExam: i % 2 ? 6.5 : undefined,
    final: 6 + (i % 4),
  }));
}

// ---------------------------------------------------------------------------------------------

let assets: PreparedAssets;
let dir: string;
const files = new Map<string, string>();

function tool(cmd: string, args: string[]): string {
  return execFileSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
}
const text = (name: string) => tool('pdftotext', ['-layout', files.get(name)!, '-']);
const pageText = (name: string, page: number) => tool('pdftotext', ['-layout', '-f', String(page), '-l', String(page), files.get(name)!, '-']);
const pdfinfo = (name: string) => tool('pdfinfo', [files.get(name)!]);
/** the whole document information dictionary, custom entries included */
const metadata = (name: string) => tool('pdfinfo', ['-isodates', '-custom', files.get(name)!]);
const pageCount = (name: string) => Number(/^Pages:\s+(\d+)$/m.exec(pdfinfo(name))![1]);

async function render(name: string, model: ExtractModel): Promise<string> {
  const path = join(dir, `${name}.pdf`);
  writeFileSync(path, await renderExtractPdf(model, assets));
  files.set(name, path);
  return path;
}

function decodeQr(name: string): string {
  const prefix = join(dir, `${name}-qr`);
  tool('pdftoppm', ['-r', '150', '-png', '-f', '1', '-l', '1', '-singlefile', files.get(name)!, prefix]);
  return tool('zbarimg', ['--raw', '-q', `${prefix}.png`]).replace(/\n$/, '');
}

beforeAll(async () => {
  const font = (file: string) => new Uint8Array(readFileSync(new URL(`../../src/documents/fonts/${file}`, import.meta.url)));
  assets = await prepareDocumentAssets({ regular: font(documentFontFiles.regular), bold: font(documentFontFiles.bold) });
  dir = mkdtempSync(join(tmpdir(), 'extract-pdf-'));
  await render('mbo-nl', mboNl);
  await render('mbo-en', mboEn);
  await render('vo-nl', voNl);
  await render('vo-en', voEn);
  await render('hbo-nl', hboNl);
});

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('extract PDF: the text a reader and pdftotext see', () => {
  it('Dutch mbo extract carries every field exactly', () => {
    const t = text('mbo-nl');
    for (const expected of [
      'Uittreksel diplomaregister',
      'Şükrü Łukasz van der Øverby',
      'Verzorgende-IG',
      'ROC van Twente',
      'Hengelo',
      'DR-7KQ4-M2XP-9TJH-C',
      'https://register.example.nl/v',
      'Echtheid controleren',
    ]) {
      expect(t).toContain(expected);
    }
    expect(t).toMatch(/Geboortedatum\s+1 februari 2003/);
    expect(t).toMatch(/Soort document\s+Diploma/);
    expect(t).toMatch(/Crebo-code\s+25655/);
    expect(t).toMatch(/Datum diploma\s+4 juli 2025/);
    expect(t).toMatch(/Niveau\s+NLQF 4 · EQF 4/);
    expect(t).toMatch(/Instellingscode\s+25LF00 \(BRIN 25LF, vestiging 00\)/);
    // the download date is the Dutch calendar date of issuedAt (22:30 UTC on 14 August = 15 August)
    expect(t).toMatch(/Uittrekselnummer DR-7KQ4-M2XP-9TJH-C · gedownload op 15 augustus 2025\s+pagina 1 van 1/);
    expect(t).not.toContain('Cijferlijst');
  });

  it('English mbo extract translates labels, kind and dates', () => {
    const t = text('mbo-en');
    expect(t).toContain('Extract from the diploma register');
    expect(t).toMatch(/Name\s+Zoë Dvořák/);
    expect(t).toMatch(/Date of birth\s+30 November 2004/);
    expect(t).toMatch(/Document type\s+Diploma/);
    expect(t).toMatch(/Qualification\s+Carer in individual healthcare/);
    expect(t).toMatch(/Dutch name\s+Verzorgende-IG/);
    expect(t).toMatch(/Crebo code\s+25655/);
    expect(t).toMatch(/Date of award\s+4 July 2025/);
    expect(t).toMatch(/Level\s+NLQF 4 · EQF 4/);
    expect(t).toMatch(/Institution code\s+25LF00 \(BRIN 25LF, location 00\)/);
    expect(t).toMatch(/Extract number DR-7KQ4-M2XP-9TJH-C · downloaded on 15 August 2025\s+page 1 of 1/);
    expect(t).toContain('Verify this extract');
    expect(t).not.toMatch(/juli|augustus|pagina/);
  });

  it('labels the programme code by its type (CROHO for ho) and translates the kind', () => {
    const t = text('hbo-nl');
    expect(t).toMatch(/CROHO-code\s+34479/);
    expect(t).toMatch(/Soort document\s+Getuigschrift/);
    expect(t).toMatch(/Niveau\s+NLQF 6 · EQF 6/);
    expect(t).toMatch(/Instellingscode\s+21UI00/);
  });

  it('vo extract: profile, programme code and a grade list page with decimal commas in Dutch', () => {
    expect(pageCount('vo-nl')).toBe(2);
    const first = pageText('vo-nl', 1);
    expect(first).toMatch(/Naam\s+Nguyễn Thị Hương/);
    expect(first).toMatch(/Opleiding\s+Voorbereidend wetenschappelijk onderwijs/);
    expect(first).toMatch(/Profiel\s+Natuur en Gezondheid \(NG\)/);
    expect(first).toMatch(/Opleidingscode \(vo\)\s+VWO/);
    expect(first).toMatch(/Niveau\s+NLQF 4\+ · EQF 4/);
    expect(first).toMatch(/Cijferlijst\s+zie pagina 2/);
    expect(first).toMatch(/Instellingscode\s+21PK01/);
    expect(first).toContain('pagina 1 van 2');

    const grades = pageText('vo-nl', 2);
    expect(grades).toContain('Cijferlijst');
    expect(grades).toContain('Nguyễn Thị Hương');
    expect(grades).toMatch(/Vak\s+Schoolexamen\s+Centraal examen\s+Eindcijfer/);
    expect(grades).toMatch(/Nederlandse taal en literatuur\s+6,4\s+5,9\s+6\n/);
    expect(grades).toMatch(/Wiskunde B\s+6,8\s+7,2\s+7\n/);
    expect(grades).toMatch(/Biologie\s+7,0\s+6,6\s+7\n/);
    expect(grades).toMatch(/Maatschappijleer\s+6,9\s+–\s+7\n/);
    expect(grades).toMatch(/Profielwerkstuk\s+7,5\s+–\s+7,5\n/);
    expect(grades).not.toMatch(/\d\.\d/);
    expect(grades).toMatch(/Uittrekselnummer DR-3MWQ-8KTX-2PLR-V · gedownload op 15 augustus 2025\s+pagina 2 van 2/);
  });

  it('vo extract in English: subject names in English and decimal points', () => {
    const grades = pageText('vo-en', 2);
    expect(grades).toMatch(/Subject\s+School exam\s+Central exam\s+Final mark/);
    expect(grades).toMatch(/Mathematics B\s+6\.8\s+7\.2\s+7\n/);
    expect(grades).toMatch(/Chemistry\s+8\.2\s+7\.4\s+8\n/);
    expect(grades).not.toMatch(/\d,\d/);
    expect(grades).toContain('page 2 of 2');
    expect(pageText('vo-en', 1)).toMatch(/Grade list\s+see page 2/);
    expect(pageText('vo-en', 1)).toMatch(/Profile\s+Nature and Health \(NG\)/);
  });
});

describe('extract PDF: the file', () => {
  it('is A4 with the right page count and metadata naming the credential', () => {
    for (const [name, pages] of [['mbo-nl', 1], ['mbo-en', 1], ['vo-nl', 2], ['vo-en', 2]] as const) {
      const i = pdfinfo(name);
      expect(i).toMatch(/^Page size:\s+595\.28 x 841\.89 pts \(A4\)$/m);
      expect(i).toMatch(new RegExp(`^Pages:\\s+${pages}$`, 'm'));
    }
    const i = metadata('mbo-nl');
    expect(i).toMatch(/^Title:\s+Uittreksel diplomaregister DR-7KQ4-M2XP-9TJH-C$/m);
    expect(i).toMatch(/^Subject:\s+.*credential\.jwt/m);
    expect(i).toMatch(/^Keywords:\s+.*credential\.jwt.*DR-7KQ4-M2XP-9TJH-C/m);
    expect(i).toMatch(/^DiplomaCredential:\s*credential\.jwt$/m);
    expect(i).toMatch(/^Producer:\s+Diplomaregister$/m);
    expect(i).toMatch(/^Creator:\s+Diplomaregister$/m);
    expect(i).toMatch(/^CreationDate:\s+2025-08-14T22:30:00Z$/m);
    expect(metadata('mbo-en')).toMatch(/^Title:\s+Extract from the diploma register DR-7KQ4-M2XP-9TJH-C$/m);
  });

  it('embeds the credential as credential.jwt, byte for byte', async () => {
    expect(tool('pdfdetach', ['-list', files.get('mbo-nl')!])).toMatch(/^1 embedded files\n1: credential\.jwt\n$/);
    const out = join(dir, 'detached.jwt');
    tool('pdfdetach', ['-save', '1', '-o', out, files.get('mbo-nl')!]);
    expect(readFileSync(out, 'utf8')).toBe(JWT);

    // media type and relationship of the file specification
    const doc = await PDFDocument.load(readFileSync(files.get('mbo-nl')!));
    const names = doc.catalog.lookup(PDFName.of('Names'), PDFDict).lookup(PDFName.of('EmbeddedFiles'), PDFDict).lookup(PDFName.of('Names'), PDFArray);
    const spec = names.lookup(1, PDFDict);
    expect(spec.lookup(PDFName.of('AFRelationship'))).toBe(PDFName.of('Data'));
    const stream = spec.lookup(PDFName.of('EF'), PDFDict).lookup(PDFName.of('F'));
    expect((stream as unknown as { dict: PDFDict }).dict.get(PDFName.of('Subtype'))).toBe(PDFName.of('application/vc+jwt'));
    const info = doc.context.lookup(doc.context.trailerInfo.Info, PDFDict);
    expect((info.get(PDFName.of('DiplomaCredential')) as PDFString).decodeText()).toBe('credential.jwt');
  });

  it('embeds a Unicode font (CID TrueType, Identity-H, ToUnicode) and no images', () => {
    for (const name of ['mbo-nl', 'vo-nl']) {
      const fonts = tool('pdffonts', [files.get(name)!]).split('\n').slice(2).filter(Boolean);
      expect(fonts).toHaveLength(2);
      for (const line of fonts) expect(line).toMatch(/^[A-Z]{6}\+NotoSans-(Regular|Bold)\s+CID TrueType\s+Identity-H\s+yes yes yes /);
      expect(tool('pdfimages', ['-list', files.get(name)!]).split('\n').slice(2).filter(Boolean)).toEqual([]);
    }
  });

  it('the same input gives the same bytes', async () => {
    const [a, b] = [await renderExtractPdf(voNl, assets), await renderExtractPdf(voNl, assets)];
    expect(Buffer.from(a).equals(Buffer.from(b))).toBe(true);
    expect(a.length).toBeLessThan(400 * 1024);
  });
});

describe('extract PDF: QR code', () => {
  it('decodes (zbarimg, 150 dpi) to exactly the verification URL', () => {
    expect(decodeQr('mbo-nl')).toBe(mboNl.verifyUrl);
    expect(decodeQr('vo-en')).toBe(voEn.verifyUrl);
  });

  it('stays at version 8 or lower for the extract URL, and refuses longer content', () => {
    const matrix = qrMatrix(mboNl.verifyUrl);
    expect(matrix.version).toBeLessThanOrEqual(8);
    expect(matrix.size).toBe(17 + 4 * matrix.version);
    // a 90-character URL, the longest the design expects
    expect(qrMatrix(`https://register.example.nl/v/DR-7KQ4-M2XP-9TJH-C#${'a'.repeat(90 - 50)}`).version).toBeLessThanOrEqual(8);
    expect(() => qrMatrix(`https://register.example.nl/v/x#${'a'.repeat(600)}`)).toThrow(QrTooLargeError);
  });
});

describe('extract PDF: flow and wrapping', () => {
  it('a 30-subject grade list flows onto further pages, each with header and footer', async () => {
    await render('vo-30', { ...voNl, diploma: { ...voNl.diploma, grades: manySubjects(30) } });
    const pages = pageCount('vo-30');
    expect(pages).toBeGreaterThanOrEqual(2);
    const all = text('vo-30');
    for (let i = 1; i <= 30; i++) expect(all).toMatch(new RegExp(`Vak nummer ${i}\\s`));
    for (let p = 1; p <= pages; p++) {
      const t = pageText('vo-30', p);
      expect(t).toContain(`pagina ${p} van ${pages}`);
      expect(t).toContain('DR-3MWQ-8KTX-2PLR-V');
    }
  });

  it('a longer grade list repeats the table header on every grade page', async () => {
    await render('vo-70', { ...voNl, diploma: { ...voNl.diploma, grades: manySubjects(70) } });
    const pages = pageCount('vo-70');
    expect(pages).toBeGreaterThanOrEqual(3);
    expect(pageText('vo-70', 1)).toMatch(new RegExp(`Cijferlijst\\s+zie pagina 2 tot en met ${pages}`));
    for (let p = 2; p <= pages; p++) {
      const t = pageText('vo-70', p);
      expect(t).toMatch(/Vak\s+Schoolexamen\s+Centraal examen\s+Eindcijfer/);
      expect(t).toContain(p === 2 ? 'Cijferlijst' : 'Cijferlijst (vervolg)');
      expect(t).toContain(`pagina ${p} van ${pages}`);
    }
    const all = text('vo-70');
    for (let i = 1; i <= 70; i++) expect(all).toMatch(new RegExp(`Vak nummer ${i}\\s`));
  });

  it('wraps long names and qualifications inside the page instead of overflowing', async () => {
    const longName = 'Maximiliaan Alexander Johannes Ferdinand Christiaan Bartholomeus Willem Frederik Hendrik';
    const longQualification = 'Medewerker maatschappelijke zorg, specialisatie begeleider specifieke doelgroepen in de gehandicaptenzorg en de geestelijke gezondheidszorg';
    await render('long', {
      ...mboNl,
      holder: { givenNames: longName, prefix: 'van den', familyName: 'Bergh-Wolfeschlegelsteinhausenbergerdorffvoralternwarengewissenhaft', birthDate: '2001-01-01' },
      programme: { ...mboNl.programme, nameNl: longQualification },
    });
    const bbox = tool('pdftotext', ['-bbox', files.get('long')!, '-']);
    const words = [...bbox.matchAll(/<word xMin="([\d.]+)" yMin="[\d.]+" xMax="([\d.]+)" yMax="[\d.]+">([^<]*)<\/word>/g)];
    expect(words.length).toBeGreaterThan(50);
    for (const [, , xMax, word] of words) expect(Number(xMax), word).toBeLessThanOrEqual(PAGE_WIDTH - 56);
    const flat = text('long').replace(/\s+/g, '');
    expect(flat).toContain(`${longName}vandenBergh-Wolfeschlegelsteinhausenbergerdorffvoralternwarengewissenhaft`.replace(/\s+/g, ''));
    expect(flat).toContain(longQualification.replace(/\s+/g, ''));
    // the qualification takes more than one line in the value column
    expect(text('long')).toMatch(/Opleiding\s+Medewerker maatschappelijke zorg,[^\n]*\n\s+\S/);
  });

  it('moves fields to a second page when the first is full', async () => {
    const huge = Array.from({ length: 60 }, (_, i) => `Onderdeel${i}`).join(' ');
    await render('overflow', { ...voNl, programme: { ...voNl.programme, nameNl: huge } });
    const pages = pageCount('overflow');
    expect(pages).toBeGreaterThanOrEqual(3); // fields, more fields, grade list
    const all = text('overflow');
    expect(all).toContain('Onderdeel59');
    expect(all).toMatch(new RegExp(`Cijferlijst\\s+zie pagina ${pages}`));
    expect(decodeQr('overflow')).toBe(voNl.verifyUrl);
  });
});

describe('extract PDF: Unicode', () => {
  it('prints names in any script, and extracts them exactly even where the font has no glyph', async () => {
    const holders = [
      { givenNames: 'Дмитрий', prefix: null, familyName: 'Шостакович' },
      { givenNames: 'Δημήτρης', prefix: null, familyName: 'Παπαδόπουλος' },
      { givenNames: 'Ștefan', prefix: null, familyName: 'Țurcanu-Łęcka' },
      { givenNames: 'Ñúñez', prefix: 'de la', familyName: 'Ærøskøbing' },
      { givenNames: '小明', prefix: null, familyName: '王' }, // not in Noto Sans: drawn as boxes
    ];
    for (const [i, holder] of holders.entries()) {
      await render(`script-${i}`, { ...mboNl, holder: { ...holder, birthDate: '1999-09-09' } });
      const name = [holder.givenNames, holder.prefix, holder.familyName].filter(Boolean).join(' ');
      expect(text(`script-${i}`)).toMatch(new RegExp(`Naam\\s+${name}\n`));
    }
  });

  it('normalises decomposed input to NFC', async () => {
    await render('nfd', { ...mboNl, holder: { givenNames: 'Zoe\u0308', prefix: null, familyName: 'Dvor\u030Ca\u0301k', birthDate: '2000-01-01' } });
    expect(text('nfd')).toMatch(/Naam\s+Zoë Dvořák\n/);
  });
});

describe('document texts', () => {
  it('formats dates per language', () => {
    expect(formatDate('2025-07-04', 'nl')).toBe('4 juli 2025');
    expect(formatDate('2025-07-04', 'en')).toBe('4 July 2025');
    expect(formatDate('2003-02-01', 'nl')).toBe('1 februari 2003');
    expect(() => formatDate('2025-13-01', 'nl')).toThrow(InvalidDateError);
    expect(() => formatDate('4-7-2025', 'en')).toThrow(InvalidDateError);
  });

  it('takes the calendar date in the Netherlands, across summer time changes', () => {
    expect(amsterdamDate(new Date('2025-07-03T21:59:59Z'))).toBe('2025-07-03'); // 23:59:59 CEST
    expect(amsterdamDate(new Date('2025-07-03T22:00:00Z'))).toBe('2025-07-04'); // 00:00 CEST
    expect(amsterdamDate(new Date('2025-01-15T22:59:00Z'))).toBe('2025-01-15'); // 23:59 CET
    expect(amsterdamDate(new Date('2025-01-15T23:00:00Z'))).toBe('2025-01-16');
    expect(amsterdamDate(new Date('2025-12-31T23:30:00Z'))).toBe('2026-01-01');
    // 2025: summer time from 30 March 01:00 UTC to 26 October 01:00 UTC
    expect(amsterdamDate(new Date('2025-03-29T23:30:00Z'))).toBe('2025-03-30'); // 00:30 CET
    expect(amsterdamDate(new Date('2025-10-25T22:30:00Z'))).toBe('2025-10-26'); // 00:30 CEST
    expect(amsterdamDate(new Date('2025-10-26T22:30:00Z'))).toBe('2025-10-26'); // 23:30 CET
  });

  it('formats marks with a decimal comma in Dutch and a point in English', () => {
    expect(formatMark(6.8, 'nl')).toBe('6,8');
    expect(formatMark(6.8, 'en')).toBe('6.8');
    expect(formatMark(7, 'nl')).toBe('7,0');
    expect(formatMark(5.45, 'en')).toBe('5.5');
    expect(formatFinalMark(7, 'nl')).toBe('7');
    expect(formatFinalMark(7.5, 'nl')).toBe('7,5');
  });
});
