// The verifier's vocabulary: each step of the pipeline yields one Check, and the verdict is derived
// from the checks alone (never from a step's own opinion), so every entrance (QR, extract number,
// PDF upload, VC-API) reports the same result for the same checks.

export type CheckId = 'format' | 'signature' | 'issuer' | 'status' | 'validity' | 'register' | 'binding';
export type CheckStatus = 'passed' | 'failed' | 'warning' | 'skipped';

/** The steps every credential goes through, in order. `binding` (PDF ↔ credential) is extra. */
export const PIPELINE_CHECK_IDS = ['format', 'signature', 'issuer', 'status', 'validity', 'register'] as const satisfies readonly CheckId[];

export const CHECK_CODES = [
  // format
  'FORMAT_VALID',
  'FORMAT_INVALID',
  'FORMAT_TOO_LARGE',
  'FORMAT_HEADER_INVALID',
  'FORMAT_CREDENTIAL_INVALID',
  // signature
  'SIGNATURE_VALID',
  'SIGNATURE_INVALID',
  'SIGNATURE_ALG_UNSUPPORTED',
  // issuer
  'ISSUER_VALID',
  'ISSUER_KEY_RETIRED',
  'KEY_UNKNOWN',
  'KEY_COMPROMISED',
  'ISSUER_MISMATCH',
  'KEYS_UNAVAILABLE',
  // status
  'STATUS_VALID',
  'STATUS_REVOKED',
  'STATUS_SUSPENDED',
  'STATUS_UNKNOWN',
  // validity
  'VALIDITY_VALID',
  'NOT_YET_VALID',
  'EXPIRED',
  /** nbf/exp is no NumericDate a clock can reach (a string, 1e300, beyond ±8.64e12 s) */
  'VALIDITY_TIME_INVALID',
  // register
  'REGISTER_ACTIVE',
  'REGISTER_SUPERSEDED',
  'REGISTER_WITHDRAWN',
  'REGISTER_REVOKED',
  'REGISTER_UNKNOWN',
  'REGISTER_UNAVAILABLE',
  // binding (the PDF entrance: the document and its embedded credential belong together)
  'BINDING_VALID',
  'BINDING_MISMATCH',
  // skipped: an earlier essential check failed
  'SKIPPED_FORMAT_INVALID',
  'SKIPPED_KEY_UNKNOWN',
  'SKIPPED_KEYS_UNAVAILABLE',
  'SKIPPED_SIGNATURE_INVALID',
  'SKIPPED_ISSUER_NOT_TRUSTED',
  /** validity, when the extract is revoked, withdrawn, superseded or suspended: its period says nothing then */
  'SKIPPED_NOT_IN_FORCE',
  // the PDF entrance (pdf-upload.ts): the file (format), its seal (signature), the binding
  'PDF_INVALID',
  'PDF_TOO_LARGE',
  'PDF_NO_CREDENTIAL',
  'PDF_CREDENTIAL_INVALID',
  'SEAL_VALID',
  'SEAL_MISSING',
  'SEAL_INVALID',
  'SEAL_NOT_OURS',
  'SEAL_DOCUMENT_MODIFIED',
  'BINDING_UNAVAILABLE',
  'SKIPPED_PDF_INVALID',
  'SKIPPED_PDF_NO_CREDENTIAL',
] as const;
export type CheckCode = (typeof CHECK_CODES)[number];

export interface LocalizedText {
  nl: string;
  en: string;
}

export interface Check {
  id: CheckId;
  status: CheckStatus;
  /** stable, for machines and the forgery report */
  code: CheckCode;
  /** plain language, including what to do */
  message: LocalizedText;
  /** never personal data beyond what the credential itself shows */
  details?: Record<string, unknown>;
}

export type Verdict = 'authentic' | 'revoked' | 'superseded' | 'suspended' | 'not_authentic' | 'unreadable' | 'unknown';

export const VERDICT_LABELS: Record<Verdict, LocalizedText> = {
  authentic: { nl: 'Echt', en: 'Authentic' },
  revoked: { nl: 'Ingetrokken', en: 'Revoked' },
  superseded: { nl: 'Vervangen', en: 'Superseded' },
  suspended: { nl: 'Geschorst', en: 'Suspended' },
  not_authentic: { nl: 'Niet echt', en: 'Not authentic' },
  unknown: { nl: 'Status onbekend', en: 'Status unknown' },
  unreadable: { nl: 'Kon niet worden gecontroleerd', en: 'Could not be checked' },
};

/**
 * Codes that mean "we could not find out", not "we found something wrong": they give `unknown`
 * even on a check (issuer) whose failures otherwise mean `not_authentic`.
 */
const INDETERMINATE_CODES: ReadonlySet<CheckCode> = new Set(['STATUS_UNKNOWN', 'KEYS_UNAVAILABLE', 'REGISTER_UNAVAILABLE', 'BINDING_UNAVAILABLE']);

/**
 * An upload that is no extract to read at all (a picture, a text, a damaged or cut-off PDF, a PDF
 * without credential and without seal): nothing was found wrong with an extract, because there is
 * none to check (DESIGN §6: "could not be checked" is never "not authentic").
 */
const UNREADABLE_CODES: ReadonlySet<CheckCode> = new Set(['PDF_INVALID', 'PDF_TOO_LARGE', 'PDF_NO_CREDENTIAL']);

/** What one failed check says about the credential, before precedence is applied. */
function verdictOfFailure(check: Check): Verdict {
  if (INDETERMINATE_CODES.has(check.code)) return 'unknown';
  if (UNREADABLE_CODES.has(check.code)) return 'unreadable';
  switch (check.code) {
    case 'REGISTER_SUPERSEDED':
      return 'superseded';
    case 'STATUS_REVOKED':
    case 'REGISTER_REVOKED':
    case 'REGISTER_WITHDRAWN':
      return 'revoked';
    case 'STATUS_SUSPENDED':
      return 'suspended';
    default:
      break;
  }
  switch (check.id) {
    case 'format':
    case 'signature':
    case 'issuer':
    case 'binding':
    // A credential that verifies with our key but is outside its validity period, or that the
    // register never issued, is not one we vouch for: treated like a forgery.
    case 'validity':
    case 'register':
      return 'not_authentic';
    case 'status':
      return 'unknown';
  }
}

/**
 * Precedence, strongest first — the verdict is the strongest one any failed check gives:
 *
 *   1. not_authentic  failed format, signature, issuer or binding (except KEYS_UNAVAILABLE,
 *                     BINDING_UNAVAILABLE) — for a PDF this includes its credential
 *                     (PDF_CREDENTIAL_INVALID) and its seal (SEAL_*, a second `signature`
 *                     check); also a failed validity check and REGISTER_UNKNOWN (our key, never issued)
 *   1b. unreadable    PDF_INVALID, PDF_TOO_LARGE, PDF_NO_CREDENTIAL: no extract to check (a
 *                     seal that is there but broken still makes it not_authentic)
 *   2. superseded     REGISTER_SUPERSEDED (the diploma was corrected; a newer extract exists)
 *   3. revoked        STATUS_REVOKED, REGISTER_REVOKED, REGISTER_WITHDRAWN
 *   4. suspended      STATUS_SUSPENDED
 *   5. unknown        STATUS_UNKNOWN, KEYS_UNAVAILABLE, REGISTER_UNAVAILABLE, BINDING_UNAVAILABLE
 *                     (fail closed); also
 *                     when a pipeline check is missing or skipped although nothing failed
 *   6. authentic      every pipeline check passed (warnings allowed)
 *
 * Forgery outranks everything because a forged credential's other claims mean nothing; superseded
 * outranks revoked because superseding revokes the old extract too and "superseded" says more.
 */
export const VERDICT_PRECEDENCE: readonly Verdict[] = ['not_authentic', 'unreadable', 'superseded', 'revoked', 'suspended', 'unknown', 'authentic'];

export function deriveVerdict(checks: readonly Check[]): Verdict {
  const candidates = new Set<Verdict>();
  for (const check of checks) if (check.status === 'failed') candidates.add(verdictOfFailure(check));
  for (const id of PIPELINE_CHECK_IDS) {
    const check = checks.find((c) => c.id === id);
    if (!check || check.status === 'skipped') candidates.add('unknown');
  }
  return VERDICT_PRECEDENCE.find((verdict) => candidates.has(verdict)) ?? 'authentic';
}
