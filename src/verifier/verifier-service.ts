// The verifier behind every entrance (API and /v page alike): one pipeline, the same rate limits,
// the same "who looked" record. Entrances differ only in how they receive input and show results.
import type { AppDeps } from '../deps.ts';
import { AppError } from '../errors.ts';
import type { RateLimiter, RateLimiterFactory, Taken } from '../http/rate-limit.ts';
import { constantTimeEqual } from '../lib/bytes.ts';
import { secretSha256Hex } from './secret-hash.ts';
import { parseExtractNumber } from '../extracts/extract-number.ts';
import { verifyCredential, type VerificationResult } from '../verification/pipeline.ts';
import { verifyPdfUpload } from '../verification/pdf-upload.ts';
import { findExtractByNumber, recordVerification, registerSources, type Entrance, type SourceServices } from './sources.ts';
import { findExtractDocument } from './document-hash.ts';
import { waitText } from './wait-text.ts';
import { createHeldFiles } from './reports.ts';
import { printedSurname } from '../extracts/printed-name.ts';

/**
 * Every attempt on the number + letters entrance counts against its client: generous, since one
 * address can be a whole office (or a campus) behind one gateway.
 */
export const LETTERS_LIMIT_PER_CLIENT = { limit: 200, windowMs: 10 * 60_000 };
/**
 * Misses (unknown number or wrong letters: the one 404) by one client on one number: five are
 * free, then a short lock that doubles with each further miss, up to five minutes.
 */
export const LETTERS_BACKOFF = { freeMisses: 5, firstLockMs: 30_000, maxLockMs: 5 * 60_000, forgetMs: 60 * 60_000 };
/**
 * Misses on a number from all clients together: high, so that nobody can lock a number for its
 * holder's employers, and still far below what guessing letters for a known number would need
 * from many addresses. Correct checks never count here.
 */
export const LETTERS_LIMIT_PER_NUMBER = { limit: 100, windowMs: 60 * 60_000 };
/** a PDF costs milliseconds to parse: uploads are limited per client */
export const UPLOAD_LIMIT_PER_CLIENT = { limit: 60, windowMs: 10 * 60_000 };
export const REPORT_LIMIT_PER_CLIENT = { limit: 10, windowMs: 60 * 60_000 };
/** verifications through the VC-API and the QR entrance: config VERIFY_RATE_LIMIT per client and minute */
export const VERIFY_WINDOW_MS = 60_000;
/** repeated verifications of one extract by one client through one entrance within this window are one "who looked" line */
export const WHO_LOOKED_WINDOW_MS = 10 * 60_000;
const WHO_LOOKED_MEMORY = 50_000;

export type ExtractLookup = { number: string; secret: string } | { number: string; letters: string };

export interface ExtractVerification {
  result: VerificationResult;
  extractId: string;
  entrance: 'qr' | 'number';
}

const uploadUnavailable = () =>
  new AppError('UPLOAD_UNAVAILABLE', { detail: 'This server cannot check PDF seals. Verify with the QR code or the extract number instead.' });

export const extractNotFound = () =>
  new AppError('EXTRACT_NOT_FOUND', { detail: 'No extract matches this number with these letters or this QR code. Check the number and the first two letters of the surname, or scan the QR code again.' });

const tooMany = (retryAfterSeconds: number) =>
  new AppError('TOO_MANY_ATTEMPTS', {
    detail: `Too many attempts. Try again in ${waitText(retryAfterSeconds, 'en')}, or scan the QR code on the extract.`,
    extra: {
      retryAfterSeconds,
      message: {
        nl: `Te veel pogingen. Probeer het over ${waitText(retryAfterSeconds, 'nl')} opnieuw, of scan de QR-code op het uittreksel.`,
        en: `Too many attempts. Try again in ${waitText(retryAfterSeconds, 'en')}, or scan the QR code on the extract.`,
      },
    },
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
async function take(limiter: { take(key: string): Taken | Promise<Taken> }, key: string): Promise<{ refund(): unknown }> {
  const taken = await limiter.take(key);
  if (!taken.ok) throw tooMany(taken.retryAfterSeconds);
  return taken;
}

/**
 * Remembers which (client, extract, entrance) was recorded in "who looked" lately, so a client
 * that checks one extract again and again (a retrying integration, a flood) adds one line per
 * window. Bounded: the oldest are forgotten first, which at worst records a line twice.
 */
function createWhoLookedMemory() {
  const recorded = new Map<string, number>();
  return {
    /** true when this look is to be recorded (and remembers it) */
    firstLook(client: string, extractId: string, entrance: Entrance, now: number): boolean {
      const key = `${entrance} ${extractId} ${client}`;
      const at = recorded.get(key);
      if (at !== undefined && now - at < WHO_LOOKED_WINDOW_MS && now >= at) return false;
      recorded.delete(key);
      if (recorded.size >= WHO_LOOKED_MEMORY) recorded.delete(recorded.keys().next().value!);
      recorded.set(key, now);
      return true;
    },
  };
}

const verifyOptions = (deps: AppDeps) => ({ now: deps.clock.now(), ...(deps.ed25519 ? { ed25519: deps.ed25519 } : {}) });

export function createVerifier(services: SourceServices, limiter: RateLimiterFactory) {
  const { statusLists: publisher, reads } = services;
  // limits live as long as the app's services (once per process, or per isolate in Workers)
  const perClient = limiter('letters-client', LETTERS_LIMIT_PER_CLIENT);
  const perNumber = limiter('letters-number', LETTERS_LIMIT_PER_NUMBER);
  const uploads = limiter('uploads', UPLOAD_LIMIT_PER_CLIENT);
  const reports = limiter('reports', REPORT_LIMIT_PER_CLIENT);
  const perClientNumber = limiter('letters-client-number', LETTERS_BACKOFF);
  // built on first use: it needs the app's configuration
  let verifications: RateLimiter | undefined;
  const takeVerification = async (deps: AppDeps, client: string) => {
    if (deps.config.verifyRateLimit > 0) await take((verifications ??= limiter('verifications', { limit: deps.config.verifyRateLimit, windowMs: VERIFY_WINDOW_MS })), client);
  };
  const whoLooked = createWhoLookedMemory();
  /** one "who looked" line, unless this client looked at this extract through this entrance lately */
  const recordLook = (deps: AppDeps, client: string, extractId: string, entrance: Entrance) =>
    whoLooked.firstLook(client, extractId, entrance, deps.clock.now().getTime()) ? recordVerification(deps, reads, extractId, entrance) : undefined;

  return {
    publisher,
    /** suspicious uploads' files until a report is sent (reports.ts) */
    heldFiles: createHeldFiles(),

    /** The VC-API entrance. A credential our key signed is recorded for its holder's "who looked". */
    async credential(deps: AppDeps, jwt: string, client: string): Promise<VerificationResult> {
      await takeVerification(deps, client);
      const sources = registerSources(deps, services);
      let extractId: string | undefined;
      // the pipeline asks the register only after our key's signature verified: no forgery lands in the list
      const register: typeof sources.register = async (credentialId) => {
        const entry = await sources.register(credentialId);
        extractId = entry?.extractId;
        return entry;
      };
      const result = await verifyCredential(jwt, { ...sources, register }, verifyOptions(deps));
      if (extractId) await recordLook(deps, client, extractId, 'api');
      return result;
    },

    /**
     * The QR entrance (number + secret) and the typed one (number + two letters of the surname).
     * An unknown number, a wrong secret and wrong letters are one and the same 404, after the same work.
     */
    async extract(deps: AppDeps, input: ExtractLookup, client: string): Promise<ExtractVerification> {
      const canonical = parseExtractNumber(input.number);
      const refunds: Array<() => unknown> = [];
      if ('letters' in input) {
        // guessing numbers or letters is throttled per client, per client and number, and per number
        await take(perClient, client);
        // A miss is counted now and given back once the letters prove right: a number that exists
        // and one that does not are counted alike until then, so the 429 says nothing about
        // existence, and concurrent guesses cannot all slip in before one counts.
        const number = canonical ?? input.number;
        refunds.push((await take(perClientNumber, `${client} ${number}`)).refund);
        try {
          refunds.push((await take(perNumber, number)).refund);
        } catch (err) {
          // refused before any work: not a miss of this client's
          await refunds[0]!();
          throw err;
        }
      } else {
        await takeVerification(deps, client);
      }
      const row = canonical ? await findExtractByNumber(deps, reads, canonical) : undefined;
      const matches = 'secret' in input
        ? constantTimeEqual(secretSha256Hex(input.secret), row?.secretHash ?? '0'.repeat(64))
        : lettersMatch(input.letters, printedSurname(row?.jwt) ?? row ?? { prefix: null, familyName: '' }); // the name printed on that extract
      if (!row || !matches || !row.jwt) throw extractNotFound();
      for (const refund of refunds) await refund();
      const entrance = 'secret' in input ? 'qr' : 'number';
      const result = await verifyCredential(row.jwt, registerSources(deps, services), verifyOptions(deps));
      await recordLook(deps, client, row.id, entrance);
      return { result, extractId: row.id, entrance };
    },

    /** The PDF entrance: the same checks, plus the seal and the binding of file and credential. */
    async upload(deps: AppDeps, bytes: Uint8Array, client: string): Promise<{ result: VerificationResult; sha256: string; extractId?: string }> {
      await take(uploads, client);
      // the seal certificate is public, but this process only knows it when it can seal itself
      if (!deps.documents) throw uploadUnavailable();
      let document: Awaited<ReturnType<typeof findExtractDocument>>;
      const result = await verifyPdfUpload(bytes, registerSources(deps, services), {
        ...verifyOptions(deps),
        // the current seal certificate and, after a renewal, the earlier ones (SEAL_PREVIOUS_CERTS)
        sealTrust: { certificates: [deps.documents.seal.certificateDer, ...(deps.documents.previousSealCertificates ?? [])] },
        documentHash: async (credentialId) => (document = await findExtractDocument(deps.db, credentialId))?.pdfSha256,
      });
      // "who looked" only for a credential our key signed (credentialId is set only then)
      const extractId = result.credentialId ? document?.extractId : undefined;
      if (extractId) await recordLook(deps, client, extractId, 'upload');
      const { sha256, credentialId: _credentialId, ...verification } = result;
      return { result: verification, sha256, ...(extractId ? { extractId } : {}) };
    },

    /** "Report suspected forgery" is limited per client; throws TOO_MANY_ATTEMPTS (429) past it. */
    async takeReport(client: string): Promise<void> {
      await take(reports, client);
    },
  };
}

export type Verifier = ReturnType<typeof createVerifier>;
