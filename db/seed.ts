// Reference data (institutions, programmes) and the demo register. The demo diplomas go through the
// real institution feed, so they obey every rule an institution's records obey.
import { count } from 'drizzle-orm';
import { institutions, programmes } from './schema.ts';
import type { Database } from '../src/database.ts';
import { applyRecords } from '../src/feed/feed-service.ts';
import { feedRecordSchema, type FeedRecord } from '../src/feed/schemas.ts';
import { demoInstitutions } from './demo/institutions.ts';
import { demoProgrammes } from './demo/programmes.ts';
import { syntheticPerson } from './demo/generate.ts';

export const DEMO_SEED = 20061;

export async function isSeeded(db: Database): Promise<boolean> {
  const [row] = await db.select({ n: count() }).from(institutions);
  return (row?.n ?? 0) > 0;
}

export async function seedReferenceData(db: Database): Promise<void> {
  await db.insert(institutions).values(demoInstitutions.map((i) => ({ ...i, nameEn: i.nameEn ?? null }))).onConflictDoNothing();
  await db
    .insert(programmes)
    .values(demoProgrammes.map((p) => ({ codeType: p.codeType, code: p.code, sector: p.sector, nameNl: p.nameNl, nameEn: p.nameEn, nlqf: p.nlqf, eqf: p.eqf, profiles: p.profiles ?? [] })))
    .onConflictDoNothing();
}

export interface DemoSeedResult {
  holders: number;
  records: number;
}

/** The demo register: `people` synthetic holders with their diplomas, applied through the feed. */
export async function seedDemoRegister(db: Database, opts: { pseudonymSecret: string; now: Date; people?: number; seed?: number }): Promise<DemoSeedResult> {
  const wanted = opts.people ?? 620;
  const today = opts.now.toISOString().slice(0, 10);
  const byBrin = new Map<string, FeedRecord[]>();
  let holders = 0;
  let records = 0;
  for (let serial = 0; holders < wanted; serial++) {
    const person = syntheticPerson(opts.seed ?? DEMO_SEED, serial, today);
    if (!person) continue;
    const brinByReference = new Map<string, string>();
    for (const record of person.records) {
      const brin = record.type === 'annulment' ? brinByReference.get(record.annuls)! : record.institution.brin;
      brinByReference.set(record.reference, brin);
      if (!byBrin.has(brin)) byBrin.set(brin, []);
      byBrin.get(brin)!.push(feedRecordSchema.parse(record)); // the same boundary an institution meets
      records++;
    }
    holders++;
  }
  await db.transaction(async (tx) => {
    for (const [brin, batch] of byBrin) {
      const results = await applyRecords(tx, { brin, pseudonymSecret: opts.pseudonymSecret, now: opts.now }, batch);
      const rejected = results.find((r) => !r.ok);
      if (rejected && !rejected.ok) throw new Error(`demo record rejected by the feed: ${rejected.error.code} ${JSON.stringify(rejected.error.errors ?? rejected.error.detail)}`);
    }
  });
  return { holders, records };
}
