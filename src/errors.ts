// One error model (as panva/jose): every error the register throws is a RegisterError with a stable
// `code`, so callers branch on codes, never on messages. HTTP statuses and titles are not here: the
// edge (src/http/problem.ts) maps a code to them through the one table, src/docs/problem-codes.ts.

export class RegisterError extends Error {
  /** The code of errors of this class; a class with several codes lists them in `codes`. */
  static readonly code: string = 'REGISTER_ERROR';

  /** The code of this error: its class's `code`, or the one of `codes` it was made with. */
  readonly code: string;

  constructor(message?: string, options?: ErrorOptions) {
    super(message, options);
    this.name = new.target.name;
    this.code = (new.target as typeof RegisterError).code;
  }
}

/**
 * The codes a request can fail with (RFC 9457 problem+json at the edge). Clients see these: never
 * rename one. Each has its row (status, title, /docs text) in src/docs/problem-codes.ts.
 */
export const PROBLEM_CODES = [
  'VALIDATION_FAILED',
  'MALFORMED_JSON',
  'UNSUPPORTED_MEDIA_TYPE',
  'PAYLOAD_TOO_LARGE',
  'UPLOAD_TOO_LARGE',
  'BULK_TOO_MANY_RECORDS',
  'BULK_LINE_TOO_LONG',
  'BULK_LINE_TOO_DEEP',
  'NOT_FOUND',
  'METHOD_NOT_ALLOWED',
  'API_KEY_MISSING',
  'API_KEY_INVALID',
  'API_KEY_REVOKED',
  'INSTITUTION_NOT_ALLOWED',
  'REFERENCE_CONFLICT',
  'DIPLOMA_SUPERSEDED',
  'DIPLOMA_ANNULLED',
  'DIPLOMA_NOT_FOUND',
  'DIPLOMA_NOT_CURRENT',
  'EXTRACT_NOT_FOUND',
  'EXTRACT_NOT_ACTIVE',
  'SIGNING_KEY_UNAVAILABLE',
  'TOO_MANY_ATTEMPTS',
  'UPLOAD_UNAVAILABLE',
  'CONFIG_INVALID',
  'DATABASE_UNAVAILABLE',
  'CREDENTIAL_NOT_VERIFIED',
  'INTERNAL_ERROR',
] as const;
export type ProblemCode = (typeof PROBLEM_CODES)[number];

/** Not errors: codes in `warnings` of an applied feed record (listed on /docs with the problems). */
export const WARNING_CODES = ['HOLDER_IDENTITY_DIFFERS'] as const;
export type WarningCode = (typeof WARNING_CODES)[number];

/** The codes of field errors in `errors` of VALIDATION_FAILED (zod's own kinds, then the schemas'). */
export const FIELD_CODES = [
  'FIELD_REQUIRED',
  'FIELD_TYPE',
  'FIELD_UNKNOWN',
  'VALUE_NOT_ALLOWED',
  'TOO_SMALL',
  'TOO_BIG',
  'FORMAT_INVALID',
  'FIELD_INVALID',
  'PROFILE_REQUIRED',
  'PROFILE_FORMAT',
  'PREFIX_FORMAT',
  'NAME_EMPTY',
  'NAME_TOO_LONG',
  'SUBJECT_CODE_FORMAT',
  'BSN_INVALID',
  'BRIN_FORMAT',
  'LOCATION_FORMAT',
  'INSTITUTION_UNKNOWN',
  'PROGRAMME_UNKNOWN',
  'PROFILE_UNKNOWN',
  'KIND_NOT_FOR_SECTOR',
  'AWARD_DATE_IN_FUTURE',
  'AWARD_DATE_BEFORE_REGISTER',
  'BIRTH_DATE_IMPLAUSIBLE',
  'GRADES_REQUIRED',
  'GRADES_NOT_FOR_SECTOR',
  'GRADE_RANGE',
  'GRADE_PRECISION',
  'FINAL_MARK_WHOLE',
  'SUBJECT_DUPLICATE',
  'REFERENCE_FORMAT',
  'REFERENCE_UNKNOWN',
  'DATE_FORMAT',
  'DATE_INVALID',
  'NAME_CHARACTERS',
  'NAME_NO_LETTERS',
] as const;
export type FieldCode = (typeof FIELD_CODES)[number];

export interface FieldError {
  /** JSON Pointer (RFC 6901) into the request body, e.g. "/holder/bsn" */
  pointer: string;
  code: FieldCode;
  detail: string;
}

export interface ProblemDetails {
  detail?: string;
  errors?: FieldError[];
  /** extra members for the problem document (must contain no personal data); a `retryAfterSeconds` also leaves as Retry-After */
  extra?: Record<string, unknown>;
  /** HTTP headers the request's own handling calls for (Allow, WWW-Authenticate, ...) */
  headers?: Record<string, string>;
  cause?: unknown;
}

/** A failure that leaves as problem+json; status and title come from the code's row in the table. */
export class AppError extends RegisterError {
  static readonly codes = PROBLEM_CODES;
  override readonly code: ProblemCode;
  readonly detail?: string;
  readonly errors?: FieldError[];
  readonly extra?: Record<string, unknown>;
  readonly headers?: Record<string, string>;

  constructor(code: ProblemCode, details: ProblemDetails = {}) {
    super(details.detail ?? code, details.cause === undefined ? undefined : { cause: details.cause });
    this.code = code;
    this.detail = details.detail;
    this.errors = details.errors;
    this.extra = details.extra;
    this.headers = details.headers;
  }
}

export const problems = {
  notFound: (detail?: string) => new AppError('NOT_FOUND', { detail }),
  methodNotAllowed: (allow: string[]) =>
    new AppError('METHOD_NOT_ALLOWED', { detail: `Allowed: ${allow.join(', ')}`, headers: { Allow: allow.join(', ') } }),
  payloadTooLarge: (limitBytes: number) =>
    new AppError('PAYLOAD_TOO_LARGE', {
      detail: `The body may be at most ${limitBytes} bytes.`,
      extra: { limitBytes },
      // the rest of the body is never read: a client reusing this connection would hang
      headers: { Connection: 'close' },
    }),
  unsupportedMediaType: (expected: string[]) =>
    new AppError('UNSUPPORTED_MEDIA_TYPE', { detail: `Send the body as ${expected.join(' or ')}.`, headers: { 'Accept-Post': expected.join(', ') } }),
  malformedJson: () => new AppError('MALFORMED_JSON'),
  validation: (errors: FieldError[], detail = 'One or more fields are invalid.') => new AppError('VALIDATION_FAILED', { detail, errors }),
  unauthorized: (code: 'API_KEY_MISSING' | 'API_KEY_INVALID' | 'API_KEY_REVOKED', detail: string) =>
    new AppError(code, { detail, headers: { 'WWW-Authenticate': 'Bearer realm="diploma-register"' } }),
  databaseUnavailable: (retryAfterSeconds: number, cause?: unknown) =>
    new AppError('DATABASE_UNAVAILABLE', {
      detail: `The register's database does not answer at the moment; try again in ${retryAfterSeconds} seconds.`,
      extra: { retryAfterSeconds },
      cause,
    }),
  internal: () => new AppError('INTERNAL_ERROR', { detail: 'Something went wrong on our side. Quote the request id when you contact us.' }),
};
