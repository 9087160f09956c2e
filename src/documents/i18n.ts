// Texts, dates and numbers of the documents (extract), in Dutch and English.
// Own month tables and an own Europe/Amsterdam offset instead of Intl: the output must not depend
// on the ICU data of the runtime (Node, workerd), and it is on the hot path.
import type { ProgrammeCodeType } from '../domain/codes.ts';
import { RegisterError } from '../errors.ts';

export type DocumentLanguage = 'nl' | 'en';
export type DiplomaKind = 'diploma' | 'getuigschrift' | 'certificaat';

export interface ExtractTexts {
  /** BCP 47 tag for the PDF catalog /Lang */
  languageTag: string;
  registerName: string;
  title: string;
  intro: string;
  sectionHolder: string;
  sectionDiploma: string;
  sectionInstitution: string;
  name: string;
  birthDate: string;
  documentKind: string;
  kinds: Record<DiplomaKind, string>;
  qualification: string;
  qualificationDutch: string;
  profile: string;
  programmeCode: Record<ProgrammeCodeType, string>;
  awardDate: string;
  level: string;
  gradeList: string;
  seePages: (from: number, to: number) => string;
  institutionName: string;
  place: string;
  institutionCode: string;
  institutionCodeValue: (brin: string, location: string) => string;
  extractNumber: string;
  verifyHeading: string;
  verifyText: (baseUrl: string) => string;
  credentialNote: string;
  footerExtract: (number: string, date: string) => string;
  page: (n: number, of: number) => string;
  gradesTitle: string;
  gradesContinued: string;
  gradesFor: string;
  subject: string;
  schoolExam: string;
  centralExam: string;
  finalMark: string;
  noMark: string;
  /** document metadata */
  metaSubject: string;
  metaKeywords: string[];
  attachmentDescription: string;
}

const nl: ExtractTexts = {
  languageTag: 'nl-NL',
  registerName: 'Diplomaregister',
  title: 'Uittreksel diplomaregister',
  intro: 'Dit uittreksel bevestigt dat het onderstaande diploma is opgenomen in het diplomaregister.',
  sectionHolder: 'Diplomahouder',
  sectionDiploma: 'Diploma',
  sectionInstitution: 'Onderwijsinstelling',
  name: 'Naam',
  birthDate: 'Geboortedatum',
  documentKind: 'Soort document',
  kinds: { diploma: 'Diploma', getuigschrift: 'Getuigschrift', certificaat: 'Certificaat' },
  qualification: 'Opleiding',
  qualificationDutch: 'Opleiding',
  profile: 'Profiel',
  programmeCode: { croho: 'CROHO-code', crebo: 'Crebo-code', vo: 'Opleidingscode (vo)' },
  awardDate: 'Datum diploma',
  level: 'Niveau',
  gradeList: 'Cijferlijst',
  seePages: (from, to) => (from === to ? `zie pagina ${from}` : `zie pagina ${from} tot en met ${to}`),
  institutionName: 'Naam',
  place: 'Plaats',
  institutionCode: 'Instellingscode',
  institutionCodeValue: (brin, location) => `${brin}${location} (BRIN ${brin}, vestiging ${location})`,
  extractNumber: 'Uittrekselnummer',
  verifyHeading: 'Echtheid controleren',
  verifyText: (baseUrl) => `Scan de QR-code, of ga naar ${baseUrl} en typ het uittrekselnummer.`,
  credentialNote:
    'De gegevens zitten ook als digitaal ondertekend bewijs in dit PDF-bestand (bijlage credential.jwt, een W3C verifiable credential).',
  footerExtract: (number, date) => `Uittrekselnummer ${number} · gedownload op ${date}`,
  page: (n, of) => `pagina ${n} van ${of}`,
  gradesTitle: 'Cijferlijst',
  gradesContinued: 'Cijferlijst (vervolg)',
  gradesFor: 'Bij het diploma van',
  subject: 'Vak',
  schoolExam: 'Schoolexamen',
  centralExam: 'Centraal examen',
  finalMark: 'Eindcijfer',
  noMark: '–',
  metaSubject:
    'Uittreksel uit het diplomaregister. Het digitaal ondertekende bewijs (W3C verifiable credential, application/vc+jwt) is bijgevoegd als credential.jwt.',
  metaKeywords: ['diplomaregister', 'uittreksel', 'verifiable credential', 'credential.jwt', 'application/vc+jwt'],
  attachmentDescription: 'Digitaal ondertekend diplomabewijs (W3C verifiable credential, vc+jwt)',
};

const en: ExtractTexts = {
  languageTag: 'en',
  registerName: 'Diploma register',
  title: 'Extract from the diploma register',
  intro: 'This extract confirms that the diploma below is recorded in the Dutch diploma register.',
  sectionHolder: 'Holder',
  sectionDiploma: 'Diploma',
  sectionInstitution: 'Educational institution',
  name: 'Name',
  birthDate: 'Date of birth',
  documentKind: 'Document type',
  kinds: { diploma: 'Diploma', getuigschrift: 'Getuigschrift (certificate of achievement)', certificaat: 'Certificate' },
  qualification: 'Qualification',
  qualificationDutch: 'Dutch name',
  profile: 'Profile',
  programmeCode: { croho: 'CROHO code', crebo: 'Crebo code', vo: 'Programme code (secondary)' },
  awardDate: 'Date of award',
  level: 'Level',
  gradeList: 'Grade list',
  seePages: (from, to) => (from === to ? `see page ${from}` : `see pages ${from} to ${to}`),
  institutionName: 'Name',
  place: 'Place',
  institutionCode: 'Institution code',
  institutionCodeValue: (brin, location) => `${brin}${location} (BRIN ${brin}, location ${location})`,
  extractNumber: 'Extract number',
  verifyHeading: 'Verify this extract',
  verifyText: (baseUrl) => `Scan the QR code, or go to ${baseUrl} and type the extract number.`,
  credentialNote:
    'The data is also included in this PDF file as a digitally signed credential (attachment credential.jwt, a W3C verifiable credential).',
  footerExtract: (number, date) => `Extract number ${number} · downloaded on ${date}`,
  page: (n, of) => `page ${n} of ${of}`,
  gradesTitle: 'Grade list',
  gradesContinued: 'Grade list (continued)',
  gradesFor: 'Belongs to the diploma of',
  subject: 'Subject',
  schoolExam: 'School exam',
  centralExam: 'Central exam',
  finalMark: 'Final mark',
  noMark: '–',
  metaSubject:
    'Extract from the Dutch diploma register. The digitally signed credential (W3C verifiable credential, application/vc+jwt) is attached as credential.jwt.',
  metaKeywords: ['diploma register', 'extract', 'verifiable credential', 'credential.jwt', 'application/vc+jwt'],
  attachmentDescription: 'Digitally signed diploma credential (W3C verifiable credential, vc+jwt)',
};

export const extractTexts: Record<DocumentLanguage, ExtractTexts> = { nl, en };

const months: Record<DocumentLanguage, readonly string[]> = {
  nl: ['januari', 'februari', 'maart', 'april', 'mei', 'juni', 'juli', 'augustus', 'september', 'oktober', 'november', 'december'],
  en: ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'],
};

export class InvalidDateError extends RegisterError {
  static override readonly code = 'INVALID_DATE';
  constructor(value: string) {
    super(`not a calendar date (YYYY-MM-DD): ${JSON.stringify(value)}`);
  }
}

/** "2025-07-04" → "4 juli 2025" / "4 July 2025" */
export function formatDate(isoDate: string, lang: DocumentLanguage): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(isoDate);
  const month = m ? Number(m[2]) : 0;
  const day = m ? Number(m[3]) : 0;
  if (!m || month < 1 || month > 12 || day < 1 || day > 31) throw new InvalidDateError(isoDate);
  return `${day} ${months[lang][month - 1]} ${m[1]}`;
}

/** the calendar date of an instant in the Netherlands (CET/CEST), as YYYY-MM-DD */
export function amsterdamDate(instant: Date): string {
  const t = instant.getTime();
  const year = instant.getUTCFullYear();
  // EU summer time: from the last Sunday of March 01:00 UTC to the last Sunday of October 01:00 UTC
  const summer = t >= lastSundayUtc(year, 2) + 3_600_000 && t < lastSundayUtc(year, 9) + 3_600_000;
  return new Date(t + (summer ? 2 : 1) * 3_600_000).toISOString().slice(0, 10);
}

function lastSundayUtc(year: number, monthIndex: number): number {
  const lastDay = new Date(Date.UTC(year, monthIndex + 1, 0));
  return Date.UTC(year, monthIndex, lastDay.getUTCDate() - lastDay.getUTCDay());
}

/** a mark with one decimal: 6,8 (nl) / 6.8 (en) */
export function formatMark(mark: number, lang: DocumentLanguage): string {
  const s = (Math.round(mark * 10) / 10).toFixed(1);
  return lang === 'nl' ? s.replace('.', ',') : s;
}

/** final marks are whole numbers in Dutch secondary education; anything else keeps its decimal */
export function formatFinalMark(mark: number, lang: DocumentLanguage): string {
  return Number.isInteger(mark) ? String(mark) : formatMark(mark, lang);
}
