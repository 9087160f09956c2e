// What the verification pipeline reads, from this register: its published keys, its own status
// lists (a list at any other address cannot be had: the status check then fails closed) and the
// register's record of the extract.
import { alias } from 'drizzle-orm/pg-core';
import { eq } from 'drizzle-orm';
import { diplomas, extracts, holders, verificationEvents } from '../../db/schema.ts';
import type { AppDeps } from '../deps.ts';
import { listKeys } from '../signing-keys/key-registry.ts';
import { buildJwks } from '../signing-keys/publication.ts';
import type { StatusListPublisher } from '../extracts/status-publisher.ts';
import type { PublishedKeys, VerificationSources } from '../verification/pipeline.ts';

const successor = alias(diplomas, 'successor');

export function registerSources(deps: AppDeps, publisher: StatusListPublisher): VerificationSources {
  const ownLists = `${deps.config.publicBaseUrl}/status/`;
  return {
    expectedIssuerDid: deps.config.did,
    keys: async () => buildJwks(await listKeys(deps.db)) as PublishedKeys,
    statusList: async (url) => (url.startsWith(ownLists) ? (await publisher.signed(deps, url.slice(ownLists.length)))?.jwt : undefined),
    register: async (credentialId) => {
      const [row] = await deps.db
        .select({ state: extracts.state, diplomaState: diplomas.state, successorAwardDate: successor.awardDate })
        .from(extracts)
        .innerJoin(diplomas, eq(diplomas.id, extracts.diplomaId))
        .leftJoin(successor, eq(successor.id, diplomas.supersededBy))
        .where(eq(extracts.credentialId, credentialId));
      if (!row) return undefined;
      return { state: row.state, diplomaState: row.diplomaState, ...(row.successorAwardDate ? { supersededBy: { awardDate: row.successorAwardDate } } : {}) };
    },
  };
}

/** The extract behind a typed or scanned number, with what the entrances compare against. */
export async function findExtractByNumber(deps: AppDeps, number: string) {
  const [row] = await deps.db
    .select({ id: extracts.id, secretHash: extracts.secretHash, jwt: extracts.credentialJwt, prefix: holders.prefix, familyName: holders.familyName })
    .from(extracts)
    .innerJoin(diplomas, eq(diplomas.id, extracts.diplomaId))
    .innerJoin(holders, eq(holders.id, diplomas.holderId))
    .where(eq(extracts.number, number));
  return row;
}

/** One line in the holder's "who looked at my data": when and through which entrance, never who. */
export async function recordVerification(deps: AppDeps, extractId: string, entrance: 'qr' | 'number' | 'upload' | 'api'): Promise<void> {
  await deps.db.insert(verificationEvents).values({ extractId, at: deps.clock.now(), entrance });
}
