// The PDF entrance (DESIGN §5, §6): the uploaded extract answers the same checks as every other
// entrance, plus the seal and the binding, as one flat ordered list:
//
//   format     the file is a PDF carrying a readable credential.jwt, and that credential is
//              well-formed (the pipeline's format check; its failures become PDF_CREDENTIAL_INVALID)
//   signature  the credential's signature (the pipeline's check)
//   signature  the PDF seal: ours, intact, covering the whole file (SEAL_*)
//   issuer … register   the pipeline's checks of the attached credential
//   binding    this very file is the one the register issued with that credential: its SHA-256
//              equals the extract's registered pdf_sha256
//
// The seal proves the file is the register's and unchanged; the binding proves the credential
// inside belongs to it. A broken, missing or foreign seal or a failed binding is not_authentic
// (deriveVerdict: failed format/signature/binding). Hostile input never throws.
import { hex } from '../lib/bytes.ts';
import { deriveVerdict, type Check, type CheckCode, type CheckId, type CheckStatus } from './checks.ts';
import { CHECK_MESSAGES } from './messages.ts';
import { inspectPdf, type PdfInspection, type SealFinding, type SealTrust } from './pdf-document.ts';
import { verifyCredential, type VerificationResult, type VerificationSources, type VerifyOptions } from './pipeline.ts';

export { MAX_PDF_BYTES, type SealTrust } from './pdf-document.ts';

export interface PdfUploadOptions extends VerifyOptions {
  /** the seal certificates whose seals are ours (pdf-document.ts explains why pinned) */
  sealTrust: SealTrust;
  /**
   * The registered SHA-256 (hex) of the PDF issued with the credential `credentialId`
   * (`extracts.pdf_sha256`); undefined when the register has none. A throw means "cannot tell now".
   */
  documentHash(credentialId: string): Promise<string | undefined>;
}

export interface PdfUploadResult extends VerificationResult {
  /** SHA-256 (hex) of the uploaded bytes, for the forgery report */
  sha256: string;
  /** the attached credential's id, when its signature verified with one of our keys */
  credentialId?: string;
}

export async function verifyPdfUpload(bytes: Uint8Array, sources: VerificationSources, opts: PdfUploadOptions): Promise<PdfUploadResult> {
  if (!opts.sealTrust?.certificates?.length) throw new TypeError('verifyPdfUpload needs at least one trusted seal certificate');
  const sha256 = hex(await crypto.subtle.digest('SHA-256', bytes as BufferSource));
  const pdf = await inspectPdf(bytes, opts.sealTrust);

  if (pdf.kind === 'not-pdf') {
    const code: CheckCode = pdf.reason === 'too-large' ? 'PDF_TOO_LARGE' : 'PDF_INVALID';
    return done([check('format', 'failed', code, { reason: pdf.reason }), ...skippedAfterFormat('SKIPPED_PDF_INVALID', check('signature', 'skipped', 'SKIPPED_PDF_INVALID', { seal: true }))], sha256);
  }

  const seal = sealCheck(pdf);
  if (pdf.credential.outcome !== 'found') {
    const format =
      pdf.credential.outcome === 'missing'
        ? check('format', 'failed', 'PDF_NO_CREDENTIAL')
        : check('format', 'failed', 'PDF_CREDENTIAL_INVALID', { reason: `attachment ${pdf.credential.reason}` });
    return done([format, ...skippedAfterFormat('SKIPPED_PDF_NO_CREDENTIAL', seal)], sha256);
  }

  const verified = await verifyCredential(pdf.credential.text, sources, opts);
  const [format, signature, ...rest] = verified.checks;
  const credentialFormat =
    format!.status === 'failed' ? check('format', 'failed', 'PDF_CREDENTIAL_INVALID', { cause: format!.code, ...format!.details }) : format!;
  const register = rest.find((c) => c.id === 'register');
  const credentialId = typeof verified.credential?.id === 'string' ? verified.credential.id : undefined;
  const binding = credentialId
    ? await bindingCheck(sha256, credentialId, opts.documentHash)
    : check('binding', 'skipped', register?.status === 'skipped' ? register.code : 'SKIPPED_ISSUER_NOT_TRUSTED');
  return {
    ...done([credentialFormat, signature!, seal, ...rest, binding], sha256),
    ...(verified.credential ? { credential: verified.credential } : {}),
    ...(credentialId ? { credentialId } : {}),
  };
}

function check(id: CheckId, status: CheckStatus, code: CheckCode, details?: Record<string, unknown>): Check {
  return { id, status, code, message: CHECK_MESSAGES[code], ...(details ? { details } : {}) };
}

function done(checks: Check[], sha256: string): PdfUploadResult {
  return { verdict: deriveVerdict(checks), checks, sha256 };
}

/** Everything after a failed format check: skipped, except the seal, which needs no credential. */
function skippedAfterFormat(code: CheckCode, seal: Check): Check[] {
  return [
    check('signature', 'skipped', code),
    seal,
    ...(['issuer', 'status', 'validity', 'register', 'binding'] as const).map((id) => check(id, 'skipped', code)),
  ];
}

const SEAL_CODES: Record<SealFinding['outcome'], CheckCode> = {
  valid: 'SEAL_VALID',
  missing: 'SEAL_MISSING',
  modified: 'SEAL_DOCUMENT_MODIFIED',
  'not-ours': 'SEAL_NOT_OURS',
  invalid: 'SEAL_INVALID',
};

function sealCheck(pdf: Extract<PdfInspection, { kind: 'pdf' }>): Check {
  const { outcome } = pdf.seal;
  const reason = 'reason' in pdf.seal ? { reason: pdf.seal.reason } : {};
  return check('signature', outcome === 'valid' ? 'passed' : 'failed', SEAL_CODES[outcome], { seal: true, signatures: pdf.signatures, ...reason });
}

async function bindingCheck(sha256: string, credentialId: string, documentHash: PdfUploadOptions['documentHash']): Promise<Check> {
  let registered: string | undefined;
  try {
    registered = await documentHash(credentialId);
  } catch {
    return check('binding', 'failed', 'BINDING_UNAVAILABLE');
  }
  if (typeof registered !== 'string') return check('binding', 'failed', 'BINDING_MISMATCH', { reason: 'the register holds no document for this credential' });
  return registered.toLowerCase() === sha256
    ? check('binding', 'passed', 'BINDING_VALID')
    : check('binding', 'failed', 'BINDING_MISMATCH', { reason: 'this file is not the document the register issued with this credential' });
}
