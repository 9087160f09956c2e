// The PDF entrance (DESIGN §5, §6): the uploaded extract answers the same checks as every other
// entrance, plus the seal and the binding, as one flat ordered list (PDF_FRAGMENTS):
//
//   format     the file is a PDF carrying a readable credential.jwt, and that credential is
//              well-formed (its failures become PDF_CREDENTIAL_INVALID)
//   signature  the credential's signature
//   signature  the PDF seal: ours, intact, covering the whole file (SEAL_*; fragments/seal.ts)
//   issuer … register   the checks of the attached credential
//   binding    this very file is the one the register issued with that credential (fragments/binding.ts)
//
// A broken, missing or foreign seal or a failed binding is not_authentic (deriveVerdict: failed
// format/signature/binding). Hostile input never throws.
import { hex } from '../lib/bytes.ts';
import type { Check } from './checks.ts';
import { createVerificationContext } from './context.ts';
import { binding } from './fragments/binding.ts';
import { format } from './fragments/format.ts';
import { runFragments, type Fragment, type FragmentId } from './fragments/fragment.ts';
import { register } from './fragments/register.ts';
import { seal } from './fragments/seal.ts';
import { issuer, signature } from './fragments/signature.ts';
import { status } from './fragments/status.ts';
import { validity } from './fragments/validity.ts';
import { inspectPdf, type SealTrust } from './pdf-document.ts';
import { verificationResult, type VerificationResult, type VerificationSources, type VerifyOptions } from './pipeline.ts';

export { MAX_PDF_BYTES, type SealTrust } from './pdf-document.ts';

/** The credential's fragments (pipeline.ts CREDENTIAL_FRAGMENTS) with the seal and the binding. */
export const PDF_FRAGMENTS: readonly Fragment[] = [format, signature, seal, issuer, status, validity, register, binding];

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
  const inspection = await inspectPdf(bytes, opts.sealTrust);
  const jwt = inspection.kind === 'pdf' && inspection.credential.outcome === 'found' ? inspection.credential.text : undefined;
  const ctx = createVerificationContext(jwt, sources, opts, { inspection, sha256, documentHash: opts.documentHash });
  const { verdict, checks, credential } = await verificationResult(ctx, embeddedOnly(await runFragments(PDF_FRAGMENTS, ctx)));
  const credentialId = typeof credential?.id === 'string' ? credential.id : undefined;
  return { verdict, checks, sha256, ...(credential ? { credential } : {}), ...(credentialId ? { credentialId } : {}) };
}

/**
 * In a file whose seal or binding failed, the checks the attached credential passed hold for that
 * credential only, not for the document (the page and the API say so).
 */
function embeddedOnly(checks: Check[]): Check[] {
  const of = (id: FragmentId) => checks[PDF_FRAGMENTS.findIndex((f) => f.id === id)]!;
  const fileFailed = of('seal').status === 'failed' || of('binding').status === 'failed';
  return checks.map((c) => (fileFailed && c.status === 'passed' && c !== of('seal') ? { ...c, details: { ...c.details, embeddedCredentialOnly: true } } : c));
}
