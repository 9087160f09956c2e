// Issuing signed extracts: the credential (vc+jwt with revocation and suspension entries), the PDF
// with QR code and the credential attached, the seal, and the record of it all. Withdrawing and
// the feed's corrections and annulments revoke them.
import { eq, sql } from 'drizzle-orm';
import { diplomas, holders, institutions, programmes } from '../../db/schema.ts';
import { rowsOf, type Database, type Tx } from '../database.ts';
import { AppError } from '../errors.ts';
import { base64url, sha256Hex } from '../lib/bytes.ts';
import { activeKid as readActiveKid, createKeyRegistry, type KeyRegistry } from '../signing-keys/key-registry.ts';
import type { SigningKeyPair } from '../signing-keys/signing-key.ts';
import { buildDiplomaCredential } from '../credentials/diploma-credential.ts';
import { diplomaContextUrl } from '../credentials/context.ts';
import { signCredential } from '../credentials/vc-jwt.ts';
import { buildExtractDocument, type PreparedAssets } from '../documents/extract-pdf.ts';
import { sealPdfDocument, type SealKey } from '../documents/pdf-seal.ts';
import { generateExtractNumber, formatExtractNumber } from './extract-number.ts';
import { createStatusSlotClaims, type StatusSlot, type StatusSlotClaims } from './status-store.ts';
import { statusListUrl } from './status-publisher.ts';
import { isUniqueViolation } from '../lib/db-errors.ts';

export type ExtractLanguage = 'nl' | 'en';

/** What issuing needs beyond the database: keys and the prepared document assets. */
export interface ExtractIssuer {
  /** the private signing keys this process holds, by kid; the register's active key must be one */
  signingKeys: { get(kid: string): SigningKeyPair | undefined | Promise<SigningKeyPair | undefined> };
  /** the app's services (src/services.ts): its key cache, status-entry claims and prepared reads; without them each issue reads afresh */
  services?: ExtractServices;
  seal: SealKey;
  documentAssets: PreparedAssets;
  publicBaseUrl: string;
  did: string;
}

export interface IssuedExtract {
  id: string;
  number: string;
  pdf: Uint8Array;
  credentialJwt: string;
  verifyUrl: string;
}

// Prepared once per database handle (a prepared statement belongs to the handle it was made on;
// kept by the app's DiplomaViews):
// every extract and every portal diploma page reads this, and prepared it skips drizzle's building
// of a four-table selection on every read. Only the columns an extract prints
// (and the owner check needs): each further column is parsed and mapped on every read.
const prepareViewQuery = (db: Tx) =>
  db
    .select({
      diploma: {
        id: diplomas.id,
        state: diplomas.state,
        kind: diplomas.kind,
        profile: diplomas.profile,
        awardDate: diplomas.awardDate,
        nlqf: diplomas.nlqf,
        eqf: diplomas.eqf,
        grades: diplomas.grades,
      },
      // the holder as this diploma says: as the institution reported them where that differs (feed-service.ts)
      holder: {
        subjectId: holders.subjectId,
        givenNames: sql<string>`coalesce(${diplomas.reportedGivenNames}, ${holders.givenNames})`,
        prefix: sql<string | null>`case when ${diplomas.reportedFamilyName} is null then ${holders.prefix} else ${diplomas.reportedPrefix} end`,
        familyName: sql<string>`coalesce(${diplomas.reportedFamilyName}, ${holders.familyName})`,
        birthDate: sql<string>`coalesce(${diplomas.reportedBirthDate}, ${holders.birthDate})::text`,
      },
      programme: { codeType: programmes.codeType, code: programmes.code, nameNl: programmes.nameNl, nameEn: programmes.nameEn, profiles: programmes.profiles },
      institution: { brin: institutions.brin, location: institutions.location, name: institutions.name, place: institutions.place },
    })
    .from(diplomas)
    .innerJoin(holders, eq(holders.id, diplomas.holderId))
    .innerJoin(programmes, eq(programmes.id, diplomas.programmeId))
    .innerJoin(institutions, eq(institutions.id, diplomas.institutionId))
    .where(eq(diplomas.id, sql.placeholder('diplomaId')))
    .prepare('extract_diploma_view');

export type DiplomaViews = ReturnType<typeof createDiplomaViews>;

/** The app's prepared view queries, one per database handle. */
export function createDiplomaViews() {
  const queries = new WeakMap<Tx, ReturnType<typeof prepareViewQuery>>();
  return (db: Tx) => {
    let query = queries.get(db);
    if (!query) queries.set(db, (query = prepareViewQuery(db)));
    return query;
  };
}

/** What issuing keeps between extracts: one per app (src/services.ts). */
export interface ExtractServices {
  keys: Pick<KeyRegistry, 'activeKid'>;
  statusSlots: StatusSlotClaims;
  diplomaViews: DiplomaViews;
}

/** ExtractServices for a process that issues without an app (the benchmark, tools) */
export const createExtractServices = (): ExtractServices => ({ keys: createKeyRegistry(), statusSlots: createStatusSlotClaims(), diplomaViews: createDiplomaViews() });

/** The diploma with everything an extract prints. */
export async function loadDiplomaView(db: Tx, diplomaId: string, views?: DiplomaViews) {
  const [row] = await (views ? views(db) : prepareViewQuery(db)).execute({ diplomaId });
  return row;
}
export type DiplomaView = NonNullable<Awaited<ReturnType<typeof loadDiplomaView>>>;

export const extractProblems = {
  diplomaNotFound: () =>
    new AppError('DIPLOMA_NOT_FOUND', { detail: 'There is no such diploma among yours.' }),
  diplomaNotCurrent: (state: string) =>
    new AppError('DIPLOMA_NOT_CURRENT', {
      detail: state === 'annulled' ? 'The diploma was annulled.' : 'The diploma was corrected; download the extract of the current version.',
      extra: { state },
    }),
  noSigningKey: () =>
    new AppError('SIGNING_KEY_UNAVAILABLE', { detail: 'This server holds no private key for the active signing key.' }),
};

/**
 * Issues an extract of `diplomaId`. `holderSubjectId` (a logged-in holder) must own the diploma;
 * an operator issues for any diploma and is named in `issuedBy`.
 */
export async function issueExtract(
  db: Database,
  issuer: ExtractIssuer,
  req: { diplomaId: string; lang: ExtractLanguage; issuedBy: string; holderSubjectId?: string; now: Date; requestId?: string },
): Promise<IssuedExtract> {
  const services = issuer.services;
  const view = await loadDiplomaView(db, req.diplomaId, services?.diplomaViews);
  if (!view || (req.holderSubjectId !== undefined && view.holder.subjectId !== req.holderSubjectId)) throw extractProblems.diplomaNotFound();
  if (view.diploma.state !== 'valid') throw extractProblems.diplomaNotCurrent(view.diploma.state);
  const kid = await (services ? services.keys.activeKid(db) : readActiveKid(db));
  const key = kid ? await issuer.signingKeys.get(kid) : undefined;
  if (!key) throw extractProblems.noSigningKey();

  const number = generateExtractNumber();
  const canonicalNumber = number.replace(/-/g, '');
  const secret = base64url(crypto.getRandomValues(new Uint8Array(16)));
  const secretHash = await sha256Hex(secret);
  const verifyUrl = `${issuer.publicBaseUrl}/v/${canonicalNumber}#${secret}`;
  const credentialId = crypto.randomUUID();
  const profile = view.diploma.profile ? view.programme.profiles.find((p) => p.code === view.diploma.profile) ?? null : null;
  const subject = {
    holder: { givenNames: view.holder.givenNames, prefix: view.holder.prefix, familyName: view.holder.familyName, birthDate: view.holder.birthDate },
    programme: { codeType: view.programme.codeType, code: view.programme.code, nameNl: view.programme.nameNl, nameEn: view.programme.nameEn },
    institution: { brin: view.institution.brin, location: view.institution.location, name: view.institution.name, place: view.institution.place },
  };

  // The status entries are claimed first (claimStatusSlots, mostly a read) and the row is written
  // in one statement after the slow part (render, seal): no lock is held while a PDF is being made.
  // Two issuances drawing the same free index (rare: lists stay under half full) collide on the
  // unique index at insert; the loser starts over.
  // claims kept by no app count their entries at once (nothing stays to count them later)
  const statusSlots = services?.statusSlots ?? createStatusSlotClaims({ countEvery: 1 });
  for (let attempt = 0; ; attempt++) {
    const { revocation, suspension } = await statusSlots.claim(db, req.now);
    const credential = buildDiplomaCredential(
      { ...subject, diploma: { id: view.diploma.id, kind: view.diploma.kind, awardDate: view.diploma.awardDate, nlqf: view.diploma.nlqf, eqf: view.diploma.eqf, profile } },
      {
        id: credentialId,
        issuerDid: issuer.did,
        validFrom: req.now,
        contextUrl: diplomaContextUrl(issuer.publicBaseUrl),
        status: {
          revocation: { listUrl: statusListUrl(issuer.publicBaseUrl, revocation.listId), index: revocation.index },
          suspension: { listUrl: statusListUrl(issuer.publicBaseUrl, suspension.listId), index: suspension.index },
        },
      },
    );
    const credentialJwt = await signCredential(credential, key);
    const document = await buildExtractDocument(
      {
        ...subject,
        lang: req.lang,
        extractNumber: number,
        issuedAt: req.now,
        verifyUrl,
        verifyBaseUrl: `${issuer.publicBaseUrl}/v`,
        credentialJwt,
        diploma: { kind: view.diploma.kind, awardDate: view.diploma.awardDate, nlqf: view.diploma.nlqf, eqf: view.diploma.eqf, profile, grades: view.diploma.grades },
      },
      issuer.documentAssets,
    );
    const pdf = await sealPdfDocument(document, issuer.seal, { signingTime: req.now, reason: req.lang === 'nl' ? 'Uittreksel diplomaregister' : 'Extract from the diploma register', location: 'NL' });
    let stored: { state: string | null; id: string | null } | undefined;
    try {
      stored = await storeExtract(db, {
        number: canonicalNumber,
        secretHash,
        diplomaId: view.diploma.id,
        lang: req.lang,
        issuedAt: req.now,
        issuedBy: req.issuedBy,
        credentialId: `urn:uuid:${credentialId}`,
        credentialJwt,
        revocation,
        suspension,
        pdfSha256: await sha256Hex(pdf),
        audit: { data: { diplomaId: view.diploma.id, lang: req.lang, kid }, requestId: req.requestId },
      });
    } catch (err) {
      if (isUniqueViolation(err) && attempt < 3) continue;
      throw err;
    }
    // an annulment or correction that committed while the PDF was being made: nothing was stored
    if (!stored.id) throw extractProblems.diplomaNotCurrent(stored.state ?? 'annulled');
    return { id: stored.id, number: formatExtractNumber(canonicalNumber), pdf, credentialJwt, verifyUrl };
  }
}

interface ExtractRecord {
  number: string;
  secretHash: string;
  diplomaId: string;
  lang: ExtractLanguage;
  issuedAt: Date;
  issuedBy: string;
  credentialId: string;
  credentialJwt: string;
  revocation: StatusSlot;
  suspension: StatusSlot;
  pdfSha256: string;
  audit: { data: Record<string, unknown>; requestId: string | undefined };
}

/**
 * Writes the extract and its audit event (as recordAudit would) in one statement: one round trip
 * and one commit, where a transaction took five. Only if the diploma is still valid: it is read
 * under a share lock, so an annulment or correction either committed before (then nothing is
 * written and `id` is null) or waits for this one (and its revocation pass then sees the new
 * extract).
 */
async function storeExtract(db: Database, r: ExtractRecord): Promise<{ state: string | null; id: string | null }> {
  const at = r.issuedAt.toISOString();
  const [row] = rowsOf<{ state: string | null; id: string | null }>(
    await db.execute(sql`
      with diploma as (
        select state from diplomas where id = ${r.diplomaId} for share),
      inserted as (
        insert into extracts (number, secret_hash, diploma_id, lang, issued_at, issued_by, credential_id, credential_jwt,
          revocation_list, revocation_index, suspension_list, suspension_index, pdf_sha256)
        select ${r.number}, ${r.secretHash}, ${r.diplomaId}, ${r.lang}, ${at}::timestamptz, ${r.issuedBy}, ${r.credentialId}, ${r.credentialJwt},
          ${r.revocation.listId}, ${r.revocation.index}, ${r.suspension.listId}, ${r.suspension.index}, ${r.pdfSha256}
        from diploma where diploma.state = 'valid'
        returning id),
      audit as (
        insert into audit_events (at, actor, action, subject_type, subject_id, data, request_id)
        select ${at}::timestamptz, ${r.issuedBy}, 'extract.issued', 'extract', inserted.id::text, ${JSON.stringify(r.audit.data)}::jsonb, ${r.audit.requestId ?? null}
        from inserted)
      select (select state::text from diploma) as state, (select id::text from inserted) as id`),
  );
  return row!;
}
