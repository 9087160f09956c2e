// "Report suspected forgery": a result page holds what was checked for an hour under a random
// token (stored hashed); the reporter's form names the token, and the report copies the held
// checks, file hash and (for a suspicious upload) the file, so nothing has to be uploaded twice.
import { and, eq, gt, lt } from 'drizzle-orm';
import { forgeryReports, verificationResults } from '../../db/schema.ts';
import type { Database } from '../database.ts';
import { randomToken, sha256Hex } from '../lib/bytes.ts';
import type { VerificationResult } from '../verification/pipeline.ts';
import { recordAudit } from '../audit/audit.ts';
import { CROCKFORD_ALPHABET } from '../extracts/extract-number.ts';

export const HOLD_MINUTES = 60;
export const MAX_REPORT_MESSAGE = 4000;

export interface HeldVerification {
  entrance: 'qr' | 'number' | 'upload' | 'api';
  result: VerificationResult;
  extractId?: string;
  fileSha256?: string;
  /** the uploaded file; kept only when the verdict is not authentic */
  file?: Uint8Array;
}

/** Holds a shown result for reporting; returns the token the page's report form carries. */
export async function holdVerification(db: Database, held: HeldVerification, now: Date): Promise<string> {
  const token = randomToken(24);
  const credentialId = typeof held.result.credential?.id === 'string' ? held.result.credential.id : null;
  await db.delete(verificationResults).where(lt(verificationResults.expiresAt, now));
  await db.insert(verificationResults).values({
    tokenHash: await sha256Hex(token),
    entrance: held.entrance,
    verdict: held.result.verdict,
    checks: held.result.checks.map(({ id, status, code, details }) => ({ id, status, code, ...(details ? { details } : {}) })),
    extractId: held.extractId ?? null,
    credentialId,
    fileSha256: held.fileSha256 ?? null,
    file: held.file && held.result.verdict !== 'authentic' ? held.file : null,
    createdAt: now,
    expiresAt: new Date(now.getTime() + HOLD_MINUTES * 60_000),
  });
  return token;
}

// reference: "MR-" and 8 Crockford symbols, grouped, e.g. MR-7KQ2-9XHD (40 random bits; unique index)
function newReference(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(8));
  const s = [...bytes].map((b) => CROCKFORD_ALPHABET[b & 31]).join('');
  return `MR-${s.slice(0, 4)}-${s.slice(4)}`;
}

export type FileReportOutcome = { ok: true; reference: string } | { ok: false; reason: 'expired' };

/** Files a report from a held result; the held result is used up. */
export async function fileForgeryReport(
  db: Database,
  input: { token: string; message: string; contact?: string; lang: 'nl' | 'en' },
  now: Date,
  requestId?: string,
): Promise<FileReportOutcome> {
  const tokenHash = await sha256Hex(input.token);
  return db.transaction(async (tx) => {
    const [held] = await tx
      .delete(verificationResults)
      .where(and(eq(verificationResults.tokenHash, tokenHash), gt(verificationResults.expiresAt, now)))
      .returning();
    if (!held) return { ok: false, reason: 'expired' } as const;
    const reference = newReference();
    const [report] = await tx
      .insert(forgeryReports)
      .values({
        reference,
        receivedAt: now,
        entrance: held.entrance,
        verdict: held.verdict,
        checks: held.checks,
        extractId: held.extractId,
        credentialId: held.credentialId,
        fileSha256: held.fileSha256,
        file: held.file,
        message: input.message,
        contact: input.contact ?? null,
        lang: input.lang,
      })
      .returning({ id: forgeryReports.id });
    await recordAudit(tx, {
      actor: 'public',
      action: 'forgery_report.received',
      subjectType: 'forgery_report',
      subjectId: report!.id,
      data: { reference, entrance: held.entrance, verdict: held.verdict, hasFile: held.file !== null },
      ...(requestId ? { requestId } : {}),
      at: now,
    });
    return { ok: true, reference } as const;
  });
}
