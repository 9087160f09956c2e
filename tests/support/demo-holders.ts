// Demo holders the portal tests need, found in the seeded register by what they hold.
import { and, eq, sql } from 'drizzle-orm';
import { diplomas, holders } from '../../db/schema.ts';
import type { Database } from '../../src/database.ts';

/** a holder with a corrected diploma whose correction (same programme) is valid: two cards that sound alike */
export async function holderWithSameProgrammeCorrection(db: Database): Promise<typeof holders.$inferSelect> {
  const [pair] = await db
    .select({ holder: holders })
    .from(diplomas)
    .innerJoin(holders, eq(holders.id, diplomas.holderId))
    .where(and(eq(diplomas.state, 'corrected'), sql`exists (select 1 from diplomas n where n.id = ${diplomas.supersededBy} and n.programme_id = ${diplomas.programmeId} and n.state = 'valid')`))
    .limit(1);
  if (!pair) throw new Error('the demo register has no holder with a same-programme correction');
  return pair.holder;
}
