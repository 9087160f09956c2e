// The register of signing keys and their lifecycle: active → retired (still verifies what it
// signed) or compromised (everything it signed fails). Public halves only.
import { and, asc, eq, isNull } from 'drizzle-orm';
import { signingKeys } from '../../db/schema.ts';
import type { Tx } from '../database.ts';
import type { PublicSigningJwk } from './signing-key.ts';
import { recordAudit } from '../audit/audit.ts';

export type KeyStatus = 'active' | 'retired' | 'compromised';

export interface RegisteredKey {
  kid: string;
  alg: string;
  publicJwk: PublicSigningJwk;
  status: KeyStatus;
  activatedAt: Date;
  retiredAt: Date | null;
  compromisedAt: Date | null;
}

export async function listKeys(db: Tx): Promise<RegisteredKey[]> {
  const rows = await db.select().from(signingKeys).orderBy(asc(signingKeys.activatedAt));
  return rows.map((r) => ({
    kid: r.kid,
    alg: r.alg,
    publicJwk: r.publicJwk as PublicSigningJwk,
    status: r.compromisedAt ? 'compromised' : r.retiredAt ? 'retired' : 'active',
    activatedAt: r.activatedAt,
    retiredAt: r.retiredAt,
    compromisedAt: r.compromisedAt,
  }));
}

export async function activeKid(db: Tx): Promise<string | undefined> {
  const [row] = await db
    .select({ kid: signingKeys.kid })
    .from(signingKeys)
    .where(and(eq(signingKeys.alg, 'EdDSA'), isNull(signingKeys.retiredAt), isNull(signingKeys.compromisedAt)));
  return row?.kid;
}

/**
 * Makes `publicJwk` the active key. The key that was active is retired (it keeps verifying what it
 * signed). Registering the already-active key again changes nothing.
 */
export async function activateKey(db: Tx, publicJwk: PublicSigningJwk, actor: string, at: Date): Promise<'activated' | 'unchanged'> {
  const current = await activeKid(db);
  if (current === publicJwk.kid) return 'unchanged';
  const [existing] = await db.select().from(signingKeys).where(eq(signingKeys.kid, publicJwk.kid));
  if (existing) throw new Error(`key ${publicJwk.kid} was active before; a retired or compromised key is never reactivated`);
  if (current) {
    await db.update(signingKeys).set({ retiredAt: at }).where(eq(signingKeys.kid, current));
    await recordAudit(db, { actor, action: 'signing_key.retired', subjectType: 'signing_key', subjectId: current, at });
  }
  await db.insert(signingKeys).values({ kid: publicJwk.kid, alg: 'EdDSA', publicJwk, activatedAt: at, createdAt: at });
  await recordAudit(db, {
    actor,
    action: 'signing_key.activated',
    subjectType: 'signing_key',
    subjectId: publicJwk.kid,
    data: current ? { replaces: current } : {},
    at,
  });
  return 'activated';
}

export async function markCompromised(db: Tx, kid: string, actor: string, at: Date, reason: string): Promise<void> {
  const updated = await db
    .update(signingKeys)
    .set({ compromisedAt: at })
    .where(and(eq(signingKeys.kid, kid), isNull(signingKeys.compromisedAt)))
    .returning({ kid: signingKeys.kid });
  if (updated.length === 0) {
    const [exists] = await db.select({ kid: signingKeys.kid }).from(signingKeys).where(eq(signingKeys.kid, kid));
    if (!exists) throw new Error(`no signing key with kid ${kid}`);
    return; // already compromised
  }
  await recordAudit(db, { actor, action: 'signing_key.compromised', subjectType: 'signing_key', subjectId: kid, data: { reason }, at });
}
