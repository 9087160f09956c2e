// "Report suspected forgery": a result page holds what was checked for an hour under a random
// token (stored hashed); the reporter's form names the token, and the report copies the held
// checks, file hash and (for a suspicious upload) the file, so nothing has to be uploaded twice.
// The file itself is stored only with a report: until then it waits in this process's memory
// (uploads are checked only where the service seals, the Node process), within a cap per client
// and in total, so a flood of uploads stores nothing and holds a bounded amount.
import { and, eq, gt, lt } from 'drizzle-orm';
import { forgeryReports, verificationResults } from '../../db/schema.ts';
import type { Database } from '../database.ts';
import { randomToken, sha256Hex } from '../lib/bytes.ts';
import type { VerificationResult } from '../verification/pipeline.ts';
import { recordAudit } from '../audit/audit.ts';
import { CROCKFORD_ALPHABET } from '../extracts/extract-number.ts';

export const HOLD_MINUTES = 60;
/** suspicious uploads waiting for a report, in bytes: in total, and per client (three uploads at the largest) */
export const HELD_FILES_TOTAL_BYTES = 64 * 1024 * 1024;
export const HELD_FILES_PER_CLIENT_BYTES = 16 * 1024 * 1024;

interface HeldFile {
  file: Uint8Array;
  client: string;
  expiresAt: number;
}

/**
 * Files of suspicious uploads until a report is sent or the hold ends, by the result's token hash.
 * A file that would pass a cap is not held (the report then has the checks and the hash).
 */
export function createHeldFiles(limits: { totalBytes: number; perClientBytes: number } = { totalBytes: HELD_FILES_TOTAL_BYTES, perClientBytes: HELD_FILES_PER_CLIENT_BYTES }) {
  const files = new Map<string, HeldFile>();
  const perClient = new Map<string, number>();
  let total = 0;
  const drop = (tokenHash: string, held: HeldFile) => {
    files.delete(tokenHash);
    total -= held.file.byteLength;
    const left = (perClient.get(held.client) ?? 0) - held.file.byteLength;
    if (left > 0) perClient.set(held.client, left);
    else perClient.delete(held.client);
  };
  const dropExpired = (now: number) => {
    // in the order held: the first one not yet expired ends the sweep
    for (const [tokenHash, held] of files) {
      if (held.expiresAt > now) break;
      drop(tokenHash, held);
    }
  };
  return {
    /** holds the file; false when a cap does not allow it */
    hold(tokenHash: string, file: Uint8Array, client: string, now: Date): boolean {
      dropExpired(now.getTime());
      const size = file.byteLength;
      if (total + size > limits.totalBytes || (perClient.get(client) ?? 0) + size > limits.perClientBytes) return false;
      files.set(tokenHash, { file, client, expiresAt: now.getTime() + HOLD_MINUTES * 60_000 });
      perClient.set(client, (perClient.get(client) ?? 0) + size);
      total += size;
      return true;
    },
    /** the file held under this token, if any (still held: see release) */
    peek(tokenHash: string, now: Date): Uint8Array | undefined {
      const held = files.get(tokenHash);
      return held && held.expiresAt > now.getTime() ? held.file : undefined;
    },
    release(tokenHash: string): void {
      const held = files.get(tokenHash);
      if (held) drop(tokenHash, held);
    },
    /** bytes held in total */
    get heldBytes(): number {
      return total;
    },
  };
}

export type HeldFiles = ReturnType<typeof createHeldFiles>;
export const MAX_REPORT_MESSAGE = 4000;

export interface HeldVerification {
  entrance: 'qr' | 'number' | 'upload' | 'api';
  result: VerificationResult;
  extractId?: string;
  fileSha256?: string;
  /** the uploaded file; held (in memory, see createHeldFiles) only when the verdict is not authentic */
  file?: Uint8Array;
}

/** Where a suspicious upload's file waits for a report, and whose it is (for the per-client cap). */
export interface FileHolding {
  heldFiles: HeldFiles;
  client: string;
}

/** Holds a shown result for reporting; returns the token the page's report form carries. */
export async function holdVerification(db: Database, held: HeldVerification, now: Date, holding?: FileHolding): Promise<string> {
  const token = randomToken(24);
  const tokenHash = await sha256Hex(token);
  const credentialId = typeof held.result.credential?.id === 'string' ? held.result.credential.id : null;
  await db.delete(verificationResults).where(lt(verificationResults.expiresAt, now));
  await db.insert(verificationResults).values({
    tokenHash,
    entrance: held.entrance,
    verdict: held.result.verdict,
    checks: held.result.checks.map(({ id, status, code, details }) => ({ id, status, code, ...(details ? { details } : {}) })),
    extractId: held.extractId ?? null,
    credentialId,
    fileSha256: held.fileSha256 ?? null,
    // the file is stored only with a report
    file: null,
    createdAt: now,
    expiresAt: new Date(now.getTime() + HOLD_MINUTES * 60_000),
  });
  if (held.file && held.result.verdict !== 'authentic' && holding) holding.heldFiles.hold(tokenHash, held.file, holding.client, now);
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
  heldFiles?: HeldFiles,
): Promise<FileReportOutcome> {
  const tokenHash = await sha256Hex(input.token);
  const file = heldFiles?.peek(tokenHash, now) ?? null;
  const outcome = await db.transaction(async (tx) => {
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
        // held in memory since the upload (results held before files moved there: in the row)
        file: file ?? held.file,
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
      data: { reference, entrance: held.entrance, verdict: held.verdict, hasFile: (file ?? held.file) !== null },
      ...(requestId ? { requestId } : {}),
      at: now,
    });
    return { ok: true, reference } as const;
  });
  // the held result is used up: its file now lives in the report (or, expired, nowhere)
  heldFiles?.release(tokenHash);
  return outcome;
}
