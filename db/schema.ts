// The register's tables (drizzle). Migrations in db/migrations are generated from this file
// (`npm run db:generate`) plus hand-written SQL where drizzle has no words (append-only audit).
import { sql } from 'drizzle-orm';
import {
  bigserial,
  char,
  check,
  date,
  index,
  integer,
  jsonb,
  pgEnum,
  pgTable,
  smallint,
  text,
  timestamp,
  uniqueIndex,
  uuid,
  customType,
  type AnyPgColumn,
} from 'drizzle-orm/pg-core';

const bytea = customType<{ data: Uint8Array; driverData: Uint8Array }>({ dataType: () => 'bytea' });

export const sectorEnum = pgEnum('sector', ['vo', 'mbo', 'hbo', 'wo']);
export const programmeCodeTypeEnum = pgEnum('programme_code_type', ['croho', 'crebo', 'vo']);
export const diplomaKindEnum = pgEnum('diploma_kind', ['diploma', 'getuigschrift', 'certificaat']);
export const diplomaStateEnum = pgEnum('diploma_state', ['valid', 'corrected', 'annulled']);
export const feedRecordTypeEnum = pgEnum('feed_record_type', ['award', 'correction', 'annulment']);

const createdAt = () => timestamp('created_at', { withTimezone: true }).notNull().defaultNow();

export const institutions = pgTable(
  'institutions',
  {
    id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
    brin: char('brin', { length: 4 }).notNull(),
    location: char('location', { length: 2 }).notNull(),
    name: text('name').notNull(),
    nameEn: text('name_en'),
    place: text('place').notNull(),
    sector: sectorEnum('sector').notNull(),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex('institutions_brin_location_uq').on(t.brin, t.location),
    check('institutions_brin_format', sql`${t.brin} ~ '^[0-9]{2}[A-Z]{2}$'`),
    check('institutions_location_format', sql`${t.location} ~ '^[0-9]{2}$'`),
  ],
);

export interface ProgrammeProfile {
  code: string;
  nameNl: string;
  nameEn: string;
}

export const programmes = pgTable(
  'programmes',
  {
    id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
    codeType: programmeCodeTypeEnum('code_type').notNull(),
    code: text('code').notNull(),
    sector: sectorEnum('sector').notNull(),
    nameNl: text('name_nl').notNull(),
    nameEn: text('name_en').notNull(),
    nlqf: text('nlqf').notNull(),
    eqf: smallint('eqf').notNull(),
    profiles: jsonb('profiles').$type<ProgrammeProfile[]>().notNull().default([]),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex('programmes_code_uq').on(t.codeType, t.code),
    check('programmes_code_format', sql`(${t.codeType} = 'vo' and ${t.code} ~ '^[A-Z][A-Z0-9-]{1,15}$') or ${t.code} ~ '^[0-9]{5}$'`),
    check('programmes_nlqf', sql`${t.nlqf} in ('1','2','3','4','4+','5','6','7','8')`),
    check('programmes_eqf', sql`${t.eqf} between 1 and 8`),
  ],
);

export const holders = pgTable(
  'holders',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    /** Pseudonymous subject id, the one the identity broker gives at login. Never a BSN. */
    subjectId: text('subject_id').notNull(),
    givenNames: text('given_names').notNull(),
    /** tussenvoegsel, e.g. "van der" */
    prefix: text('prefix'),
    familyName: text('family_name').notNull(),
    birthDate: date('birth_date').notNull(),
    createdAt: createdAt(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex('holders_subject_uq').on(t.subjectId)],
);

export interface GradeLine {
  subjectCode: string;
  subjectNl: string;
  subjectEn: string;
  /** school exam (schoolexamen), 1.0–10.0 */
  schoolExam?: number;
  /** central exam (centraal examen), 1.0–10.0; absent for subjects without one */
  centralExam?: number;
  /** final mark (eindcijfer), whole number 1–10 */
  final: number;
}

export const diplomas = pgTable(
  'diplomas',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    institutionId: integer('institution_id').notNull().references(() => institutions.id),
    programmeId: integer('programme_id').notNull().references(() => programmes.id),
    holderId: uuid('holder_id').notNull().references(() => holders.id),
    /** the institution's own reference for this diploma (idempotency key of the feed) */
    reference: text('reference').notNull(),
    kind: diplomaKindEnum('kind').notNull(),
    profile: text('profile'),
    awardDate: date('award_date').notNull(),
    /** level as awarded (copied from the programme at award time) */
    nlqf: text('nlqf').notNull(),
    eqf: smallint('eqf').notNull(),
    grades: jsonb('grades').$type<GradeLine[]>(),
    state: diplomaStateEnum('state').notNull().default('valid'),
    supersededBy: uuid('superseded_by').references((): AnyPgColumn => diplomas.id),
    annulledAt: timestamp('annulled_at', { withTimezone: true }),
    annulmentReason: text('annulment_reason'),
    /**
     * The holder as the institution reported them on this diploma, where that differs from the
     * holder's identity and another institution's diplomas keep it (null: as the holder). An
     * institution's record never rewrites a holder other institutions report on too; the diploma
     * and its extracts show what was reported, and `identity_reviews` flags it.
     */
    reportedGivenNames: text('reported_given_names'),
    reportedPrefix: text('reported_prefix'),
    reportedFamilyName: text('reported_family_name'),
    reportedBirthDate: date('reported_birth_date'),
    createdAt: createdAt(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index('diplomas_holder_idx').on(t.holderId),
    check(
      'diplomas_reported_holder_whole',
      sql`(${t.reportedFamilyName} is null) = (${t.reportedGivenNames} is null) and (${t.reportedFamilyName} is null) = (${t.reportedBirthDate} is null) and (${t.reportedFamilyName} is not null or ${t.reportedPrefix} is null)`,
    ),
    uniqueIndex('diplomas_institution_reference_uq').on(t.institutionId, t.reference),
    check(
      'diplomas_state_consistent',
      sql`(${t.state} = 'corrected') = (${t.supersededBy} is not null) and (${t.state} = 'annulled') = (${t.annulledAt} is not null)`,
    ),
  ],
);

/** Every record an institution sent, for idempotency: same reference + same content = same answer. */
export const feedRecords = pgTable(
  'feed_records',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    brin: char('brin', { length: 4 }).notNull(),
    reference: text('reference').notNull(),
    type: feedRecordTypeEnum('type').notNull(),
    /** SHA-256 of the canonical JSON of the record as accepted */
    recordHash: text('record_hash').notNull(),
    diplomaId: uuid('diploma_id').notNull().references(() => diplomas.id),
    receivedAt: timestamp('received_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex('feed_records_brin_reference_uq').on(t.brin, t.reference)],
);

/**
 * A diploma whose reported holder (name, birth date) differs from the holder's identity kept for
 * other institutions' diplomas: for the register's staff to settle. Which fields differ, not their values.
 */
export const identityReviews = pgTable(
  'identity_reviews',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    diplomaId: uuid('diploma_id').notNull().references(() => diplomas.id),
    holderId: uuid('holder_id').notNull().references(() => holders.id),
    /** the institution (BRIN) whose record differs */
    reportedBy: char('reported_by', { length: 4 }).notNull(),
    /** e.g. ["familyName"] */
    fields: jsonb('fields').$type<string[]>().notNull(),
    state: text('state').notNull().default('open'),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex('identity_reviews_diploma_uq').on(t.diplomaId),
    index('identity_reviews_holder_idx').on(t.holderId),
    index('identity_reviews_open_idx').on(t.createdAt).where(sql`${t.state} = 'open'`),
    check('identity_reviews_state', sql`${t.state} in ('open', 'resolved')`),
  ],
);

export const institutionApiKeys = pgTable(
  'institution_api_keys',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    brin: char('brin', { length: 4 }).notNull(),
    /** public, non-secret part of the key, shown in listings and logs */
    prefix: text('prefix').notNull(),
    /** SHA-256 (hex) of the whole key; keys are 256-bit random, so a fast hash is enough */
    keyHash: text('key_hash').notNull(),
    label: text('label'),
    createdAt: createdAt(),
    revokedAt: timestamp('revoked_at', { withTimezone: true }),
  },
  (t) => [uniqueIndex('institution_api_keys_prefix_uq').on(t.prefix)],
);

export const signingKeys = pgTable(
  'signing_keys',
  {
    kid: text('kid').primaryKey(),
    alg: text('alg').notNull(),
    /** the public JWK only; private material never enters the database */
    publicJwk: jsonb('public_jwk').$type<JsonWebKey>().notNull(),
    createdAt: createdAt(),
    activatedAt: timestamp('activated_at', { withTimezone: true }).notNull().defaultNow(),
    retiredAt: timestamp('retired_at', { withTimezone: true }),
    compromisedAt: timestamp('compromised_at', { withTimezone: true }),
  },
  (t) => [
    // at most one active key per algorithm
    uniqueIndex('signing_keys_one_active_uq')
      .on(t.alg)
      .where(sql`${t.retiredAt} is null and ${t.compromisedAt} is null`),
  ],
);

/** Append-only (a trigger in the migrations refuses UPDATE, DELETE and TRUNCATE). No personal data. */
export const auditEvents = pgTable(
  'audit_events',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    at: timestamp('at', { withTimezone: true }).notNull().defaultNow(),
    /** who: "institution:21PK", "operator:<name>", "system" */
    actor: text('actor').notNull(),
    action: text('action').notNull(),
    subjectType: text('subject_type').notNull(),
    subjectId: text('subject_id').notNull(),
    data: jsonb('data').$type<Record<string, unknown>>().notNull().default({}),
    requestId: text('request_id'),
  },
  (t) => [index('audit_events_subject_idx').on(t.subjectType, t.subjectId)],
);

// ---------------------------------------------------------------------------------------------
// Signed extracts, status lists, sessions

export const extractStateEnum = pgEnum('extract_state', ['active', 'withdrawn', 'revoked', 'superseded']);
export const statusPurposeEnum = pgEnum('status_purpose', ['revocation', 'suspension']);

/** Bitstring Status Lists. `bits` is the raw bitstring (index 0 = most significant bit of byte 0). */
export const statusLists = pgTable('status_lists', {
  id: text('id').primaryKey(),
  purpose: statusPurposeEnum('purpose').notNull(),
  /** lists of a purpose are numbered 1, 2, …; new credentials go to the newest */
  sequence: integer('sequence').notNull().default(1),
  size: integer('size').notNull(),
  /** entries handed out; a list is closed for new credentials at half full (see status-store.ts) */
  allocated: integer('allocated').notNull().default(0),
  bits: bytea('bits').notNull(),
  /** bumped on every change; part of the ETag */
  version: integer('version').notNull().default(1),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
});

export const extracts = pgTable(
  'extracts',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    /** the extract number printed on the document (unguessable, with a check character) */
    number: text('number').notNull(),
    /** SHA-256 (hex) of the secret in the QR URL fragment */
    secretHash: text('secret_hash').notNull(),
    diplomaId: uuid('diploma_id').notNull().references(() => diplomas.id),
    lang: text('lang').notNull(),
    issuedAt: timestamp('issued_at', { withTimezone: true }).notNull(),
    /** "holder" or "operator:<name>" */
    issuedBy: text('issued_by').notNull(),
    credentialId: text('credential_id').notNull(),
    /** the issued vc+jwt, so the QR and number entrances can verify what was handed out (null only for extracts from before it was kept) */
    credentialJwt: text('credential_jwt'),
    revocationList: text('revocation_list').notNull().references(() => statusLists.id),
    revocationIndex: integer('revocation_index').notNull(),
    suspensionList: text('suspension_list').notNull().references(() => statusLists.id),
    suspensionIndex: integer('suspension_index').notNull(),
    /** SHA-256 (hex) of the sealed PDF as delivered */
    pdfSha256: text('pdf_sha256').notNull(),
    state: extractStateEnum('state').notNull().default('active'),
    stateChangedAt: timestamp('state_changed_at', { withTimezone: true }),
  },
  (t) => [
    uniqueIndex('extracts_number_uq').on(t.number),
    uniqueIndex('extracts_credential_uq').on(t.credentialId),
    uniqueIndex('extracts_revocation_entry_uq').on(t.revocationList, t.revocationIndex),
    uniqueIndex('extracts_suspension_entry_uq').on(t.suspensionList, t.suspensionIndex),
    index('extracts_diploma_idx').on(t.diplomaId),
  ],
);

/** Server-side login sessions. The cookie holds a random token; only its SHA-256 is stored. */
export const sessions = pgTable(
  'sessions',
  {
    tokenHash: text('token_hash').primaryKey(),
    /** the holder's pseudonymous subject id from the identity provider */
    subjectId: text('subject_id').notNull(),
    csrfToken: text('csrf_token').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
  },
  (t) => [index('sessions_expires_idx').on(t.expiresAt)],
);

/** Pending logins: what the callback must find again (state → nonce, PKCE verifier). */
export const loginAttempts = pgTable('login_attempts', {
  state: text('state').primaryKey(),
  nonce: text('nonce').notNull(),
  codeVerifier: text('code_verifier').notNull(),
  returnTo: text('return_to').notNull(),
  lang: text('lang').notNull(),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
});

/**
 * Every verification of an extract, for the holder's "who looked at my data": when and through
 * which entrance, never who (no IP address, no user agent).
 */
export const verificationEvents = pgTable(
  'verification_events',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    extractId: uuid('extract_id').notNull().references(() => extracts.id),
    at: timestamp('at', { withTimezone: true }).notNull(),
    entrance: text('entrance').notNull(),
  },
  (t) => [index('verification_events_extract_idx').on(t.extractId, t.at), check('verification_events_entrance', sql`${t.entrance} in ('qr', 'number', 'upload', 'api')`)],
);

// ---------------------------------------------------------------------------------------------
// Verifier: results a reporter may still turn into a forgery report, and the reports themselves

export const verdictValues = ['authentic', 'revoked', 'superseded', 'suspended', 'not_authentic', 'unknown'] as const;

/**
 * A verification shown on the result page, held briefly so "report suspected forgery" can file
 * exactly what was checked (and, for a suspicious upload, the file) without uploading it again.
 * Reached only through a random token in the page's form (stored hashed); expires after an hour.
 */
export const verificationResults = pgTable(
  'verification_results',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    tokenHash: text('token_hash').notNull().unique(),
    entrance: text('entrance').notNull(),
    verdict: text('verdict').notNull(),
    checks: jsonb('checks').$type<unknown[]>().notNull(),
    extractId: uuid('extract_id').references(() => extracts.id),
    credentialId: text('credential_id'),
    fileSha256: text('file_sha256'),
    /** kept only when the upload was not found authentic */
    file: bytea('file'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
  },
  (t) => [
    index('verification_results_expires_idx').on(t.expiresAt),
    check('verification_results_entrance', sql`${t.entrance} in ('qr', 'number', 'upload', 'api')`),
    check('verification_results_verdict', sql`${t.verdict} in ('authentic', 'revoked', 'superseded', 'suspended', 'not_authentic', 'unknown')`),
  ],
);

/** "Report suspected forgery": what the verifier found, the file and the reporter's message, for investigators. */
export const forgeryReports = pgTable(
  'forgery_reports',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    /** short reference the reporter can quote, e.g. "MR-7KQ2-9XHD" */
    reference: text('reference').notNull().unique(),
    receivedAt: timestamp('received_at', { withTimezone: true }).notNull(),
    entrance: text('entrance').notNull(),
    verdict: text('verdict').notNull(),
    checks: jsonb('checks').$type<unknown[]>().notNull(),
    extractId: uuid('extract_id').references(() => extracts.id),
    credentialId: text('credential_id'),
    fileSha256: text('file_sha256'),
    file: bytea('file'),
    message: text('message').notNull(),
    contact: text('contact'),
    lang: text('lang').notNull(),
    state: text('state').notNull().default('received'),
  },
  (t) => [
    index('forgery_reports_received_idx').on(t.receivedAt),
    check('forgery_reports_state', sql`${t.state} in ('received')`),
  ],
);
