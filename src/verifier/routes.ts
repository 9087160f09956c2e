// The verifier's API: POST /credentials/verify (VC-API shape: the vc+jwt or its enveloped form) and
// POST /api/v1/verify with the QR code's number + secret. Both run the one pipeline and answer the
// same checks. (The /v page, the number + letters entrance and PDF uploads come next.)
import { createRoute, z } from '@hono/zod-openapi';
import { eq } from 'drizzle-orm';
import { extracts, verificationEvents } from '../../db/schema.ts';
import { AppError } from '../errors.ts';
import { createRouter, problemResponses } from '../http/router.ts';
import { requireMediaType } from '../http/middleware.ts';
import { constantTimeEqual, sha256Hex } from '../lib/bytes.ts';
import { parseExtractNumber } from '../extracts/extract-number.ts';
import type { StatusListPublisher } from '../extracts/status-publisher.ts';
import { verifyCredential, MAX_CREDENTIAL_JWT_LENGTH, type VerificationResult } from '../verification/pipeline.ts';
import { VERDICT_LABELS } from '../verification/checks.ts';
import { registerSources } from './sources.ts';

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
  summary: 'Verify an extract by its number and the secret from its QR code',
  description: 'The QR code holds `/v/<number>#<secret>`; the page sends both here. An unknown number and a wrong secret get the same answer.',
  middleware: [requireMediaType('application/json')] as const,
  request: { body: { required: true, content: { 'application/json': { schema: z.object({ number: z.string().max(40), secret: z.string().max(64) }).openapi('VerifyExtractRequest') } } } },
  responses: { 200: { description: 'The verdict and every check', content: { 'application/json': { schema: resultSchema } } }, ...problemResponses(404, 415, 422) },
});

const notFound = () =>
  new AppError({ code: 'EXTRACT_NOT_FOUND', status: 404, title: 'Extract not found', detail: 'No extract has this number and secret. Check the number, or scan the QR code again.' });

function toBody(result: VerificationResult) {
  return { verified: result.verdict === 'authentic', verdict: result.verdict, verdictLabel: VERDICT_LABELS[result.verdict], checks: result.checks, ...(result.credential ? { credential: result.credential } : {}) };
}

export function verifierRoutes(publisher: StatusListPublisher) {
  const router = createRouter();

  router.openapi(credentialVerify, async (c) => {
    const deps = c.get('deps');
    const input = c.req.valid('json').verifiableCredential;
    const jwt = typeof input === 'string' ? input : input.id.slice(ENVELOPE_PREFIX.length);
    const result = await verifyCredential(jwt, registerSources(deps, publisher), { now: deps.clock.now() });
    return c.json(toBody(result), 200);
  });

  router.openapi(qrVerify, async (c) => {
    const deps = c.get('deps');
    const { number, secret } = c.req.valid('json');
    const canonical = parseExtractNumber(number);
    const [row] = canonical ? await deps.db.select({ id: extracts.id, secretHash: extracts.secretHash, jwt: extracts.credentialJwt }).from(extracts).where(eq(extracts.number, canonical)) : [];
    // hash even when nothing was found: the same work, so the same time, for both answers
    const presented = await sha256Hex(secret);
    if (!row || !constantTimeEqual(presented, row.secretHash) || !row.jwt) throw notFound();
    const result = await verifyCredential(row.jwt, registerSources(deps, publisher), { now: deps.clock.now() });
    await deps.db.insert(verificationEvents).values({ extractId: row.id, at: deps.clock.now(), entrance: 'qr' });
    return c.json(toBody(result), 200);
  });

  return router;
}
