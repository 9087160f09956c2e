// binding (the PDF entrance): this very file is the one the register issued with its credential:
// its SHA-256 equals the extract's registered pdf_sha256. The seal proves the file is the
// register's and unchanged; the binding proves the credential inside belongs to it.
import { unlessDatabaseDown } from '../context.ts';
import { check, skipUnless, type Fragment } from './fragment.ts';

export const binding: Fragment = {
  id: 'binding',
  skip: skipUnless('trust', 'binding'),
  async verify(ctx) {
    const id = ctx.token().parts!.payload.id;
    const pdf = ctx.pdf;
    if (typeof id !== 'string' || !id || !pdf) return check('binding', 'skipped', 'SKIPPED_ISSUER_NOT_TRUSTED');
    let registered: string | undefined;
    try {
      registered = await pdf.documentHash(id);
    } catch (err) {
      // the register's database being down is the service's 503, not a finding about the file
      unlessDatabaseDown(err);
      return check('binding', 'failed', 'BINDING_UNAVAILABLE');
    }
    if (typeof registered !== 'string') return check('binding', 'failed', 'BINDING_MISMATCH', { reason: 'the register holds no document for this credential' });
    return registered.toLowerCase() === pdf.sha256
      ? check('binding', 'passed', 'BINDING_VALID')
      : check('binding', 'failed', 'BINDING_MISMATCH', { reason: 'this file is not the document the register issued with this credential' });
  },
};
