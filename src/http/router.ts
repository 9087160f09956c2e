import { OpenAPIHono } from '@hono/zod-openapi';
import type { AppEnv } from '../deps.ts';
import { problems } from '../errors.ts';
import { problemResponse, zodIssuesToFieldErrors } from './problem.ts';

/** A router whose validation failures leave as 422 problem+json with JSON Pointers. */
export function createRouter<E extends AppEnv = AppEnv>() {
  return new OpenAPIHono<E>({
    defaultHook: (result, c) => {
      if (result.success) return;
      const target = (result as { target?: string }).target;
      const prefix = target === 'json' || target === undefined ? '' : `#${target}`;
      return problemResponse(c, problems.validation(zodIssuesToFieldErrors(result.error.issues, prefix)));
    },
  });
}

export const problemResponses = (...statuses: number[]) =>
  Object.fromEntries(
    statuses.map((s) => [
      s,
      { description: problemDescriptions[s] ?? 'Problem', content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } } },
    ]),
  );

const problemDescriptions: Record<number, string> = {
  400: 'Malformed request',
  401: 'Missing, unknown or revoked API key',
  403: 'Not allowed for this caller',
  404: 'Not found',
  409: 'Conflicts with the register',
  413: 'Body too large',
  415: 'Wrong media type',
  422: 'Validation failed (see `errors`)',
  503: 'Not ready',
};
