// The stable problem codes, explained for integrators (rendered on /docs), and the one table that
// maps every error code to its HTTP status and title.
import type { FieldCode, ProblemCode, WarningCode } from '../errors.ts';
import { STATUS_LIST_ERROR_CODES, type StatusListError } from '../credentials/status-list.ts';
import { CREDENTIAL_ERROR_CODES, type CredentialVerificationError } from '../credentials/vc-jwt.ts';
import { FONT_ERROR_CODES, type FontError } from '../documents/font.ts';
import { SEAL_ERROR_CODES, type SealError } from '../documents/cms.ts';
import { OIDC_ERROR_CODES, type OidcError } from '../auth/oidc-client.ts';
import { QrTooLargeError } from '../documents/qr.ts';
import { InvalidDateError } from '../documents/i18n.ts';
import { InvalidEd25519KeyError } from '../credentials/ed25519.ts';
import { DiplomaCredentialInputError } from '../credentials/diploma-credential.ts';
import type { ConfigError } from '../config.ts';

export interface ProblemRow {
  status: number;
  title: string;
  en: string;
  nl: string;
}

/** Every code the register's errors carry, derived from the error classes themselves. */
export type InternalCode =
  | StatusListError['code']
  | CredentialVerificationError['code']
  | FontError['code']
  | SealError['code']
  | OidcError['code']
  | typeof QrTooLargeError.code
  | typeof InvalidDateError.code
  | typeof InvalidEd25519KeyError.code
  | typeof DiplomaCredentialInputError.code;
export type ErrorCode = ProblemCode | typeof ConfigError.code | InternalCode;

const rows = <C extends string>(codes: readonly C[], why: string) => Object.fromEntries(codes.map((c) => [c, why])) as Record<C, string>;

/**
 * THE mapping of every error code to what leaves the service: the HTTP status and title of its
 * problem+json (src/http/problem.ts) and its explanation on /docs (anchor `#problem-CODE`).
 * `satisfies` makes a code without a row, or a row without a code, a compile error.
 */
export const problemTable = {
  VALIDATION_FAILED: { status: 422, title: 'Validation failed', en: 'One or more fields are invalid; `errors` lists each with a JSON Pointer and its own code.', nl: 'Eén of meer velden kloppen niet; `errors` noemt elk veld met een JSON Pointer en een eigen code.' },
  MALFORMED_JSON: { status: 400, title: 'The body is not valid JSON', en: 'The body is not valid JSON.', nl: 'De body is geen geldige JSON.' },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, title: 'Unsupported media type', en: 'The body has the wrong Content-Type.', nl: 'De body heeft het verkeerde Content-Type.' },
  PAYLOAD_TOO_LARGE: { status: 413, title: 'Request body too large', en: 'The body is larger than this endpoint accepts.', nl: 'De body is groter dan dit endpoint aanneemt.' },
  UPLOAD_TOO_LARGE: { status: 413, title: 'File too large', en: 'The uploaded file is larger than 5 MB; a genuine extract is far smaller.', nl: 'Het geüploade bestand is groter dan 5 MB; een echt uittreksel is veel kleiner.' },
  BULK_TOO_MANY_RECORDS: { status: 413, title: 'Too many records', en: 'A bulk request holds at most 10,000 records.', nl: 'Een bulkverzoek bevat hoogstens 10.000 records.' },
  BULK_LINE_TOO_LONG: { status: 413, title: 'Line too long', en: 'A bulk line (one record) holds at most 65,536 characters; the line is refused, the others are applied.', nl: 'Een bulkregel (één record) bevat hoogstens 65.536 tekens; die regel wordt geweigerd, de andere worden verwerkt.' },
  BULK_LINE_TOO_DEEP: { status: 400, title: 'Line nested too deeply', en: 'A bulk line nests arrays and objects at most 8 deep; the line is refused, the others are applied.', nl: 'Een bulkregel nest arrays en objecten hoogstens 8 diep; die regel wordt geweigerd, de andere worden verwerkt.' },
  HOLDER_IDENTITY_DIFFERS: { status: 201, title: 'Holder identity differs', en: 'A warning in `warnings` of an applied record, not an error: other institutions report this holder with another name or birth date. The diploma keeps the holder as you reported them and is flagged for review; the holder and their other diplomas are unchanged.', nl: 'Een waarschuwing in `warnings` van een verwerkt record, geen fout: andere instellingen melden deze houder met een andere naam of geboortedatum. Het diploma houdt de houder zoals u die meldde en wordt ter controle gemarkeerd; de houder en diens andere diploma\'s blijven ongewijzigd.' },
  NOT_FOUND: { status: 404, title: 'Not found', en: 'No such resource.', nl: 'Dit bestaat niet.' },
  METHOD_NOT_ALLOWED: { status: 405, title: 'Method not allowed', en: 'The resource exists but not with this method; see the Allow header.', nl: 'De resource bestaat, maar niet met deze methode; zie de Allow-header.' },
  API_KEY_MISSING: { status: 401, title: 'Unauthorized', en: 'Send the institution API key as a Bearer token.', nl: 'Stuur de API-sleutel van de instelling als Bearer-token.' },
  API_KEY_INVALID: { status: 401, title: 'Unauthorized', en: 'The API key is not known.', nl: 'De API-sleutel is onbekend.' },
  API_KEY_REVOKED: { status: 401, title: 'Unauthorized', en: 'The API key was revoked.', nl: 'De API-sleutel is ingetrokken.' },
  INSTITUTION_NOT_ALLOWED: { status: 403, title: 'Not your institution', en: 'The record names another institution than the API key reports for.', nl: 'Het record noemt een andere instelling dan die van de API-sleutel.' },
  REFERENCE_CONFLICT: { status: 409, title: 'Reference already used for a different record', en: 'The reference was used before for a different record. Corrections get a new reference.', nl: 'Het kenmerk is al gebruikt voor een ander record. Een correctie krijgt een nieuw kenmerk.' },
  DIPLOMA_SUPERSEDED: { status: 409, title: 'The diploma was already corrected', en: 'The diploma was already corrected; change the current version.', nl: 'Het diploma is al gecorrigeerd; wijzig de actuele versie.' },
  DIPLOMA_ANNULLED: { status: 409, title: 'The diploma is annulled', en: 'The diploma is annulled and cannot change any more.', nl: 'Het diploma is nietig verklaard en kan niet meer wijzigen.' },
  DIPLOMA_NOT_FOUND: { status: 404, title: 'Diploma not found', en: 'No such diploma among yours.', nl: 'Dit diploma staat niet op uw naam.' },
  DIPLOMA_NOT_CURRENT: { status: 409, title: 'No extract for this diploma', en: 'The diploma was corrected or annulled: no new extracts.', nl: 'Het diploma is gecorrigeerd of nietig verklaard: geen nieuwe uittreksels.' },
  EXTRACT_NOT_FOUND: { status: 404, title: 'Extract not found', en: 'No such extract among yours; or (verifier) no extract with this number and secret or letters: the answer is the same for every reason.', nl: 'Dit uittreksel staat niet op uw naam; of (controle) geen uittreksel met dit nummer en deze code of letters: het antwoord is voor elke reden hetzelfde.' },
  EXTRACT_NOT_ACTIVE: { status: 409, title: 'The extract is no longer active', en: 'The extract was already withdrawn, revoked or superseded.', nl: 'Het uittreksel is al ingetrokken of vervangen.' },
  SIGNING_KEY_UNAVAILABLE: { status: 503, title: 'Signing is unavailable', en: 'This server holds no private key for the active signing key.', nl: 'Deze server heeft de actieve ondertekeningssleutel niet.' },
  TOO_MANY_ATTEMPTS: { status: 429, title: 'Too many attempts', en: 'Too many verification attempts from you or for this number; see Retry-After.', nl: 'Te veel controlepogingen van u of voor dit nummer; zie Retry-After.' },
  UPLOAD_UNAVAILABLE: { status: 503, title: 'PDF check unavailable', en: 'This server holds no seal certificate, so it cannot check PDF uploads; use the QR code or the extract number.', nl: 'Deze server heeft geen zegelcertificaat en kan geen PDF controleren; gebruik de QR-code of het uittrekselnummer.' },
  CONFIG_INVALID: { status: 503, title: 'Service misconfigured', en: 'The service is misconfigured (Workers: a required secret is missing).', nl: 'De dienst is verkeerd geconfigureerd (Workers: een vereist geheim ontbreekt).' },
  DATABASE_UNAVAILABLE: { status: 503, title: 'The register is briefly unavailable', en: 'The register\'s database does not answer (an outage or maintenance); try again after Retry-After seconds. A write that got this answer may be sent again: the feed is idempotent on `reference`.', nl: 'De database van het register antwoordt niet (storing of onderhoud); probeer het na Retry-After seconden opnieuw. Een schrijfopdracht met dit antwoord mag opnieuw worden gestuurd: de feed is idempotent op `reference`.' },
  CREDENTIAL_NOT_VERIFIED: { status: 400, title: 'The credential does not verify', en: 'POST /credentials/verify (VC-API): the credential does not verify. The problem carries `verdict` and every check, as a 200 does; each failed check has its own code (e.g. `VALIDITY_TIME_INVALID`: nbf/exp is no date a clock can reach).', nl: 'POST /credentials/verify (VC-API): het bewijs klopt niet. Het probleem bevat `verdict` en elke controle, zoals bij 200; elke mislukte controle heeft een eigen code (bijv. `VALIDITY_TIME_INVALID`: nbf/exp is geen datum die kan bestaan).' },
  INTERNAL_ERROR: { status: 500, title: 'Internal server error', en: 'Our fault. Quote the requestId when you contact us.', nl: 'Onze fout. Noem de requestId als u contact opneemt.' },
} as const satisfies Record<ProblemCode | WarningCode, ProblemRow>;

/**
 * Codes that never leave the service as such: an uncaught one is an INTERNAL_ERROR (500); callers
 * turn the others into check results or messages. Listed so that every code thrown has a row.
 */
export const internalCodes = {
  ...rows(STATUS_LIST_ERROR_CODES, 'status list (de)coding; an uncaught one is a 500'),
  ...rows(CREDENTIAL_ERROR_CODES, 'turned into a verification check code by src/verification'),
  ...rows(FONT_ERROR_CODES, 'a font file the PDF renderer cannot use; a 500'),
  ...rows(SEAL_ERROR_CODES, 'sealing a PDF failed; a 500'),
  ...rows(OIDC_ERROR_CODES, 'login failed; the portal shows a login error page'),
  [QrTooLargeError.code]: 'the QR content is too long for the extract; a 500',
  [InvalidDateError.code]: 'a date that is no calendar date reached the PDF renderer; a 500',
  [InvalidEd25519KeyError.code]: 'turned into CREDENTIAL_KEY_UNKNOWN by the credential verifier',
  [DiplomaCredentialInputError.code]: 'a diploma that cannot become a credential; a 500',
} as const satisfies Record<InternalCode, string>;

/** The problems and the warning, in the order /docs lists them. */
export const problemCodes: Array<{ code: ProblemCode | WarningCode; status: number; title: string; en: string; nl: string }> = Object.entries(problemTable).map(
  ([code, row]) => ({ code: code as ProblemCode | WarningCode, ...row }),
);

/** Field-level codes inside `errors` of VALIDATION_FAILED: a row for each code, no more. */
export const fieldTable = {
  FIELD_REQUIRED: { en: 'The field is missing.' },
  FIELD_TYPE: { en: 'The field has the wrong JSON type.' },
  FIELD_UNKNOWN: { en: 'The object has a field the schema does not know (typo?).' },
  VALUE_NOT_ALLOWED: { en: 'The value is not one of the allowed values.' },
  TOO_SMALL: { en: 'Too short, too few items or too low.' },
  TOO_BIG: { en: 'Too long, too many items or too high.' },
  FORMAT_INVALID: { en: 'The value does not have the required format (e.g. a date, URL or UUID).' },
  FIELD_INVALID: { en: 'The field is invalid in a way no other code names.' },
  PROFILE_REQUIRED: { en: 'A diploma of this vo programme names its profile.' },
  PROFILE_FORMAT: { en: '1–6 capitals.' },
  PREFIX_FORMAT: { en: 'A tussenvoegsel has at most 20 letters, spaces and apostrophes.' },
  NAME_EMPTY: { en: 'A name must not be empty.' },
  NAME_TOO_LONG: { en: 'At most 200 characters.' },
  SUBJECT_CODE_FORMAT: { en: '1–10 capitals or digits.' },
  BSN_INVALID: { en: 'A BSN is nine digits passing the eleven test.' },
  BRIN_FORMAT: { en: 'Two digits and two capitals.' },
  LOCATION_FORMAT: { en: 'Two digits.' },
  INSTITUTION_UNKNOWN: { en: 'That location of the institution is not in the register.' },
  PROGRAMME_UNKNOWN: { en: 'No such CROHO/crebo/vo programme for the institution’s sector.' },
  PROFILE_UNKNOWN: { en: 'The programme has no such profile.' },
  KIND_NOT_FOR_SECTOR: { en: 'The sector does not award this kind of document.' },
  AWARD_DATE_IN_FUTURE: { en: 'The award date lies in the future.' },
  AWARD_DATE_BEFORE_REGISTER: { en: 'Before the register holds this sector (vo 2006, mbo 2007, ho 1996).' },
  BIRTH_DATE_IMPLAUSIBLE: { en: 'Younger than 10 at the award, or born before 1900.' },
  GRADES_REQUIRED: { en: 'A vo diploma carries its grade list.' },
  GRADES_NOT_FOR_SECTOR: { en: 'Only vo diplomas carry a grade list.' },
  GRADE_RANGE: { en: 'Marks run from 1.0 to 10.0.' },
  GRADE_PRECISION: { en: 'At most one decimal.' },
  FINAL_MARK_WHOLE: { en: 'The final mark is a whole number.' },
  SUBJECT_DUPLICATE: { en: 'A subject appears twice in the grade list.' },
  REFERENCE_FORMAT: { en: '1–64 characters: letters, digits, . _ : -' },
  REFERENCE_UNKNOWN: { en: 'No diploma of this institution has that reference.' },
  DATE_FORMAT: { en: 'Dates are YYYY-MM-DD.' },
  DATE_INVALID: { en: 'Not a calendar date.' },
  NAME_CHARACTERS: { en: 'Letters, spaces, hyphens, apostrophes and dots only, starting with a letter.' },
  NAME_NO_LETTERS: { en: 'A name has at least one letter; accents (combining marks) alone are no name.' },
} as const satisfies Record<FieldCode, { en: string }>;

export const fieldCodes: Array<{ code: FieldCode; en: string }> = Object.entries(fieldTable).map(([code, row]) => ({ code: code as FieldCode, ...row }));
