// The verifier's API: POST /credentials/verify (VC-API shape: the vc+jwt or its enveloped form) and
// POST /api/v1/verify with the QR code's number + secret. Both run the one pipeline and answer the
// same checks. (The /v page, the number + letters entrance and PDF uploads come next.)
import { createRoute, z } from '@hono/zod-openapi';
import type { Clock } from '../clock.ts';
import { clientAddress, createRateLimiter } from '../http/rate-limit.ts';
import { AppError } from '../errors.ts';
import { createRouter, problemResponses } from '../http/router.ts';
import { requireMediaType } from '../http/middleware.ts';
import { constantTimeEqual, sha256Hex } from '../lib/bytes.ts';
import { parseExtractNumber } from '../extracts/extract-number.ts';
import type { StatusListPublisher } from '../extracts/status-publisher.ts';
import { verifyCredential, MAX_CREDENTIAL_JWT_LENGTH, type VerificationResult } from '../verification/pipeline.ts';
import { VERDICT_LABELS } from '../verification/checks.ts';
import { findExtractByNumber, recordVerification, registerSources } from './sources.ts';

const ENVELOPE_PREFIX = 'data:application/vc+jwt,';

const localized = z.object({ nl: z.string(), en: z.string() });
const resultSchema = z
  .object({
    verified: z.boolean().openapi({ description: 'true only for the verdict `authentic`' }),
    verdict: z.enum(['authentic', 'revoked', 'superseded', 'suspended', 'not_authentic', 'unknown']),
    verdictLabel: localized,
    checks: z.array(
      z.object({
        id: z.enum(['format', 'signature', 'issuer', 'status', 'validity', 'register', 'binding']),
        status: z.enum(['passed', 'failed', 'warning', 'skipped']),
        code: z.string(),
        message: localized,
        details: z.record(z.string(), z.unknown()).optional(),
      }),
    ),
    credential: z.record(z.string(), z.unknown()).optional().openapi({ description: 'the verified credential (only when its signature is ours)' }),
  })
  .openapi('VerificationResult');

const credentialVerify = createRoute({
  method: 'post',
  path: '/credentials/verify',
  tags: ['Verification'],
  summary: 'Verify a diploma credential (VC-API)',
  description: `The \`vc+jwt\` as a string, or enveloped: \`{"type":"EnvelopedVerifiableCredential","id":"${ENVELOPE_PREFIX}<jwt>"}\`. Checks in order: format, signature, issuer, status (fails closed), validity (±5 min), register.`,
  middleware: [requireMediaType('application/json')] as const,
  request: {
    body: {
      required: true,
      content: {
        'application/json': {
          schema: z
            .object({
              verifiableCredential: z.union([
                z.string().max(MAX_CREDENTIAL_JWT_LENGTH),
                z.object({ '@context': z.unknown().optional(), type: z.literal('EnvelopedVerifiableCredential'), id: z.string().startsWith(ENVELOPE_PREFIX).max(MAX_CREDENTIAL_JWT_LENGTH + ENVELOPE_PREFIX.length) }),
              ]),
              options: z.object({}).loose().optional(),
            })
            .openapi('VerifyCredentialRequest'),
        },
      },
    },
  },
  responses: { 200: { description: 'The verdict and every check', content: { 'application/json': { schema: resultSchema } } }, ...problemResponses(400, 415, 422) },
});

const qrVerify = createRoute({
  method: 'post',
  path: '/api/v1/verify',
  tags: ['Verification'],
  summary: 'Verify an extract by its number and the QR secret, or the number and two letters of the surname',
  description:
    'The QR code holds `/v/<number>#<secret>`; the page sends both here. Typed in, the number comes with the first two letters of the holder’s surname (with or without tussenvoegsel; case and accents do not matter). An unknown number, a wrong secret and wrong letters all get the same answer. The letters entrance is rate limited per client and per extract number (429 with Retry-After).',
  middleware: [requireMediaType('application/json')] as const,
  request: {
    body: {
      required: true,
      content: {
        'application/json': {
          schema: z
            .union([
              z.object({ number: z.string().max(40), secret: z.string().max(64) }).strict(),
              z.object({ number: z.string().max(40), letters: z.string().max(8).openapi({ description: 'the first two letters of the holder’s surname', example: 'Be' }) }).strict(),
            ])
            .openapi('VerifyExtractRequest'),
        },
      },
    },
  },
  responses: { 200: { description: 'The verdict and every check', content: { 'application/json': { schema: resultSchema } } }, ...problemResponses(404, 415, 422, 429) },
});

const notFound = () =>
  new AppError({ code: 'EXTRACT_NOT_FOUND', status: 404, title: 'Extract not found', detail: 'No extract has this number and secret. Check the number, or scan the QR code again.' });

function toBody(result: VerificationResult) {
  return { verified: result.verdict === 'authentic', verdict: result.verdict, verdictLabel: VERDICT_LABELS[result.verdict], checks: result.checks, ...(result.credential ? { credential: result.credential } : {}) };
}

export const LETTERS_LIMIT_PER_CLIENT = { limit: 30, windowMs: 10 * 60_000 };
export const LETTERS_LIMIT_PER_NUMBER = { limit: 10, windowMs: 60 * 60_000 };

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

export function verifierRoutes(publisher: StatusListPublisher, clock: Clock) {
  const router = createRouter();
  // limits live as long as this app instance
  const perClient = createRateLimiter({ ...LETTERS_LIMIT_PER_CLIENT, clock });
  const perNumber = createRateLimiter({ ...LETTERS_LIMIT_PER_NUMBER, clock });

  router.openapi(credentialVerify, async (c) => {
    const deps = c.get('deps');
    const input = c.req.valid('json').verifiableCredential;
    const jwt = typeof input === 'string' ? input : input.id.slice(ENVELOPE_PREFIX.length);
    const result = await verifyCredential(jwt, registerSources(deps, publisher), { now: deps.clock.now() });
    return c.json(toBody(result), 200);
  });

  router.openapi(qrVerify, async (c) => {
    const deps = c.get('deps');
    const body = c.req.valid('json');
    const canonical = parseExtractNumber(body.number);
    if ('letters' in body) {
      // guessing numbers or letters is throttled per client and per number alike
      for (const [limiter, key] of [[perClient, clientAddress(c.req.raw, c.env)], [perNumber, canonical ?? body.number]] as const) {
        const taken = limiter.take(key);
        if (!taken.ok) throw tooMany(taken.retryAfterSeconds);
      }
    }
    const row = canonical ? await findExtractByNumber(deps, canonical) : undefined;
    // the same work whether or not the number exists, so both refusals take the same time
    const matches = 'secret' in body
      ? constantTimeEqual(await sha256Hex(body.secret), row?.secretHash ?? '0'.repeat(64))
      : lettersMatch(body.letters, row ?? { prefix: null, familyName: '' });
    if (!row || !matches || !row.jwt) throw notFound();
    const result = await verifyCredential(row.jwt, registerSources(deps, publisher), { now: deps.clock.now() });
    await recordVerification(deps, row.id, 'secret' in body ? 'qr' : 'number');
    return c.json(toBody(result), 200);
  });

  return router;
}
