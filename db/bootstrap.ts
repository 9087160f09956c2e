// Bringing a database to a usable register: migrations, the signing key, reference and demo data.
// Used by the Node entry, the scripts and the tests alike.
import type { OpenDatabase } from './open.ts';
import type { SigningKeyPair } from '../src/signing-keys/signing-key.ts';
import { activateKey, activeKid } from '../src/signing-keys/key-registry.ts';
import { createApiKey } from '../src/feed/api-keys.ts';
import { isSeeded, seedDemoRegister, seedReferenceData, type DemoSeedResult } from './seed.ts';
import { demoInstitutions } from './demo/institutions.ts';
import { ensureStatusLists } from '../src/extracts/status-store.ts';

export interface BootstrapResult {
  activeKid: string | undefined;
  /** set when the demo register was created now */
  seeded?: DemoSeedResult & { demoApiKey: { brin: string; name: string; key: string } };
  warnings: string[];
}

export async function bootstrapRegister(
  database: OpenDatabase,
  opts: { signingKeys: SigningKeyPair[]; pseudonymSecret: string; now: Date; demo: boolean; demoPeople?: number },
): Promise<BootstrapResult> {
  const { db } = database;
  const warnings: string[] = [];
  await database.migrate();
  await ensureStatusLists(db, opts.now);

  let kid = await activeKid(db);
  const newest = opts.signingKeys.at(-1);
  if (!kid && newest) {
    await db.transaction((tx) => activateKey(tx, newest.publicJwk, 'system', opts.now));
    kid = newest.kid;
  } else if (kid && !opts.signingKeys.some((k) => k.kid === kid)) {
    warnings.push(`the active signing key ${kid} is not among the local keys: this process cannot sign`);
  }

  let seeded: BootstrapResult['seeded'];
  if (opts.demo && !(await isSeeded(db))) {
    await seedReferenceData(db);
    const result = await seedDemoRegister(db, { pseudonymSecret: opts.pseudonymSecret, now: opts.now, people: opts.demoPeople });
    const institution = demoInstitutions.find((i) => i.sector === 'mbo')!;
    const { key } = await createApiKey(db, institution.brin, 'system', 'demo key created at first start');
    seeded = { ...result, demoApiKey: { brin: institution.brin, name: institution.name, key } };
  }
  return { activeKid: kid, seeded, warnings };
}
