import type { Context } from 'hono';
import { AppError, type FieldCode, type ProblemCode } from '../errors.ts';
import { problemTable } from '../docs/problem-codes.ts';
import type { AppEnv } from '../deps.ts';

export const PROBLEM_JSON = 'application/problem+json';

/** The status and title a code leaves with: the one table (src/docs/problem-codes.ts) decides. */
export function problemStatus(code: ProblemCode): { status: number; title: string } {
  const { status, title } = problemTable[code];
  return { status, title };
}

/** RFC 9457 body. `type` points into the API reference, where every code is explained. */
export function problemBody(err: AppError, baseUrl: string, requestId: string, instance?: string) {
  return renderBody({ code: err.code, ...problemStatus(err.code) }, err, baseUrl, requestId, instance);
}

function renderBody(head: { code: string; status: number; title: string }, err: AppError | undefined, baseUrl: string, requestId: string, instance?: string) {
  return {
    type: `${baseUrl}/docs#problem-${head.code}`,
    title: head.title,
    status: head.status,
    code: head.code,
    ...(err?.detail ? { detail: err.detail } : {}),
    ...(instance ? { instance } : {}),
    ...(err?.errors?.length ? { errors: err.errors } : {}),
    ...err?.extra,
    requestId,
  };
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- any app env carrying AppEnv's variables
export function problemResponse(c: Context<any>, err: AppError): Response {
  return respond(c, { code: err.code, ...problemStatus(err.code) }, err);
}

/**
 * A framework HTTPException without a code of ours (neither 400 nor 413): it leaves as
 * `HTTP_<status>` with the exception's message as title, outside the table.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- any app env carrying AppEnv's variables
export function httpExceptionResponse(c: Context<any>, status: number, message: string): Response {
  return respond(c, { code: `HTTP_${status}`, status, title: message || 'Request failed' });
}

/** A problem that says when to try again (429, 503) says it in Retry-After too. */
const retryAfter = (err: AppError | undefined): Record<string, string> =>
  typeof err?.extra?.retryAfterSeconds === 'number' ? { 'Retry-After': String(err.extra.retryAfterSeconds) } : {};

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- any app env carrying AppEnv's variables
function respond(c: Context<any>, head: { code: string; status: number; title: string }, err?: AppError): Response {
  const deps = (c as Context<AppEnv>).get('deps');
  const body = renderBody(head, err, deps.config.publicBaseUrl, (c as Context<AppEnv>).get('requestId') ?? 'unknown', c.req.path);
  return new Response(JSON.stringify(body), {
    status: head.status,
    headers: { 'Content-Type': PROBLEM_JSON, 'Cache-Control': 'no-store', ...retryAfter(err), ...err?.headers },
  });
}

/** Turns zod issues into field errors with JSON Pointers. */
export function zodIssuesToFieldErrors(
  issues: ReadonlyArray<{ path: ReadonlyArray<PropertyKey>; message: string; code: string; params?: unknown }>,
  prefix = '',
) {
  return issues.map((i) => {
    // the schemas set a code only through their typed issue() helper (src/feed/schemas.ts)
    const custom = (i.params as { code?: FieldCode } | undefined)?.code;
    const input = (i as { input?: unknown }).input;
    return {
      pointer: prefix + (i.path.length ? '/' + i.path.map((p) => String(p).replace(/~/g, '~0').replace(/\//g, '~1')).join('/') : ''),
      code: custom ?? genericFieldCode(i.code, input),
      detail: i.message,
    };
  });
}

export { AppError };

/** Stable field codes for zod's own issue kinds. */
function genericFieldCode(zodCode: string, input: unknown): FieldCode {
  switch (zodCode) {
    case 'invalid_type':
      return input === undefined ? 'FIELD_REQUIRED' : 'FIELD_TYPE';
    case 'unrecognized_keys':
      return 'FIELD_UNKNOWN';
    case 'invalid_value':
    case 'invalid_union':
      return 'VALUE_NOT_ALLOWED';
    case 'too_small':
      return 'TOO_SMALL';
    case 'too_big':
      return 'TOO_BIG';
    case 'invalid_format':
      return 'FORMAT_INVALID';
    default:
      return 'FIELD_INVALID';
  }
}
