// The verifier's API: POST /credentials/verify (VC-API shape: the vc+jwt or its enveloped form) and
// POST /api/v1/verify (the PDF, or the number with the QR secret or two letters of the surname).
// Both run the one pipeline and answer the same checks; the /v pages use the same verifier.
import { createRoute, z } from '@hono/zod-openapi';
import { AppError } from '../errors.ts';
import { clientAddress } from '../http/rate-limit.ts';
import { createRouter, problemResponses } from '../http/router.ts';
import { requireMediaType } from '../http/middleware.ts';
import { MAX_CREDENTIAL_JWT_LENGTH, type VerificationResult } from '../verification/pipeline.ts';
import { VERDICT_LABELS } from '../verification/checks.ts';
import type { ExtractLookup, Verifier } from './verifier-service.ts';

const ENVELOPE_PREFIX = 'data:application/vc+jwt,';
export const API_VERIFY_PATH = '/api/v1/verify';

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
    file: z.object({ sha256: z.string() }).optional().openapi({ description: 'uploads only: the SHA-256 (hex) of the file as received' }),
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
    'Three ways in, one pipeline and the same checks. **PDF** (multipart, part `file`, ≤ 5 MB): also checks the PDF seal and that the attached `credential.jwt` belongs to this very document (`binding`). **QR**: the code holds `/v/<number>#<secret>`; the page sends both. **Typed**: the number with the first two letters of the holder’s surname (with or without tussenvoegsel; case and accents do not matter). An unknown number, a wrong secret and wrong letters all get the same 404. The letters entrance is rate limited per client (every attempt) and per extract number (failed attempts only, so correct checks never lock a number); 429 with Retry-After.',
  middleware: [requireMediaType('application/json', 'multipart/form-data')] as const,
  request: {
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
  new AppError({ code: 'UPLOAD_TOO_LARGE', status: 413, title: 'File too large', detail: `The file is larger than ${limit} bytes. A genuine extract is much smaller; send the original PDF.` });

const isMultipart = (contentType: string | undefined) => /^multipart\/form-data/i.test(contentType ?? '');

function toBody(result: VerificationResult) {
  return { verified: result.verdict === 'authentic', verdict: result.verdict, verdictLabel: VERDICT_LABELS[result.verdict], checks: result.checks, ...(result.credential ? { credential: result.credential } : {}) };
}

export function verifierRoutes(verifier: Verifier) {
  const router = createRouter();

  router.openapi(credentialVerify, async (c) => {
    const input = c.req.valid('json').verifiableCredential;
    const jwt = typeof input === 'string' ? input : input.id.slice(ENVELOPE_PREFIX.length);
    return c.json(toBody(await verifier.credential(c.get('deps'), jwt)), 200);
  });

  router.openapi(extractVerify, async (c) => {
    const deps = c.get('deps');
    if (isMultipart(c.req.header('content-type'))) {
      const { file } = c.req.valid('form') as { file: File };
      if (file.size > deps.config.uploadLimit) throw uploadTooLarge(deps.config.uploadLimit);
      const { result, sha256 } = await verifier.upload(deps, new Uint8Array(await file.arrayBuffer()), clientAddress(c.req.raw, c.env, c.get('deps').config.trustedClientIpHeader));
      return c.json({ ...toBody(result), file: { sha256 } }, 200);
    }
    const { result } = await verifier.extract(deps, c.req.valid('json') as ExtractLookup, clientAddress(c.req.raw, c.env, c.get('deps').config.trustedClientIpHeader));
    return c.json(toBody(result), 200);
  });

  return router;
}
