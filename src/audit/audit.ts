// Append-only audit trail of every state change. `data` holds ids, codes and counts: no names,
// birth dates or BSNs.
import { auditEvents } from '../../db/schema.ts';
import type { Tx } from '../database.ts';

export interface AuditEventInput {
  actor: string;
  action: string;
  subjectType: string;
  subjectId: string;
  data?: Record<string, unknown>;
  requestId?: string;
  at?: Date;
}

export async function recordAudit(db: Tx, event: AuditEventInput): Promise<void> {
  await db.insert(auditEvents).values({
    actor: event.actor,
    action: event.action,
    subjectType: event.subjectType,
    subjectId: event.subjectId,
    data: event.data ?? {},
    requestId: event.requestId,
    ...(event.at ? { at: event.at } : {}),
  });
}
