// The register's record of each extract's PDF, for the PDF entrance's binding check: the file the
// register issued with a credential, by its SHA-256.
import { eq } from 'drizzle-orm';
import { extracts } from '../../db/schema.ts';
import type { Database } from '../database.ts';

/** The extract issued with credential `credentialId` (e.g. `urn:uuid:…`) and its PDF's SHA-256 (hex). */
export async function findExtractDocument(db: Database, credentialId: string): Promise<{ extractId: string; pdfSha256: string } | undefined> {
  const [row] = await db.select({ extractId: extracts.id, pdfSha256: extracts.pdfSha256 }).from(extracts).where(eq(extracts.credentialId, credentialId));
  return row;
}
