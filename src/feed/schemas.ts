// What an institution sends to the register. These schemas validate the boundary and produce the
// OpenAPI document. Rules that need the register (known programme, sector) live in feed-service.ts.
import { z } from '@hono/zod-openapi';
import { BRIN, LOCATION, isValidBsn } from '../domain/codes.ts';
import type { FieldCode } from '../errors.ts';

// zod keeps custom `params` only on refinements, so every check with its own code is one.
const issue = (code: FieldCode, message: string) => ({ message, params: { code }, abort: true });
const matching = (re: RegExp, code: FieldCode, message: string) => z.string().refine((s) => re.test(s), issue(code, message));

export const isoDate = matching(/^\d{4}-\d{2}-\d{2}$/, 'DATE_FORMAT', 'Use YYYY-MM-DD.')
  .refine((s) => {
    const d = new Date(`${s}T00:00:00Z`);
    return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s;
  }, issue('DATE_INVALID', 'Not a calendar date.'));

/** Names: trimmed, NFC, printable; any script. */
const personName = (max: number) =>
  z
    .string()
    .transform((s) => s.normalize('NFC').trim().replace(/\s+/g, ' '))
    .pipe(
      z
        .string()
        .refine((s) => s.length > 0, issue('NAME_EMPTY', 'Must not be empty.'))
        .refine((s) => s.length <= max, issue('NAME_TOO_LONG', `At most ${max} characters.`))
        // accents alone ("\u0301\u0301") are no name: nothing would be left to print, fold or compare
        .refine((s) => /\p{L}/u.test(s), issue('NAME_NO_LETTERS', 'A name has at least one letter; accents alone are no name.'))
        .refine((s) => /^\p{L}[\p{L}\p{M}' .\-’]*$/u.test(s), issue('NAME_CHARACTERS', 'Letters, spaces, hyphens, apostrophes and dots only, starting with a letter.')),
    );

export const referenceSchema = matching(/^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$/, 'REFERENCE_FORMAT', '1–64 characters: letters, digits, . _ : - (starting with a letter or digit).')
  .openapi({ example: 'DIP-2025-000123', description: "The institution's own reference: the idempotency key." });

/** A mark on the Dutch scale with at most one decimal. */
const mark = z
  .number()
  .refine((n) => n >= 1 && n <= 10, issue('GRADE_RANGE', 'Marks run from 1.0 to 10.0.'))
  .refine((n) => Math.abs(n * 10 - Math.round(n * 10)) < 1e-9, issue('GRADE_PRECISION', 'At most one decimal.'));

export const gradeLineSchema = z
  .object({
    subjectCode: matching(/^[A-Z0-9]{1,10}$/, 'SUBJECT_CODE_FORMAT', '1–10 capitals or digits.').openapi({ example: 'NE' }),
    subjectNl: z.string().trim().min(1).max(120).openapi({ example: 'Nederlandse taal' }),
    subjectEn: z.string().trim().min(1).max(120).openapi({ example: 'Dutch language' }),
    schoolExam: mark.optional().openapi({ example: 6.8 }),
    centralExam: mark.optional().openapi({ example: 6.3 }),
    final: z
      .number()
      .refine((n) => n >= 1 && n <= 10, issue('GRADE_RANGE', 'Marks run from 1 to 10.'))
      .refine((n) => Number.isInteger(n), issue('FINAL_MARK_WHOLE', 'The final mark is a whole number.'))
      .openapi({ example: 7 }),
  })
  .strict()
  .openapi('GradeLine');

export const holderSchema = z
  .object({
    bsn: z
      .string()
      .refine(isValidBsn, issue('BSN_INVALID', 'A BSN is nine digits that pass the eleven test.'))
      .openapi({ example: '999990019', description: 'Used only to derive the pseudonymous subject id; never stored.' }),
    givenNames: personName(200).openapi({ example: 'Şükrü Ayşe' }),
    prefix: z
      .string()
      .transform((s) => s.normalize('NFC').trim().replace(/\s+/g, ' '))
      .pipe(matching(/^[\p{L}' ’]{0,20}$/u, 'PREFIX_FORMAT', 'A tussenvoegsel has at most 20 letters, spaces and apostrophes.'))
      .optional()
      .openapi({ example: 'van der' }),
    familyName: personName(200).openapi({ example: 'Yılmaz' }),
    birthDate: isoDate.openapi({ example: '2004-03-17' }),
  })
  .strict()
  .openapi('Holder');

const diplomaFields = {
  institution: z
    .object({
      brin: matching(BRIN, 'BRIN_FORMAT', 'Two digits and two capitals, e.g. 21PK.').openapi({ example: '21PK' }),
      location: matching(LOCATION, 'LOCATION_FORMAT', 'Two digits, e.g. 00.').openapi({ example: '00' }),
    })
    .strict(),
  programme: z
    .object({
      code: z.string().min(1).max(16).openapi({ example: '56604', description: 'CROHO (ho) or crebo (mbo): 5 digits; vo: e.g. HAVO, VWO, VMBO-TL.' }),
      profile: matching(/^[A-Z]{1,6}$/, 'PROFILE_FORMAT', '1–6 capitals, e.g. NT.').optional().openapi({ example: 'NT' }),
    })
    .strict(),
  kind: z.enum(['diploma', 'getuigschrift', 'certificaat']),
  awardDate: isoDate.openapi({ example: '2025-07-04' }),
  holder: holderSchema,
  grades: z.array(gradeLineSchema).min(1).max(30).optional(),
};

export const awardRecordSchema = z
  .object({ type: z.literal('award'), reference: referenceSchema, ...diplomaFields })
  .strict()
  .openapi('AwardRecord', { description: 'A diploma awarded.' });

export const correctionRecordSchema = z
  .object({
    type: z.literal('correction'),
    reference: referenceSchema,
    corrects: referenceSchema.openapi({ description: 'Reference of the diploma this record supersedes.' }),
    ...diplomaFields,
  })
  .strict()
  .openapi('CorrectionRecord', { description: 'A corrected diploma; it supersedes the one named in `corrects`, whose history is kept.' });

export const annulmentRecordSchema = z
  .object({
    type: z.literal('annulment'),
    reference: referenceSchema,
    annuls: referenceSchema.openapi({ description: 'Reference of the diploma that is annulled.' }),
    reason: z.string().trim().min(3).max(500).openapi({ example: 'Awarded in error (examination board decision 2025-114).' }),
  })
  .strict()
  .openapi('AnnulmentRecord', { description: 'A diploma annulled (declared void).' });

export const feedRecordSchema = z
  .discriminatedUnion('type', [awardRecordSchema, correctionRecordSchema, annulmentRecordSchema])
  .openapi('FeedRecord');

export type FeedRecord = z.infer<typeof feedRecordSchema>;
export type AwardRecord = z.infer<typeof awardRecordSchema>;
export type CorrectionRecord = z.infer<typeof correctionRecordSchema>;
export type AnnulmentRecord = z.infer<typeof annulmentRecordSchema>;

export const feedWarningSchema = z
  .object({
    code: z.enum(['HOLDER_IDENTITY_DIFFERS']),
    detail: z.string(),
    fields: z.array(z.enum(['givenNames', 'prefix', 'familyName', 'birthDate'])).optional(),
  })
  .openapi('FeedWarning', {
    description:
      '`HOLDER_IDENTITY_DIFFERS`: the record names a holder whom other institutions report with another name or birth date. The record is applied; the diploma keeps the holder as reported, the holder stays as they are, and the diploma is flagged for review.',
  });

export type FeedWarning = z.infer<typeof feedWarningSchema>;

export const feedOutcomeSchema = z
  .object({
    status: z.enum(['created', 'unchanged']).openapi({ description: '`unchanged`: this exact record was received before (idempotent replay).' }),
    type: z.enum(['award', 'correction', 'annulment']),
    reference: z.string(),
    diplomaId: z.uuid(),
    diplomaState: z.enum(['valid', 'corrected', 'annulled']),
    warnings: z.array(feedWarningSchema).optional().openapi({ description: 'Applied, with something to look at.' }),
  })
  .openapi('FeedOutcome');

export type FeedOutcome = z.infer<typeof feedOutcomeSchema>;

export const problemSchema = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    code: z.string().openapi({ example: 'VALIDATION_FAILED' }),
    detail: z.string().optional(),
    instance: z.string().optional(),
    errors: z
      .array(z.object({ pointer: z.string().openapi({ example: '/holder/bsn' }), code: z.string(), detail: z.string() }))
      .optional(),
    requestId: z.string(),
  })
  .openapi('Problem');

export const bulkResultSchema = z
  .object({
    summary: z.object({ received: z.number().int(), created: z.number().int(), unchanged: z.number().int(), rejected: z.number().int() }),
    results: z.array(
      z.object({
        line: z.number().int().openapi({ description: '1-based line number in the NDJSON body' }),
        reference: z.string().optional(),
        status: z.enum(['created', 'unchanged', 'rejected']),
        diplomaId: z.uuid().optional(),
        diplomaState: z.enum(['valid', 'corrected', 'annulled']).optional(),
        warnings: z.array(feedWarningSchema).optional(),
        problem: problemSchema.omit({ type: true, instance: true, requestId: true }).optional(),
      }),
    ),
  })
  .openapi('BulkResult');

export const feedRecordStatusSchema = z
  .object({
    reference: z.string(),
    type: z.enum(['award', 'correction', 'annulment']),
    receivedAt: z.string(),
    diplomaId: z.uuid(),
    diplomaState: z.enum(['valid', 'corrected', 'annulled']),
    supersededBy: z.string().optional().openapi({ description: 'Reference of the record that superseded this diploma.' }),
  })
  .openapi('FeedRecordStatus');
