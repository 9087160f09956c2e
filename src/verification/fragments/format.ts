// format: a compact JWS within the size limit, keeping our header rules for typ, cty and crit
// (vc-jwt.ts jwsHeaderFindings) and carrying a VC 2.0 credential (credential-shape.ts). The alg
// and kid are the signature check's business: `none` or HS256 are attempts to get past the
// signature, not a malformed document. Through the PDF entrance the file must first be a PDF
// carrying a readable credential; the credential's own format failures become PDF_CREDENTIAL_INVALID.
import { jwsHeaderFindings, splitCredentialJwt, type CredentialJwtParts, type JwsHeaderFinding } from '../../credentials/vc-jwt.ts';
import type { Check } from '../checks.ts';
import { findShapeViolation } from '../credential-shape.ts';
import { check, type Fragment } from './fragment.ts';

/** A real diploma vc+jwt is a few KB; anything far larger is refused before parsing. */
export const MAX_CREDENTIAL_JWT_LENGTH = 64 * 1024;

export interface ReadCredential {
  check: Check;
  /** the decoded token, when the format check passed */
  parts?: CredentialJwtParts;
  /** the header rules it breaks (alg and kid among them: the signature check reads those) */
  headerFindings: JwsHeaderFinding[];
}

export const format: Fragment = {
  id: 'format',
  verify(ctx) {
    const pdf = ctx.pdf?.inspection;
    if (!pdf) return ctx.token().check;
    if (pdf.kind === 'not-pdf') return check('format', 'failed', pdf.reason === 'too-large' ? 'PDF_TOO_LARGE' : 'PDF_INVALID', { reason: pdf.reason });
    if (pdf.credential.outcome === 'missing') return check('format', 'failed', 'PDF_NO_CREDENTIAL');
    if (pdf.credential.outcome !== 'found') return check('format', 'failed', 'PDF_CREDENTIAL_INVALID', { reason: `attachment ${pdf.credential.reason}` });
    const credential = ctx.token().check;
    return credential.status === 'failed' ? check('format', 'failed', 'PDF_CREDENTIAL_INVALID', { cause: credential.code, ...credential.details }) : credential;
  },
};

const HEADER_FORMAT_MEMBERS: ReadonlySet<JwsHeaderFinding['member']> = new Set(['typ', 'cty', 'crit']);

export function readCredential(jwt: unknown): ReadCredential {
  const failed = (code: Check['code'], details: Record<string, unknown>, headerFindings: JwsHeaderFinding[] = []): ReadCredential => ({
    check: check('format', 'failed', code, details),
    headerFindings,
  });
  if (typeof jwt !== 'string') return failed('FORMAT_INVALID', { reason: 'not a string' });
  if (jwt.length > MAX_CREDENTIAL_JWT_LENGTH) return failed('FORMAT_TOO_LARGE', { length: jwt.length, maxLength: MAX_CREDENTIAL_JWT_LENGTH });
  let parts: CredentialJwtParts;
  try {
    parts = splitCredentialJwt(jwt);
  } catch (error) {
    return failed('FORMAT_INVALID', { reason: error instanceof Error ? error.message : 'unreadable' });
  }
  const headerFindings = jwsHeaderFindings(parts.header);
  const header = headerFindings.find((f) => HEADER_FORMAT_MEMBERS.has(f.member));
  if (header) return failed('FORMAT_HEADER_INVALID', { member: header.member, ...(header.expected ? { expected: header.expected } : {}) }, headerFindings);
  const violation = findShapeViolation(parts.payload);
  if (violation) return failed('FORMAT_CREDENTIAL_INVALID', { ...violation }, headerFindings);
  return { check: check('format', 'passed', 'FORMAT_VALID'), parts, headerFindings };
}
