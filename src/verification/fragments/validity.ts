// validity: validFrom/validUntil (and JWT nbf/exp, as vc-jwt.ts reads them) with ±skew. A revoked,
// superseded or suspended extract is not "valid" because its dates say so: its period is then
// skipped (SKIPPED_NOT_IN_FORCE), not listed as passed.
import { credentialValidityPeriod } from '../../credentials/vc-jwt.ts';
import type { Check, CheckCode } from '../checks.ts';
import { check, skipUnless, type Fragment } from './fragment.ts';

export const validity: Fragment = {
  id: 'validity',
  skip: skipUnless('trust', 'validity'),
  async verify(ctx) {
    const period = validityPeriod(ctx.token().parts!.payload, ctx.now, ctx.skewSeconds);
    const [status, register] = await Promise.all([ctx.check('status'), ctx.check('register')]);
    if (period.status !== 'passed' || !(NOT_IN_FORCE_CODES.has(status.code) || NOT_IN_FORCE_CODES.has(register.code))) return period;
    return check('validity', 'skipped', 'SKIPPED_NOT_IN_FORCE', period.details);
  },
};

const NOT_IN_FORCE_CODES: ReadonlySet<CheckCode> = new Set(['STATUS_REVOKED', 'STATUS_SUSPENDED', 'REGISTER_REVOKED', 'REGISTER_WITHDRAWN', 'REGISTER_SUPERSEDED']);

function validityPeriod(payload: Record<string, unknown>, now: Date, skewSeconds: number): Check {
  // the format check let only dateTimeStamps through as validFrom/validUntil, so this does not throw
  const { notBefore, notAfter, invalid } = credentialValidityPeriod(payload);
  if (invalid) return check('validity', 'failed', 'VALIDITY_TIME_INVALID', { reason: invalid, skewSeconds });
  const details = {
    ...(notBefore !== undefined ? { validFrom: new Date(notBefore).toISOString() } : {}),
    ...(notAfter !== undefined ? { validUntil: new Date(notAfter).toISOString() } : {}),
    skewSeconds,
  };
  const t = now.getTime();
  const skewMs = skewSeconds * 1000;
  if (notBefore !== undefined && t + skewMs < notBefore) return check('validity', 'failed', 'NOT_YET_VALID', details);
  if (notAfter !== undefined && t - skewMs > notAfter) return check('validity', 'failed', 'EXPIRED', details);
  const withinSkew = (notBefore !== undefined && t < notBefore) || (notAfter !== undefined && t > notAfter);
  return check('validity', 'passed', 'VALIDITY_VALID', withinSkew ? { ...details, withinClockSkew: true } : details);
}
