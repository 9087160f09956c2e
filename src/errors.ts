// Every failure the service reports has a stable code and leaves as RFC 9457 problem+json.

export interface FieldError {
  /** JSON Pointer (RFC 6901) into the request body, e.g. "/holder/bsn" */
  pointer: string;
  code: string;
  detail: string;
}

export interface ProblemInit {
  code: string;
  status: number;
  title: string;
  detail?: string;
  errors?: FieldError[];
  /** extra members for the problem document (must contain no personal data) */
  extra?: Record<string, unknown>;
  headers?: Record<string, string>;
}

export class AppError extends Error {
  readonly code: string;
  readonly status: number;
  readonly title: string;
  readonly detail?: string;
  readonly errors?: FieldError[];
  readonly extra?: Record<string, unknown>;
  readonly headers?: Record<string, string>;

  constructor(init: ProblemInit) {
    super(init.detail ?? init.title);
    this.name = 'AppError';
    this.code = init.code;
    this.status = init.status;
    this.title = init.title;
    this.detail = init.detail;
    this.errors = init.errors;
    this.extra = init.extra;
    this.headers = init.headers;
  }
}

export const problems = {
  notFound: (detail?: string) =>
    new AppError({ code: 'NOT_FOUND', status: 404, title: 'Not found', detail }),
  methodNotAllowed: (allow: string[]) =>
    new AppError({
      code: 'METHOD_NOT_ALLOWED',
      status: 405,
      title: 'Method not allowed',
      detail: `Allowed: ${allow.join(', ')}`,
      headers: { Allow: allow.join(', ') },
    }),
  payloadTooLarge: (limitBytes: number) =>
    new AppError({
      code: 'PAYLOAD_TOO_LARGE',
      status: 413,
      title: 'Request body too large',
      detail: `The body may be at most ${limitBytes} bytes.`,
      extra: { limitBytes },
      // the rest of the body is never read: a client reusing this connection would hang
      headers: { Connection: 'close' },
    }),
  unsupportedMediaType: (expected: string[]) =>
    new AppError({
      code: 'UNSUPPORTED_MEDIA_TYPE',
      status: 415,
      title: 'Unsupported media type',
      detail: `Send the body as ${expected.join(' or ')}.`,
      headers: { 'Accept-Post': expected.join(', ') },
    }),
  malformedJson: () =>
    new AppError({ code: 'MALFORMED_JSON', status: 400, title: 'The body is not valid JSON' }),
  validation: (errors: FieldError[], detail = 'One or more fields are invalid.') =>
    new AppError({ code: 'VALIDATION_FAILED', status: 422, title: 'Validation failed', detail, errors }),
  unauthorized: (code: string, detail: string) =>
    new AppError({
      code,
      status: 401,
      title: 'Unauthorized',
      detail,
      headers: { 'WWW-Authenticate': 'Bearer realm="diploma-register"' },
    }),
  internal: () =>
    new AppError({
      code: 'INTERNAL_ERROR',
      status: 500,
      title: 'Internal server error',
      detail: 'Something went wrong on our side. Quote the request id when you contact us.',
    }),
};
