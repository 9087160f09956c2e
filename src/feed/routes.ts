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
import { BULK_MAX_JSON_DEPTH, BULK_MAX_LINE_CHARS, inSlices, jsonStreamInSlices, lineRefusal, readBulkLines } from './bulk-lines.ts';
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
    'One JSON record per line (`application/x-ndjson`), applied in order (a later line may correct an earlier one), each on its own: a rejected line writes nothing and does not stop the others. Accepted lines are committed in order, in small batches (tens of milliseconds each): should the request fail part-way, the lines before are kept, and sending the same body again is safe (lines received before answer `unchanged`). The answer has a result per line. A line longer than 65,536 characters (`BULK_LINE_TOO_LONG`) or nesting arrays and objects deeper than 8 (`BULK_LINE_TOO_DEEP`) is refused unread; a line\'s result lists its first 20 field errors. An applied record may carry `warnings` (`HOLDER_IDENTITY_DIFFERS`).',
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
    const records = await readBulkLines(c.req.raw.body, BULK_MAX_RECORDS);
    if (records.length > BULK_MAX_RECORDS) {
      throw new AppError('BULK_TOO_MANY_RECORDS', { detail: `Send at most ${BULK_MAX_RECORDS} records per request; this one has more.` });
    }
    type LineResult = z.infer<typeof bulkResultSchema>['results'][number];
    const results: LineResult[] = [];
    const accepted: { slot: number; record: FeedRecord }[] = [];
    const reject = (line: number, err: AppError, reference?: string) =>
      results.push({ line, ...(reference ? { reference } : {}), status: 'rejected', problem: bare(err, deps.config.publicBaseUrl) });
    await inSlices(records, (r) => r.text.length, (record) => {
      const { line, text } = record;
      const refused = lineRefusal(record);
      if (refused) return void reject(line, bulkLineProblems[refused]());
      let json: unknown;
      try {
        json = JSON.parse(text);
      } catch {
        return void reject(line, problems.malformedJson());
      }
      const reference = typeof (json as { reference?: unknown })?.reference === 'string' ? (json as { reference: string }).reference : undefined;
      const parsed = feedRecordSchema.safeParse(json);
      if (!parsed.success) return void reject(line, bulkValidationProblem(parsed.error.issues), reference);
      accepted.push({ slot: results.length, record: parsed.data });
      results.push({ line, reference, status: 'rejected' }); // filled in below
    });
    const applied = await applyRecords(deps.db, { brin, pseudonymSecret: deps.pseudonymSecret, now: deps.clock.now(), requestId: c.get('requestId') }, accepted.map((a) => a.record));
    applied.forEach((result, i) => {
      const slot = results[accepted[i]!.slot]!;
      if (result.ok) {
        const { status, diplomaId, diplomaState, warnings } = result.outcome;
        Object.assign(slot, { status, diplomaId, diplomaState, ...(warnings ? { warnings } : {}) });
      }
      else slot.problem = bare(result.error, deps.config.publicBaseUrl);
    });
    const summary = { received: records.length, created: 0, unchanged: 0, rejected: 0 };
    for (const r of results) summary[r.status]++;
    deps.logger.info('feed.bulk', { requestId: c.get('requestId'), brin, ...summary });
    c.header('content-type', 'application/json');
    return c.body(jsonStreamInSlices({ summary }, 'results', results), 200) as never;
  });

  return router;
}

const bulkLineProblems = {
  BULK_LINE_TOO_LONG: () =>
    new AppError('BULK_LINE_TOO_LONG', { detail: `A record line holds at most ${BULK_MAX_LINE_CHARS.toLocaleString('en')} characters.` }),
  BULK_LINE_TOO_DEEP: () =>
    new AppError('BULK_LINE_TOO_DEEP', { detail: `A record line nests arrays and objects at most ${BULK_MAX_JSON_DEPTH} deep.` }),
};

/** A line's field errors, the first BULK_MAX_FIELD_ERRORS of them: a result per line stays small. */
const BULK_MAX_FIELD_ERRORS = 20;
function bulkValidationProblem(issues: z.core.$ZodIssue[]): AppError {
  const errors = zodIssuesToFieldErrors(issues.slice(0, BULK_MAX_FIELD_ERRORS));
  return issues.length > BULK_MAX_FIELD_ERRORS
    ? problems.validation(errors, `One or more fields are invalid; the first ${BULK_MAX_FIELD_ERRORS} of ${issues.length} are listed.`)
    : problems.validation(errors);
}

function bare(err: AppError, baseUrl: string) {
  const { type: _t, instance: _i, requestId: _r, ...rest } = problemBody(err, baseUrl, '');
  return rest as z.infer<typeof problemSchema>;
}
