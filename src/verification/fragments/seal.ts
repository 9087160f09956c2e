// seal (the PDF entrance): the file carries our seal, intact, over the whole file (pdf-document.ts
// reads it). It is a second `signature` check, and needs no credential: a file whose attachment is
// missing or broken still has its seal checked.
import type { CheckCode } from '../checks.ts';
import type { SealFinding } from '../pdf-document.ts';
import { check, type Fragment } from './fragment.ts';

const SEAL_CODES: Record<SealFinding['outcome'], CheckCode> = {
  valid: 'SEAL_VALID',
  missing: 'SEAL_MISSING',
  modified: 'SEAL_DOCUMENT_MODIFIED',
  'not-ours': 'SEAL_NOT_OURS',
  invalid: 'SEAL_INVALID',
};

export const seal: Fragment = {
  id: 'seal',
  verify(ctx) {
    const pdf = ctx.pdf?.inspection;
    if (!pdf || pdf.kind === 'not-pdf') return check('signature', 'skipped', 'SKIPPED_PDF_INVALID', { seal: true });
    const { signatures } = pdf;
    // neither credential nor seal: a print, a scan or any other PDF, not an extract to check
    if (pdf.credential.outcome === 'missing' && pdf.seal.outcome === 'missing') {
      return check('signature', 'skipped', 'SKIPPED_PDF_NO_CREDENTIAL', { seal: true, signatures });
    }
    const { outcome } = pdf.seal;
    const reason = 'reason' in pdf.seal ? { reason: pdf.seal.reason } : {};
    return check('signature', outcome === 'valid' ? 'passed' : 'failed', SEAL_CODES[outcome], { seal: true, signatures, ...reason });
  },
};
