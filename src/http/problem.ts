import type { Context } from 'hono';
import { AppError } from '../errors.ts';
import type { AppEnv } from '../deps.ts';

export const PROBLEM_JSON = 'application/problem+json';

/** RFC 9457 body. `type` points into the API reference, where every code is explained. */
export function problemBody(err: AppError, baseUrl: string, requestId: string, instance?: string) {
  return {
    type: `${baseUrl}/docs#problem-${err.code}`,
    title: err.title,
    status: err.status,
    code: err.code,
    ...(err.detail ? { detail: err.detail } : {}),
    ...(instance ? { instance } : {}),
    ...(err.errors?.length ? { errors: err.errors } : {}),
    ...err.extra,
    requestId,
  };
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- any app env carrying AppEnv's variables
export function problemResponse(c: Context<any>, err: AppError): Response {
  const deps = (c as Context<AppEnv>).get('deps');
  const body = problemBody(err, deps.config.publicBaseUrl, (c as Context<AppEnv>).get('requestId') ?? 'unknown', c.req.path);
  return new Response(JSON.stringify(body), {
    status: err.status,
    headers: { 'Content-Type': PROBLEM_JSON, 'Cache-Control': 'no-store', ...err.headers },
  });
}

/** Turns zod issues into field errors with JSON Pointers. */
export function zodIssuesToFieldErrors(
  issues: ReadonlyArray<{ path: ReadonlyArray<PropertyKey>; message: string; code: string; params?: unknown }>,
  prefix = '',
) {
  return issues.map((i) => {
    const custom = (i.params as { code?: string } | undefined)?.code;
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
function genericFieldCode(zodCode: string, input: unknown): string {
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
