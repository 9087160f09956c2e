// The verifier behind every entrance (API and /v page alike): one pipeline, the same rate limits,
// the same "who looked" record. Entrances differ only in how they receive input and show results.
import type { AppDeps } from '../deps.ts';
import type { Clock } from '../clock.ts';
import { AppError } from '../errors.ts';
import { createRateLimiter, type RateLimiter } from '../http/rate-limit.ts';
import { constantTimeEqual, sha256Hex } from '../lib/bytes.ts';
import { parseExtractNumber } from '../extracts/extract-number.ts';
import type { StatusListPublisher } from '../extracts/status-publisher.ts';
import { verifyCredential, type VerificationResult } from '../verification/pipeline.ts';
import { verifyPdfUpload } from '../verification/pdf-upload.ts';
import { findExtractByNumber, recordVerification, registerSources } from './sources.ts';
import { findExtractDocument } from './document-hash.ts';

/** every attempt on the number + letters entrance counts against its client */
export const LETTERS_LIMIT_PER_CLIENT = { limit: 30, windowMs: 10 * 60_000 };
/**
 * only failed attempts (unknown number or wrong letters: the one 404) count against the number,
 * so an employer's repeated checks, or anyone who knows the number, cannot lock it for its holder
 */
export const LETTERS_LIMIT_PER_NUMBER = { limit: 10, windowMs: 60 * 60_000 };
/** a PDF costs milliseconds to parse and may be held for a report: uploads are limited per client */
export const UPLOAD_LIMIT_PER_CLIENT = { limit: 60, windowMs: 10 * 60_000 };
export const REPORT_LIMIT_PER_CLIENT = { limit: 10, windowMs: 60 * 60_000 };

export type ExtractLookup = { number: string; secret: string } | { number: string; letters: string };

export interface ExtractVerification {
  result: VerificationResult;
  extractId: string;
  entrance: 'qr' | 'number';
}

const uploadUnavailable = () =>
  new AppError({ code: 'UPLOAD_UNAVAILABLE', status: 503, title: 'PDF check unavailable', detail: 'This server cannot check PDF seals. Verify with the QR code or the extract number instead.' });

export const extractNotFound = () =>
  new AppError({ code: 'EXTRACT_NOT_FOUND', status: 404, title: 'Extract not found', detail: 'No extract has this number and secret. Check the number, or scan the QR code again.' });

const tooMany = (retryAfterSeconds: number) =>
  new AppError({
    code: 'TOO_MANY_ATTEMPTS',
    status: 429,
    title: 'Too many attempts',
    detail: `Try again in ${Math.ceil(retryAfterSeconds / 60)} minutes, or scan the QR code on the extract.`,
    headers: { 'Retry-After': String(retryAfterSeconds) },
  });

/** Folds case and accents: "Øverby" and "overby" start alike. */
function fold(s: string): string {
  return s.normalize('NFD').replace(/\p{M}/gu, '').replace(/ø/gi, 'o').replace(/ł/gi, 'l').replace(/[^\p{L}]/gu, '').toLowerCase();
}

function lettersMatch(letters: string, holder: { prefix: string | null; familyName: string }): boolean {
  const given = fold(letters);
  if (given.length !== 2) return false;
  const candidates = [fold(holder.familyName).slice(0, 2), fold(`${holder.prefix ?? ''}${holder.familyName}`).slice(0, 2)];
  return candidates.some((c) => c.length === 2 && constantTimeEqual(c, given));
}

/** One attempt counted against `key`, or TOO_MANY_ATTEMPTS (429) past the limit. */
function take(limiter: RateLimiter, key: string): { refund(): void } {
  const taken = limiter.take(key);
  if (!taken.ok) throw tooMany(taken.retryAfterSeconds);
  return taken;
}

const verifyOptions = (deps: AppDeps) => ({ now: deps.clock.now(), ...(deps.ed25519 ? { ed25519: deps.ed25519 } : {}) });

export function createVerifier(publisher: StatusListPublisher, clock: Clock) {
  // limits live as long as this app instance
  const perClient = createRateLimiter({ ...LETTERS_LIMIT_PER_CLIENT, clock });
  const perNumber = createRateLimiter({ ...LETTERS_LIMIT_PER_NUMBER, clock });
  const uploads = createRateLimiter({ ...UPLOAD_LIMIT_PER_CLIENT, clock });
  const reports = createRateLimiter({ ...REPORT_LIMIT_PER_CLIENT, clock });

  return {
    publisher,

    /** The VC-API entrance. A credential our key signed is recorded for its holder's "who looked". */
    async credential(deps: AppDeps, jwt: string): Promise<VerificationResult> {
      const sources = registerSources(deps, publisher);
      let extractId: string | undefined;
      // the pipeline asks the register only after our key's signature verified: no forgery lands in the list
      const register: typeof sources.register = async (credentialId) => {
        const entry = await sources.register(credentialId);
        extractId = entry?.extractId;
        return entry;
      };
      const result = await verifyCredential(jwt, { ...sources, register }, verifyOptions(deps));
      if (extractId) await recordVerification(deps, extractId, 'api');
      return result;
    },

    /**
     * The QR entrance (number + secret) and the typed one (number + two letters of the surname).
     * An unknown number, a wrong secret and wrong letters are one and the same 404, after the same work.
     */
    async extract(deps: AppDeps, input: ExtractLookup, client: string): Promise<ExtractVerification> {
      const canonical = parseExtractNumber(input.number);
      let refundNumber: (() => void) | undefined;
      if ('letters' in input) {
        // guessing numbers or letters is throttled per client and per number alike
        take(perClient, client);
        // The number's attempt is counted now and given back once the letters prove right: a
        // number that exists and one that does not are counted alike until then, so the 429 says
        // nothing about existence, and concurrent guesses cannot all slip in before one counts.
        refundNumber = take(perNumber, canonical ?? input.number).refund;
      }
      const row = canonical ? await findExtractByNumber(deps, canonical) : undefined;
      const matches = 'secret' in input
        ? constantTimeEqual(await sha256Hex(input.secret), row?.secretHash ?? '0'.repeat(64))
        : lettersMatch(input.letters, row ?? { prefix: null, familyName: '' });
      if (!row || !matches || !row.jwt) throw extractNotFound();
      refundNumber?.();
      const entrance = 'secret' in input ? 'qr' : 'number';
      const result = await verifyCredential(row.jwt, registerSources(deps, publisher), verifyOptions(deps));
      await recordVerification(deps, row.id, entrance);
      return { result, extractId: row.id, entrance };
    },

    /** The PDF entrance: the same checks, plus the seal and the binding of file and credential. */
    async upload(deps: AppDeps, bytes: Uint8Array, client: string): Promise<{ result: VerificationResult; sha256: string; extractId?: string }> {
      take(uploads, client);
      // the seal certificate is public, but this process only knows it when it can seal itself
      if (!deps.documents) throw uploadUnavailable();
      let document: Awaited<ReturnType<typeof findExtractDocument>>;
      const result = await verifyPdfUpload(bytes, registerSources(deps, publisher), {
        ...verifyOptions(deps),
        // the current seal certificate and, after a renewal, the earlier ones (SEAL_PREVIOUS_CERTS)
        sealTrust: { certificates: [deps.documents.seal.certificateDer, ...(deps.documents.previousSealCertificates ?? [])] },
        documentHash: async (credentialId) => (document = await findExtractDocument(deps.db, credentialId))?.pdfSha256,
      });
      // "who looked" only for a credential our key signed (credentialId is set only then)
      const extractId = result.credentialId ? document?.extractId : undefined;
      if (extractId) await recordVerification(deps, extractId, 'upload');
      const { sha256, credentialId: _credentialId, ...verification } = result;
      return { result: verification, sha256, ...(extractId ? { extractId } : {}) };
    },

    /** "Report suspected forgery" is limited per client; throws TOO_MANY_ATTEMPTS (429) past it. */
    takeReport(client: string): void {
      take(reports, client);
    },
  };
}

export type Verifier = ReturnType<typeof createVerifier>;
