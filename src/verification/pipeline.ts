// The public verifier (DESIGN §6): format → signature → issuer → status → validity → register,
// each a fragment (fragments/*.ts); the verdict is derived from the checks (checks.ts). Where the
// credential comes from (QR, extract number, VC-API) and where keys, status lists and register
// entries come from are the caller's business: they are injected (context.ts). The PDF entrance
// (pdf-upload.ts) runs the same list plus the seal and the binding. Bad input never throws; it
// yields failed checks.
import { deriveVerdict, type Check, type Verdict } from './checks.ts';
import { createVerificationContext, type VerificationContext, type VerificationSources, type VerifyOptions } from './context.ts';
import { format } from './fragments/format.ts';
import { isTrusted, runFragments, type Fragment } from './fragments/fragment.ts';
import { issuer, signature } from './fragments/signature.ts';
import { status } from './fragments/status.ts';
import { validity } from './fragments/validity.ts';
import { register } from './fragments/register.ts';

export { MAX_CREDENTIAL_JWT_LENGTH } from './fragments/format.ts';
export type { PublishedKeys, RegisterEntry, VerificationSources, VerifyOptions } from './context.ts';

/** Every credential's checks, in the order they are reported. */
export const CREDENTIAL_FRAGMENTS: readonly Fragment[] = [format, signature, issuer, status, validity, register];

export interface VerificationResult {
  verdict: Verdict;
  checks: Check[];
  /** the credential, only when its signature verified with one of our keys */
  credential?: Record<string, unknown>;
}

export async function verifyCredential(jwt: string, sources: VerificationSources, opts: VerifyOptions): Promise<VerificationResult> {
  const ctx = createVerificationContext(jwt, sources, opts);
  return verificationResult(ctx, await runFragments(CREDENTIAL_FRAGMENTS, ctx));
}

export async function verificationResult(ctx: VerificationContext, checks: Check[]): Promise<VerificationResult> {
  const credential = (await isTrusted(ctx)) ? ctx.token().parts?.payload : undefined;
  return { verdict: deriveVerdict(checks), checks, ...(credential ? { credential } : {}) };
}
