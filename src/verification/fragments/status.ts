// status: both Bitstring Status List entries (our credentials always carry both); each list is a
// vc+jwt that must verify with one of our active or retired keys, name our DID as issuer, be the
// list the entry points at, and have the entry's purpose. Anything short of that: unknown.
// Verified lists are kept by their signed text (status-list-cache.ts): the source is still asked
// every time, and a list it hands back again is not verified and unzipped again.
import type { StatusPurpose } from '../../credentials/status-list.ts';
import { unlessDatabaseDown, type PublishedKeys, type VerificationContext } from '../context.ts';
import { createStatusListCache, type VerifiedStatusList } from '../status-list-cache.ts';
import { check, skipUnless, type Fragment } from './fragment.ts';
import { trustedListKey } from './signature.ts';

type PurposeState = { purpose: StatusPurpose; state: 'set' | 'clear' } | { purpose: StatusPurpose; state: 'unknown'; reason: string };

export const status: Fragment = {
  id: 'status',
  skip: skipUnless('trust', 'status'),
  async verify(ctx) {
    const payload = ctx.token().parts!.payload;
    const keys = (await ctx.keys())!;
    const entries = Array.isArray(payload.credentialStatus) ? payload.credentialStatus : [payload.credentialStatus];
    const states = await Promise.all((['revocation', 'suspension'] as const).map((purpose) => purposeState(purpose, entries, keys, ctx)));
    const details = { lists: states };
    const of = (purpose: StatusPurpose) => states.find((s) => s.purpose === purpose)!;
    if (of('revocation').state === 'set') return check('status', 'failed', 'STATUS_REVOKED', details);
    if (of('suspension').state === 'set') return check('status', 'failed', 'STATUS_SUSPENDED', details);
    if (states.some((s) => s.state === 'unknown')) return check('status', 'failed', 'STATUS_UNKNOWN', details);
    return check('status', 'passed', 'STATUS_VALID', details);
  },
};

async function purposeState(purpose: StatusPurpose, entries: unknown[], keys: PublishedKeys, ctx: VerificationContext): Promise<PurposeState> {
  const unknown = (reason: string): PurposeState => ({ purpose, state: 'unknown', reason });
  const matching = entries.filter(
    (e): e is Record<string, unknown> =>
      typeof e === 'object' && e !== null && (e as Record<string, unknown>).type === 'BitstringStatusListEntry' && (e as Record<string, unknown>).statusPurpose === purpose,
  );
  if (matching.length !== 1) return unknown(matching.length ? 'several entries' : 'no entry');
  const entry = matching[0]!;
  const url = entry.statusListCredential;
  const indexText = entry.statusListIndex;
  if (typeof url !== 'string' || typeof indexText !== 'string' || !/^\d{1,10}$/.test(indexText)) return unknown('malformed entry');
  const index = Number(indexText);

  const { sources } = ctx;
  const listJwt = await sources.statusList(url).then((jwt) => jwt, unlessDatabaseDown);
  if (typeof listJwt !== 'string') return unknown('list unreachable');

  let verified: VerifiedStatusList;
  try {
    const opts = { now: ctx.now, skewSeconds: ctx.skewSeconds, ed25519: ctx.ed25519 };
    verified = await (sources.statusListCache ?? createStatusListCache(1)).verify(listJwt, (kid) => trustedListKey(keys, kid), opts);
  } catch {
    return unknown('list signature');
  }
  const list = verified.credential;
  const type = list.type;
  const subject = list.credentialSubject as Record<string, unknown> | undefined;
  if (
    !Array.isArray(type) ||
    !type.includes('BitstringStatusListCredential') ||
    list.issuer !== sources.expectedIssuerDid ||
    list.id !== url ||
    typeof subject !== 'object' ||
    subject === null ||
    subject.statusPurpose !== purpose
  ) {
    return unknown('list does not match the entry');
  }
  try {
    const bits = await verified.bitstring();
    return { purpose, state: bits.get(index) ? 'set' : 'clear' };
  } catch {
    return unknown('list unreadable or index out of range');
  }
}
