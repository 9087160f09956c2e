// Changing an extract's status: the holder withdraws it; the feed's corrections and annulments
// supersede or revoke it. Each sets the extract's revocation bit.
import { and, eq, inArray } from 'drizzle-orm';
import { diplomas, extracts, holders } from '../../db/schema.ts';
import type { Database, Tx } from '../database.ts';
import { AppError } from '../errors.ts';
import { recordAudit } from '../audit/audit.ts';
import { setStatusBit } from './status-store.ts';

/** The holder withdraws one of their extracts: it is revoked for good. */
export async function withdrawExtract(db: Database, req: { extractId: string; holderSubjectId: string; now: Date; requestId?: string }): Promise<void> {
  await db.transaction(async (tx) => {
    const [row] = await tx
      .select({ id: extracts.id, state: extracts.state, revocationList: extracts.revocationList, revocationIndex: extracts.revocationIndex })
      .from(extracts)
      .innerJoin(diplomas, eq(diplomas.id, extracts.diplomaId))
      .innerJoin(holders, eq(holders.id, diplomas.holderId))
      .where(and(eq(extracts.id, req.extractId), eq(holders.subjectId, req.holderSubjectId)));
    if (!row) throw new AppError('EXTRACT_NOT_FOUND');
    if (row.state !== 'active') {
      throw new AppError('EXTRACT_NOT_ACTIVE', { extra: { state: row.state } });
    }
    const changed = await tx.update(extracts).set({ state: 'withdrawn', stateChangedAt: req.now }).where(and(eq(extracts.id, row.id), eq(extracts.state, 'active'))).returning({ id: extracts.id });
    if (!changed.length) throw new AppError('EXTRACT_NOT_ACTIVE');
    await setStatusBit(tx, { listId: row.revocationList, index: row.revocationIndex }, true, req.now);
    await recordAudit(tx, { actor: `holder:${req.holderSubjectId}`, action: 'extract.withdrawn', subjectType: 'extract', subjectId: row.id, requestId: req.requestId, at: req.now });
  });
}

/**
 * The feed corrected or annulled these diplomas: their active extracts are superseded or revoked
 * (revocation bit set either way, so a verifier that only reads the status list fails them too).
 */
export async function revokeExtractsOfDiplomas(tx: Tx, changes: Array<{ diplomaId: string; newState: 'superseded' | 'revoked' }>, actor: string, now: Date, requestId?: string): Promise<number> {
  if (!changes.length) return 0;
  const stateByDiploma = new Map(changes.map((c) => [c.diplomaId, c.newState]));
  const active = await tx
    .select({ id: extracts.id, diplomaId: extracts.diplomaId, revocationList: extracts.revocationList, revocationIndex: extracts.revocationIndex })
    .from(extracts)
    .where(and(inArray(extracts.diplomaId, [...stateByDiploma.keys()]), eq(extracts.state, 'active')));
  for (const e of active) {
    const state = stateByDiploma.get(e.diplomaId)!;
    const changed = await tx.update(extracts).set({ state, stateChangedAt: now }).where(and(eq(extracts.id, e.id), eq(extracts.state, 'active'))).returning({ id: extracts.id });
    if (!changed.length) continue; // withdrawn meanwhile: its bit is set already
    await setStatusBit(tx, { listId: e.revocationList, index: e.revocationIndex }, true, now);
    await recordAudit(tx, { actor, action: `extract.${state}`, subjectType: 'extract', subjectId: e.id, data: { diplomaId: e.diplomaId }, requestId, at: now });
  }
  return active.length;
}
