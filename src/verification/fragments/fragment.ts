// A fragment is one check of a verification (in the manner of oa-verify's verifiers): `skip` says
// when an earlier finding makes it moot, `verify` does the check; either gives one Check. An
// entrance runs an ordered list of fragments (pipeline.ts, pdf-upload.ts); adding a check is
// adding a fragment to a list. The verdict is derived from the checks alone (checks.ts).
import type { Check, CheckCode, CheckId, CheckStatus } from '../checks.ts';
import type { VerificationContext } from '../context.ts';
import { CHECK_MESSAGES } from '../messages.ts';

/** A check's id, or `seal`: the PDF's seal is a second `signature` check. */
export type FragmentId = CheckId | 'seal';

export interface Fragment {
  id: FragmentId;
  /** the skipped Check, when an earlier finding makes this one moot */
  skip?(ctx: VerificationContext): Promise<Check | undefined>;
  verify(ctx: VerificationContext): Check | Promise<Check>;
}

/**
 * Runs the fragments; the checks come back in list order. Each starts at once and waits only for
 * the checks it reads (ctx.check), so independent lookups (status lists, the register entry, the
 * document hash) run side by side. A rejection (the register's database is down) rejects the
 * whole verification.
 */
export function runFragments(fragments: readonly Fragment[], ctx: VerificationContext): Promise<Check[]> {
  // started on the next microtask: every fragment is listed before any of them asks for a check
  const started = Promise.resolve(ctx);
  for (const fragment of fragments) ctx.checks.set(fragment.id, started.then(run.bind(undefined, fragment)));
  return Promise.all(ctx.checks.values());
}

async function run(fragment: Fragment, ctx: VerificationContext): Promise<Check> {
  return (fragment.skip && (await fragment.skip(ctx))) || fragment.verify(ctx);
}

export function check(id: CheckId, status: CheckStatus, code: CheckCode, details?: Record<string, unknown>): Check {
  return { id, status, code, message: CHECK_MESSAGES[code], ...(details ? { details } : {}) };
}

// ---------------------------------------------------------------------------------------------
// Gates: a fragment that needs the credential well-formed (afterFormat), its signature good
// (afterSignature), or our key and our issuer behind it (afterTrust) is skipped, with the reason
// of the first of those that did not hold.

export type Gate = 'format' | 'signature' | 'trust';

async function skipCode(ctx: VerificationContext, upTo: Gate): Promise<CheckCode | undefined> {
  if ((await ctx.check('format')).status === 'failed') return skipAfterFormat(ctx);
  if (upTo === 'format') return undefined;
  const signature = await ctx.check('signature');
  if (signature.status === 'failed') return 'SKIPPED_SIGNATURE_INVALID';
  if (upTo === 'signature') return undefined;
  const issuer = await ctx.check('issuer');
  if (issuer.code === 'KEYS_UNAVAILABLE') return 'SKIPPED_KEYS_UNAVAILABLE';
  if (issuer.code === 'KEY_UNKNOWN') return 'SKIPPED_KEY_UNKNOWN';
  if (issuer.status === 'failed' || signature.status !== 'passed') return 'SKIPPED_ISSUER_NOT_TRUSTED';
  return undefined;
}

/** Without a readable file or credential in it there is no credential to check. */
function skipAfterFormat(ctx: VerificationContext): CheckCode {
  const pdf = ctx.pdf?.inspection;
  if (pdf?.kind === 'not-pdf') return 'SKIPPED_PDF_INVALID';
  if (pdf && pdf.credential.outcome !== 'found') return 'SKIPPED_PDF_NO_CREDENTIAL';
  return 'SKIPPED_FORMAT_INVALID';
}

/** Each gate is worked out once a verification: four fragments wait for `trust`. */
function passes(ctx: VerificationContext, upTo: Gate): Promise<CheckCode | undefined> {
  let code = ctx.gates.get(upTo);
  if (!code) ctx.gates.set(upTo, (code = skipCode(ctx, upTo)));
  return code;
}

export function skipUnless(upTo: Gate, id: CheckId): NonNullable<Fragment['skip']> {
  return async (ctx) => {
    const code = await passes(ctx, upTo);
    return code ? check(id, 'skipped', code) : undefined;
  };
}

/** Whether the credential is ours: well-formed, its signature good, by our key and our issuer. */
export async function isTrusted(ctx: VerificationContext): Promise<boolean> {
  return (await passes(ctx, 'trust')) === undefined;
}
