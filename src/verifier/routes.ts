// The verifier's API: POST /credentials/verify (VC-API shape: the vc+jwt or its enveloped form) and
// POST /api/v1/verify (the PDF, or the number with the QR secret or two letters of the surname).
// Both run the one pipeline and answer the same checks; the /v pages use the same verifier.
// /credentials/verify answers 200 only for a credential that verifies and 400 otherwise, as the
// VC-API test suites expect; /api/v1/verify, our own, answers every verdict with 200.
import { createRoute, z } from '@hono/zod-openapi';
import { AppError } from '../errors.ts';
import { PROBLEM_JSON, problemBody } from '../http/problem.ts';
import { problemSchema } from '../feed/schemas.ts';
import { clientAddress } from '../http/rate-limit.ts';
import { createRouter, problemResponses } from '../http/router.ts';
import { requireMediaType } from '../http/middleware.ts';
import { MAX_CREDENTIAL_JWT_LENGTH, type VerificationResult } from '../verification/pipeline.ts';
import { VERDICT_LABELS } from '../verification/checks.ts';
import type { ExtractLookup, Verifier } from './verifier-service.ts';

const ENVELOPE_PREFIX = 'data:application/vc+jwt,';
export const API_VERIFY_PATH = '/api/v1/verify';

const localized = z
  .object({ nl: z.string().optional(), en: z.string().optional() })
  .openapi({ description: 'the text in the language asked for (`lang`, else Accept-Language, else Dutch); both with `lang=all`' });

/** `lang`: one language (else Accept-Language, else Dutch) or `all`; `include=credential` echoes the verified credential. */
const answerQuery = z.object({
  lang: z.enum(['nl', 'en', 'all']).optional().openapi({ description: 'language of `verdictLabel` and the checks’ `message`: `nl`, `en` or `all` (both). Default: the first of nl and en in Accept-Language, else `nl`.' }),
  include: z.literal('credential').optional().openapi({ description: '`credential`: also answer the verified credential (only when its signature is ours)' }),
});

type AnswerLang = 'nl' | 'en' | 'all';

/** The language of the answer: `?lang=`, else the first of nl and en by Accept-Language weight, else Dutch. */
export function answerLang(query: string | undefined, acceptLanguage: string | undefined): AnswerLang {
  if (query === 'nl' || query === 'en' || query === 'all') return query;
  if (!acceptLanguage) return 'nl';
  let best: 'nl' | 'en' = 'nl';
  let bestQ = 0;
  for (const part of acceptLanguage.split(',')) {
    const [tag = '', ...params] = part.trim().toLowerCase().split(';');
    const lang = tag.slice(0, 2);
    if ((lang !== 'nl' && lang !== 'en') || (tag.length > 2 && tag[2] !== '-')) continue;
    const qParam = params.find((p) => p.trim().startsWith('q='));
    const q = qParam ? Number(qParam.trim().slice(2)) : 1;
    if (q > bestQ) [best, bestQ] = [lang, q];
  }
  return best;
}

const inLang = (text: { nl: string; en: string }, lang: AnswerLang) => (lang === 'all' ? text : lang === 'nl' ? { nl: text.nl } : { en: text.en });

const resultSchema = z
  .object({
    verified: z.boolean().openapi({ description: 'true only for the verdict `authentic`' }),
    verdict: z.enum(['authentic', 'revoked', 'superseded', 'suspended', 'not_authentic', 'unreadable', 'unknown']).openapi({
      description: '`unreadable`: an upload that is no extract to check (not a PDF, damaged, or a PDF without credential and seal) — never called not authentic',
    }),
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
    credential: z.record(z.string(), z.unknown()).optional().openapi({ description: 'the verified credential: only with `include=credential` (or, for /credentials/verify, `options.include: ["credential"]`) and only when its signature is ours' }),
    file: z.object({ sha256: z.string() }).optional().openapi({ description: 'uploads only: the SHA-256 (hex) of the file as received' }),
  })
  .openapi('VerificationResult');

export const NOT_VERIFIED_CODE = 'CREDENTIAL_NOT_VERIFIED';

const notVerifiedSchema = resultSchema
  .extend({
    type: z.string(),
    title: z.string(),
    status: z.literal(400),
    code: z.literal(NOT_VERIFIED_CODE),
    detail: z.string(),
    instance: z.string().optional(),
    requestId: z.string(),
  })
  .openapi('CredentialNotVerified', { description: 'RFC 9457 problem carrying the verdict and every check, as for 200' });

const credentialVerify = createRoute({
  method: 'post',
  path: '/credentials/verify',
  tags: ['Verification'],
  summary: 'Verify a diploma credential (VC-API)',
  description: `The \`vc+jwt\` as a string, or enveloped: \`{"type":"EnvelopedVerifiableCredential","id":"${ENVELOPE_PREFIX}<jwt>"}\`. Checks in order: format, signature, issuer, status (fails closed), validity (±5 min), register. Limited per client (\`VERIFY_RATE_LIMIT\` a minute, default 300; 429 with Retry-After); one client's repeated checks of one credential within 10 minutes are one line in the holder's "who looked". Open to other sites (CORS, no credentials).`,
  middleware: [requireMediaType('application/json')] as const,
  request: {
    query: answerQuery,
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
              options: z
                .object({ include: z.array(z.string()).max(8).optional().openapi({ description: '`["credential"]`: as `include=credential`' }) })
                .loose()
                .optional(),
            })
            .openapi('VerifyCredentialRequest'),
        },
      },
    },
  },
  responses: {
    200: { description: 'Verified (`verdict` authentic): the verdict and every check', content: { 'application/json': { schema: resultSchema } } },
    ...problemResponses(413, 415, 422, 429),
    400: {
      description: `Not verified (any verdict but authentic): problem+json with code \`${NOT_VERIFIED_CODE}\` and the same verdict and checks as a 200. Also a body that is no JSON (\`MALFORMED_JSON\`, a plain problem).`,
      content: { 'application/problem+json': { schema: z.union([notVerifiedSchema, problemSchema]) } },
    },
  },
});

const uploadSchema = z
  .object({
    file: z
      .custom<File>((v) => v instanceof File, { message: 'a PDF file in the part named "file"' })
      .openapi({ type: 'string', format: 'binary', description: 'the extract PDF, at most 5 MB' }),
  })
  .openapi('VerifyUploadRequest');

const extractVerify = createRoute({
  method: 'post',
  path: API_VERIFY_PATH,
  tags: ['Verification'],
  summary: 'Verify an extract: its PDF, its number and QR secret, or its number and two letters of the surname',
  description:
    'Three ways in, one pipeline and the same checks. **PDF** (multipart, part `file`, ≤ 5 MB): also checks the PDF seal and that the attached `credential.jwt` belongs to this very document (`binding`). **QR**: the code holds `/v/<number>#<secret>`; the page sends both. **Typed**: the number with the first two letters of the holder’s surname (with or without tussenvoegsel; case and accents do not matter). An unknown number, a wrong secret and wrong letters all get the same 404. The letters entrance is rate limited per client (every attempt, 200 per 10 minutes), per client and number (after 5 misses a lock of 30 s, doubling up to 5 minutes) and per extract number (100 misses an hour from all clients; correct checks never count); the QR and PDF entrances per client (VERIFY_RATE_LIMIT a minute; 60 uploads per 10 minutes). 429 with Retry-After, `retryAfterSeconds` and a Dutch and English `message`.',
  middleware: [requireMediaType('application/json', 'multipart/form-data')] as const,
  request: {
    query: answerQuery,
    body: {
      // required per media type: the JSON body is validated when JSON is sent, the form when a form is
      required: false,
      content: {
        'application/json': {
          schema: z
            .union([
              z.object({ number: z.string().max(40), secret: z.string().max(64) }).strict(),
              z.object({ number: z.string().max(40), letters: z.string().max(8).openapi({ description: 'the first two letters of the holder’s surname', example: 'Be' }) }).strict(),
            ])
            .openapi('VerifyExtractRequest'),
        },
        'multipart/form-data': { schema: uploadSchema },
      },
    },
  },
  responses: { 200: { description: 'The verdict and every check', content: { 'application/json': { schema: resultSchema } } }, ...problemResponses(400, 404, 413, 415, 422, 429) },
});

const uploadTooLarge = (limit: number) =>
  new AppError('UPLOAD_TOO_LARGE', { detail: `The file is larger than ${limit} bytes. A genuine extract is much smaller; send the original PDF.` });

const isMultipart = (contentType: string | undefined) => /^multipart\/form-data/i.test(contentType ?? '');

interface AnswerOptions {
  lang: AnswerLang;
  withCredential: boolean;
}

function toBody(result: VerificationResult, { lang, withCredential }: AnswerOptions) {
  const checks = lang === 'all' ? result.checks : result.checks.map((check) => ({ ...check, message: inLang(check.message, lang) }));
  return { verified: result.verdict === 'authentic', verdict: result.verdict, verdictLabel: inLang(VERDICT_LABELS[result.verdict], lang), checks, ...(result.credential && withCredential ? { credential: result.credential } : {}) };
}

/** What the answer holds: `?lang=` / Accept-Language, and the credential only when asked for. */
function answerOptions(c: { req: { query(name: string): string | undefined; header(name: string): string | undefined } }, bodyInclude?: string[]): AnswerOptions {
  return {
    lang: answerLang(c.req.query('lang'), c.req.header('accept-language')),
    withCredential: c.req.query('include') === 'credential' || (bodyInclude?.includes('credential') ?? false),
  };
}

/** The answer depends on Accept-Language unless `lang` says otherwise. */
function languageHeaders(lang: AnswerLang): Record<string, string> {
  return lang === 'all' ? { Vary: 'Accept-Language' } : { 'Content-Language': lang, Vary: 'Accept-Language' };
}

/** VC-API: a credential that does not verify is a 400, whose problem document carries the same verdict and checks. */
function notVerifiedBody(result: VerificationResult, options: AnswerOptions, baseUrl: string, requestId: string, instance: string) {
  const error = new AppError(NOT_VERIFIED_CODE, {
    detail: `Verdict: ${VERDICT_LABELS[result.verdict].en}. The checks say which failed and why.`,
    extra: toBody(result, options),
  });
  return problemBody(error, baseUrl, requestId, instance) as z.infer<typeof notVerifiedSchema>;
}

export function verifierRoutes(verifier: Verifier) {
  const router = createRouter();

  router.openapi(credentialVerify, async (c) => {
    const { verifiableCredential: input, options: requested } = c.req.valid('json');
    const options = answerOptions(c, requested?.include);
    const jwt = typeof input === 'string' ? input : input.id.slice(ENVELOPE_PREFIX.length);
    const deps = c.get('deps');
    const result = await verifier.credential(deps, jwt, clientAddress(c.req.raw, c.env, deps.config.trustedClientIpHeader));
    if (result.verdict !== 'authentic') {
      const body = notVerifiedBody(result, options, deps.config.publicBaseUrl, c.get('requestId') ?? 'unknown', c.req.path);
      return c.json(body, 400, { 'Content-Type': PROBLEM_JSON, 'Cache-Control': 'no-store', ...languageHeaders(options.lang) });
    }
    return c.json(toBody(result, options), 200, languageHeaders(options.lang));
  });

  router.openapi(extractVerify, async (c) => {
    const deps = c.get('deps');
    const options = answerOptions(c);
    if (isMultipart(c.req.header('content-type'))) {
      const { file } = c.req.valid('form') as { file: File };
      if (file.size > deps.config.uploadLimit) throw uploadTooLarge(deps.config.uploadLimit);
      const { result, sha256 } = await verifier.upload(deps, new Uint8Array(await file.arrayBuffer()), clientAddress(c.req.raw, c.env, c.get('deps').config.trustedClientIpHeader));
      return c.json({ ...toBody(result, options), file: { sha256 } }, 200, languageHeaders(options.lang));
    }
    const { result } = await verifier.extract(deps, c.req.valid('json') as ExtractLookup, clientAddress(c.req.raw, c.env, c.get('deps').config.trustedClientIpHeader));
    // by number (and secret or letters) the register's own credential is shown only while it is in
    // force: after a withdrawal the holder consented to the number and the verdict, not their name
    return c.json(toBody(result, { ...options, withCredential: options.withCredential && result.verdict === 'authentic' }), 200, languageHeaders(options.lang));
  });

  return router;
}
