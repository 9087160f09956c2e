// The one error model: every code an error class can carry has exactly one row in the table
// (src/docs/problem-codes.ts), checked from the types and from the classes' own code lists,
// and the edge turns each problem code into the status and title of its row.
import { describe, expect, expectTypeOf, it } from 'vitest';
import { AppError, FIELD_CODES, PROBLEM_CODES, RegisterError, WARNING_CODES, type FieldCode, type FieldError, type ProblemCode, type WarningCode } from '../../src/errors.ts';
import { fieldCodes, fieldTable, internalCodes, problemCodes, problemTable, type ErrorCode, type ProblemRow } from '../../src/docs/problem-codes.ts';
import { problemBody } from '../../src/http/problem.ts';
import { StatusListError } from '../../src/credentials/status-list.ts';
import { CredentialVerificationError } from '../../src/credentials/vc-jwt.ts';
import { DiplomaCredentialInputError } from '../../src/credentials/diploma-credential.ts';
import { InvalidEd25519KeyError } from '../../src/credentials/ed25519.ts';
import { FontError } from '../../src/documents/font.ts';
import { SealError } from '../../src/documents/cms.ts';
import { QrTooLargeError } from '../../src/documents/qr.ts';
import { InvalidDateError } from '../../src/documents/i18n.ts';
import { OidcError } from '../../src/auth/oidc-client.ts';
import { ConfigError } from '../../src/config.ts';

/** Every error class under src/ that leaves its module (the ones caught where they are thrown are private). */
const errorClasses = [
  AppError,
  StatusListError,
  CredentialVerificationError,
  DiplomaCredentialInputError,
  InvalidEd25519KeyError,
  FontError,
  SealError,
  QrTooLargeError,
  InvalidDateError,
  OidcError,
  ConfigError,
] as const;
const codesOf = (cls: (typeof errorClasses)[number]): readonly string[] => ('codes' in cls ? cls.codes : [cls.code]);

describe('one table for every error code', () => {
  it('has a row for exactly the codes the error classes carry (checked by the compiler)', () => {
    type Rows = keyof typeof problemTable | keyof typeof internalCodes;
    expectTypeOf<Rows>().toEqualTypeOf<ErrorCode | WarningCode>();
    expectTypeOf<AppError['code']>().toEqualTypeOf<ProblemCode>();
    expectTypeOf<keyof typeof fieldTable>().toEqualTypeOf<FieldCode>();
    expectTypeOf<FieldError['code']>().toEqualTypeOf<FieldCode>();
    // an instance's code is one its class declares
    expectTypeOf<StatusListError['code']>().toExtend<ErrorCode>();
    expectTypeOf<OidcError['code']>().toExtend<ErrorCode>();
    expectTypeOf<typeof ConfigError.code>().toEqualTypeOf<'CONFIG_INVALID'>();
    // a table missing a code does not compile
    // @ts-expect-error NOT_FOUND alone is not a row for every problem code
    const partial = { NOT_FOUND: problemTable.NOT_FOUND } satisfies Record<ProblemCode, ProblemRow>;
    expect(partial.NOT_FOUND.status).toBe(404);
  });

  it('has a row for every code of every error class, and no row without a class that throws it', () => {
    const thrown = new Set(errorClasses.flatMap(codesOf));
    const rows = new Set([...Object.keys(problemTable), ...Object.keys(internalCodes)]);
    expect([...thrown].filter((code) => !rows.has(code))).toEqual([]);
    const warnings = new Set<string>(WARNING_CODES);
    expect([...rows].filter((code) => !thrown.has(code) && !warnings.has(code))).toEqual([]);
    expect(thrown.size).toBeGreaterThan(50);
  });

  it('keeps internal codes apart from the codes clients see (only CONFIG_INVALID is both a class code and a problem)', () => {
    expect(Object.keys(internalCodes).filter((code) => code in problemTable)).toEqual([]);
    expect(ConfigError.code in problemTable).toBe(true);
  });

  it('lists every problem, warning and field code on /docs, once', () => {
    expect(problemCodes.map((p) => p.code).sort()).toEqual([...PROBLEM_CODES, ...WARNING_CODES].sort());
    expect(fieldCodes.map((f) => f.code).sort()).toEqual([...FIELD_CODES].sort());
    for (const p of problemCodes) expect(p.en && p.nl && p.title, p.code).toBeTruthy();
  });
});

describe('the error classes', () => {
  it('are RegisterErrors whose instance code is their class code', () => {
    const made: RegisterError[] = [
      new DiplomaCredentialInputError('x'),
      new InvalidEd25519KeyError(),
      new QrTooLargeError(41),
      new InvalidDateError('2025-13-01'),
      new ConfigError(['PORT: not a number']),
      new StatusListError('STATUS_LIST_FULL', 'x'),
      new CredentialVerificationError('CREDENTIAL_EXPIRED', 'x'),
      new FontError('FONT_INVALID', 'x'),
      new SealError('SEAL_KEY_MISMATCH', 'x'),
      new OidcError('OIDC_STATE_MISMATCH', 'x'),
      new AppError('EXTRACT_NOT_FOUND'),
    ];
    expect(made.map((e) => [e instanceof RegisterError, e.name, e.code])).toEqual([
      [true, 'DiplomaCredentialInputError', 'DIPLOMA_CREDENTIAL_INPUT_INVALID'],
      [true, 'InvalidEd25519KeyError', 'ED25519_KEY_INVALID'],
      [true, 'QrTooLargeError', 'QR_TOO_LARGE'],
      [true, 'InvalidDateError', 'INVALID_DATE'],
      [true, 'ConfigError', 'CONFIG_INVALID'],
      [true, 'StatusListError', 'STATUS_LIST_FULL'],
      [true, 'CredentialVerificationError', 'CREDENTIAL_EXPIRED'],
      [true, 'FontError', 'FONT_INVALID'],
      [true, 'SealError', 'SEAL_KEY_MISMATCH'],
      [true, 'OidcError', 'OIDC_STATE_MISMATCH'],
      [true, 'AppError', 'EXTRACT_NOT_FOUND'],
    ]);
  });
});

describe('the HTTP edge', () => {
  it('gives each problem code the status and title of its row, and links its /docs entry', () => {
    for (const code of PROBLEM_CODES) {
      const body = problemBody(new AppError(code, { detail: 'd', extra: { limitBytes: 1 } }), 'https://register.example', 'req-1', '/x');
      expect(body, code).toEqual({
        type: `https://register.example/docs#problem-${code}`,
        title: problemTable[code].title,
        status: problemTable[code].status,
        code,
        detail: 'd',
        instance: '/x',
        limitBytes: 1,
        requestId: 'req-1',
      });
    }
  });

  it('puts field errors in `errors` and leaves out empty members', () => {
    const errors: FieldError[] = [{ pointer: '/holder/bsn', code: 'BSN_INVALID', detail: 'eleven test' }];
    expect(problemBody(new AppError('VALIDATION_FAILED', { errors }), 'https://r.example', 'q')).toEqual({
      type: 'https://r.example/docs#problem-VALIDATION_FAILED',
      title: 'Validation failed',
      status: 422,
      code: 'VALIDATION_FAILED',
      errors,
      requestId: 'q',
    });
  });
});
