// Institution feed: how schools, colleges and universities report to the register.
import { createRoute, z } from '@hono/zod-openapi';
import type { MiddlewareHandler } from 'hono';
import type { AppEnv } from '../deps.ts';
import { AppError, problems } from '../errors.ts';
import { createRouter, problemResponses } from '../http/router.ts';
import { requireMediaType } from '../http/middleware.ts';
import { problemBody, zodIssuesToFieldErrors } from '../http/problem.ts';
import { authenticateApiKey } from './api-keys.ts';
import { applyRecord, applyRecords, recordStatus } from './feed-service.ts';
import {
  bulkResultSchema,
  type FeedRecord,
  feedOutcomeSchema,
  feedRecordSchema,
  feedRecordStatusSchema,
  problemSchema,
  referenceSchema,
} from './schemas.ts';

export const BULK_MAX_RECORDS = 10_000;
export const BULK_PATH = '/api/v1/feed/records/bulk';

type FeedEnv = AppEnv & { Variables: AppEnv['Variables'] & { brin: string } };

const institutionAuth: MiddlewareHandler<FeedEnv> = async (c, next) => {
  c.set('brin', await authenticateApiKey(c.get('deps').db, c.req.header('authorization')));
  await next();
};

const security = [{ institutionApiKey: [] }];

const postRecord = createRoute({
  method: 'post',
  path: '/api/v1/feed/records',
  tags: ['Institution feed'],
  summary: 'Report one award, correction or annulment',
  description:
    'Idempotent on `reference`: sending the same record again answers 200 `unchanged`; a different record under a used reference is 409 `REFERENCE_CONFLICT`. A rejected record changes nothing.',
  security,
  middleware: [institutionAuth, requireMediaType('application/json')] as const,
  request: { body: { required: true, content: { 'application/json': { schema: feedRecordSchema } } } },
  responses: {
    201: { description: 'Applied', content: { 'application/json': { schema: feedOutcomeSchema } } },
    200: { description: 'Received before (unchanged)', content: { 'application/json': { schema: feedOutcomeSchema } } },
    ...problemResponses(400, 401, 403, 409, 413, 415, 422),
  },
});

const postBulk = createRoute({
  method: 'post',
  path: BULK_PATH,
  tags: ['Institution feed'],
  summary: `Report up to ${BULK_MAX_RECORDS.toLocaleString('en')} records as NDJSON`,
  description:
    'One JSON record per line (`application/x-ndjson`), applied in order (a later line may correct an earlier one), each on its own: a rejected line writes nothing and does not stop the others. All accepted lines are committed together. The answer has a result per line.',
  security,
  middleware: [institutionAuth, requireMediaType('application/x-ndjson', 'application/jsonl')] as const,
  request: { body: { required: true, content: { 'application/x-ndjson': { schema: z.string().openapi({ example: '{"type":"award",…}\n{"type":"annulment",…}\n' }) } } } },
  responses: {
    200: { description: 'Per-record results', content: { 'application/json': { schema: bulkResultSchema } } },
    ...problemResponses(401, 413, 415),
  },
});

const getRecord = createRoute({
  method: 'get',
  path: '/api/v1/feed/records/{reference}',
  tags: ['Institution feed'],
  summary: 'What became of a record you sent',
  security,
  middleware: [institutionAuth] as const,
  request: { params: z.object({ reference: referenceSchema }) },
  responses: {
    200: { description: 'The record and the current state of its diploma', content: { 'application/json': { schema: feedRecordStatusSchema } } },
    ...problemResponses(401, 404, 422),
  },
});

export function feedRoutes() {
  const router = createRouter<FeedEnv>();
  router.openAPIRegistry.register('Problem', problemSchema);
  router.openAPIRegistry.registerComponent('securitySchemes', 'institutionApiKey', {
    type: 'http',
    scheme: 'bearer',
    description: 'Institution API key (`drk_…`), issued per BRIN by the register.',
  });

  router.openapi(postRecord, async (c) => {
    const { db, clock, pseudonymSecret } = c.get('deps');
    const outcome = await applyRecord(db, { brin: c.get('brin'), pseudonymSecret, now: clock.now(), requestId: c.get('requestId') }, c.req.valid('json'));
    return c.json(outcome, outcome.status === 'created' ? 201 : 200);
  });

  router.openapi(getRecord, async (c) => {
    const brin = c.get('brin');
    const status = await recordStatus(c.get('deps').db, brin, c.req.valid('param').reference);
    if (!status) throw problems.notFound(`No record with this reference from ${brin}.`);
    return c.json(status, 200);
  });

  router.openapi(postBulk, async (c) => {
    const deps = c.get('deps');
    const brin = c.get('brin');
    const lines = (await c.req.text()).split('\n');
    const records = lines.map((text, i) => ({ line: i + 1, text: text.trim() })).filter((l) => l.text !== '');
    if (records.length > BULK_MAX_RECORDS) {
      throw new AppError({ code: 'BULK_TOO_MANY_RECORDS', status: 413, title: 'Too many records', detail: `Send at most ${BULK_MAX_RECORDS} records per request; this one has ${records.length}.` });
    }
    type LineResult = z.infer<typeof bulkResultSchema>['results'][number];
    const results: LineResult[] = [];
    const accepted: { slot: number; record: FeedRecord }[] = [];
    for (const { line, text } of records) {
      let json: unknown;
      try {
        json = JSON.parse(text);
      } catch {
        results.push({ line, status: 'rejected', problem: bare(problems.malformedJson(), deps.config.publicBaseUrl) });
        continue;
      }
      const reference = typeof (json as { reference?: unknown })?.reference === 'string' ? (json as { reference: string }).reference : undefined;
      const parsed = feedRecordSchema.safeParse(json);
      if (!parsed.success) {
        results.push({ line, reference, status: 'rejected', problem: bare(problems.validation(zodIssuesToFieldErrors(parsed.error.issues)), deps.config.publicBaseUrl) });
        continue;
      }
      accepted.push({ slot: results.length, record: parsed.data });
      results.push({ line, reference, status: 'rejected' }); // filled in below
    }
    const applied = await applyRecords(deps.db, { brin, pseudonymSecret: deps.pseudonymSecret, now: deps.clock.now(), requestId: c.get('requestId') }, accepted.map((a) => a.record));
    applied.forEach((result, i) => {
      const slot = results[accepted[i]!.slot]!;
      if (result.ok) Object.assign(slot, { status: result.outcome.status, diplomaId: result.outcome.diplomaId, diplomaState: result.outcome.diplomaState });
      else slot.problem = bare(result.error, deps.config.publicBaseUrl);
    });
    const summary = { received: records.length, created: 0, unchanged: 0, rejected: 0 };
    for (const r of results) summary[r.status]++;
    deps.logger.info('feed.bulk', { requestId: c.get('requestId'), brin, ...summary });
    return c.json({ summary, results }, 200);
  });

  return router;
}

function bare(err: AppError, baseUrl: string) {
  const { type: _t, instance: _i, requestId: _r, ...rest } = problemBody(err, baseUrl, '');
  return rest as z.infer<typeof problemSchema>;
}
