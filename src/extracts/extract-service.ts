// Issuing signed extracts: the credential (vc+jwt with revocation and suspension entries), the PDF
// with QR code and the credential attached, the seal, and the record of it all. Withdrawing and
// the feed's corrections and annulments revoke them.
import { eq } from 'drizzle-orm';
import { diplomas, extracts, holders, institutions, programmes } from '../../db/schema.ts';
import type { Database, Tx } from '../database.ts';
import { AppError } from '../errors.ts';
import { base64url, sha256Hex } from '../lib/bytes.ts';
import { recordAudit } from '../audit/audit.ts';
import { activeKid } from '../signing-keys/key-registry.ts';
import type { SigningKeyPair } from '../signing-keys/signing-key.ts';
import { buildDiplomaCredential } from '../credentials/diploma-credential.ts';
import { diplomaContextUrl } from '../credentials/context.ts';
import { signCredential } from '../credentials/vc-jwt.ts';
import { buildExtractDocument, type PreparedAssets } from '../documents/extract-pdf.ts';
import { sealPdfDocument, type SealKey } from '../documents/pdf-seal.ts';
import { generateExtractNumber, formatExtractNumber } from './extract-number.ts';
import { allocateStatusSlot } from './status-store.ts';
import { statusListUrl } from './status-publisher.ts';
import { isUniqueViolation } from '../lib/db-errors.ts';

export type ExtractLanguage = 'nl' | 'en';

/** What issuing needs beyond the database: keys and the prepared document assets. */
export interface ExtractIssuer {
  /** the private signing keys this process holds, by kid; the register's active key must be one */
  signingKeys: ReadonlyMap<string, SigningKeyPair>;
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

/** The diploma with everything an extract prints. */
export async function loadDiplomaView(db: Tx, diplomaId: string) {
  const [row] = await db
    .select({ diploma: diplomas, holder: holders, programme: programmes, institution: institutions })
    .from(diplomas)
    .innerJoin(holders, eq(holders.id, diplomas.holderId))
    .innerJoin(programmes, eq(programmes.id, diplomas.programmeId))
    .innerJoin(institutions, eq(institutions.id, diplomas.institutionId))
    .where(eq(diplomas.id, diplomaId));
  return row;
}
export type DiplomaView = NonNullable<Awaited<ReturnType<typeof loadDiplomaView>>>;

export const extractProblems = {
  diplomaNotFound: () =>
    new AppError({ code: 'DIPLOMA_NOT_FOUND', status: 404, title: 'Diploma not found', detail: 'There is no such diploma among yours.' }),
  diplomaNotCurrent: (state: string) =>
    new AppError({
      code: 'DIPLOMA_NOT_CURRENT',
      status: 409,
      title: 'No extract for this diploma',
      detail: state === 'annulled' ? 'The diploma was annulled.' : 'The diploma was corrected; download the extract of the current version.',
      extra: { state },
    }),
  noSigningKey: () =>
    new AppError({ code: 'SIGNING_KEY_UNAVAILABLE', status: 503, title: 'Signing is unavailable', detail: 'This server holds no private key for the active signing key.' }),
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
  const view = await loadDiplomaView(db, req.diplomaId);
  if (!view || (req.holderSubjectId !== undefined && view.holder.subjectId !== req.holderSubjectId)) throw extractProblems.diplomaNotFound();
  if (view.diploma.state !== 'valid') throw extractProblems.diplomaNotCurrent(view.diploma.state);
  const kid = await activeKid(db);
  const key = kid ? issuer.signingKeys.get(kid) : undefined;
  if (!key) throw extractProblems.noSigningKey();

  const number = generateExtractNumber();
  const canonicalNumber = number.replace(/-/g, '');
  const secret = base64url(crypto.getRandomValues(new Uint8Array(16)));
  const verifyUrl = `${issuer.publicBaseUrl}/v/${canonicalNumber}#${secret}`;
  const credentialId = crypto.randomUUID();

  // Slots are claimed in their own short statements and the row is written in a short
  // transaction after the slow part (render, seal): no lock is held while a PDF is being made.
  // Two issuances drawing the same free index (rare: lists stay under half full) collide on the
  // unique index at insert; the loser starts over.
  for (let attempt = 0; ; attempt++) {
    const revocation = await allocateStatusSlot(db, 'revocation', req.now);
    const suspension = await allocateStatusSlot(db, 'suspension', req.now);
    const profile = view.diploma.profile ? view.programme.profiles.find((p) => p.code === view.diploma.profile) ?? null : null;
    const subject = {
      holder: { givenNames: view.holder.givenNames, prefix: view.holder.prefix, familyName: view.holder.familyName, birthDate: view.holder.birthDate },
      programme: { codeType: view.programme.codeType, code: view.programme.code, nameNl: view.programme.nameNl, nameEn: view.programme.nameEn },
      institution: { brin: view.institution.brin, location: view.institution.location, name: view.institution.name, place: view.institution.place },
    };
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
    const values = {
      number: canonicalNumber,
      secretHash: await sha256Hex(secret),
      diplomaId: view.diploma.id,
      lang: req.lang,
      issuedAt: req.now,
      issuedBy: req.issuedBy,
      credentialId: `urn:uuid:${credentialId}`,
      credentialJwt,
      revocationList: revocation.listId,
      revocationIndex: revocation.index,
      suspensionList: suspension.listId,
      suspensionIndex: suspension.index,
      pdfSha256: await sha256Hex(pdf),
    };
    let row: { id: string } | undefined;
    try {
      row = await db.transaction(async (tx) => {
        // again, under a share lock: an annulment or correction that committed while the PDF was
        // being made must not leave an active extract behind (its revocation pass ran without it)
        const [now] = await tx.select({ state: diplomas.state }).from(diplomas).where(eq(diplomas.id, view.diploma.id)).for('share');
        if (now?.state !== 'valid') throw extractProblems.diplomaNotCurrent(now?.state ?? 'annulled');
        const [inserted] = await tx.insert(extracts).values(values).returning({ id: extracts.id });
        await recordAudit(tx, {
          actor: req.issuedBy,
          action: 'extract.issued',
          subjectType: 'extract',
          subjectId: inserted!.id,
          data: { diplomaId: view.diploma.id, lang: req.lang, kid },
          requestId: req.requestId,
          at: req.now,
        });
        return inserted;
      });
    } catch (err) {
      if (isUniqueViolation(err) && attempt < 3) continue;
      throw err;
    }
    return { id: row!.id, number: formatExtractNumber(canonicalNumber), pdf, credentialJwt, verifyUrl };
  }
}
