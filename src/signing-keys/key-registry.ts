// The register of signing keys and their lifecycle: active → retired (still verifies what it
// signed) or compromised (everything it signed fails). Public halves only.
import { and, asc, eq, isNull } from 'drizzle-orm';
import { signingKeys } from '../../db/schema.ts';
import type { Tx } from '../database.ts';
import type { PublicSigningJwk } from './signing-key.ts';
import { recordAudit } from '../audit/audit.ts';
import type { RegisterChangeFeed } from '../verifier/register-changes.ts';

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

// Every verification, every signed status list and every extract reads the keys, so the app's
// KeyRegistry (one per app, src/services.ts) caches them per database handle. Changes made through
// it drop its cache at once; a change made elsewhere (keys:rotate or keys:compromise from a shell,
// another instance) is seen when the register announces it, and without announcements within
// KEYS_CACHE_TTL_MS. So a key marked compromised from outside is still trusted (and may still
// sign) for at most that long: keep it short.
export const KEYS_CACHE_TTL_MS = 10_000;
/**
 * A change is usually made in a transaction that commits a moment after it returns; what is read
 * meanwhile may predate the commit. What is read within SETTLE_MS of a change is kept only briefly.
 */
const SETTLE_MS = 2_000;
const SETTLING_TTL_MS = 100;

interface CachedKeys {
  loadedAt: number;
  ttl: number;
  generation: number;
  keys: Promise<readonly RegisteredKey[]>;
}

export type KeyRegistry = ReturnType<typeof createKeyRegistry>;

/** The registered keys as this app sees them; `changes` (if any) makes a change from outside count at once. */
export function createKeyRegistry(changes?: RegisterChangeFeed) {
  const cachedKeys = new WeakMap<Tx, CachedKeys>();
  /** bumped by every change seen: older cache entries are not used again */
  let generation = 0;
  let changedAt = -Infinity;
  const changed = () => {
    generation++;
    changedAt = performance.now();
  };
  changes?.subscribe((table) => (table === undefined || table === 'signing_keys') && changed());

  function registeredKeys(db: Tx): Promise<readonly RegisteredKey[]> {
    const now = performance.now();
    const hit = cachedKeys.get(db);
    if (hit && hit.generation === generation && now - hit.loadedAt < hit.ttl) return hit.keys;
    const ttl = now - changedAt < SETTLE_MS ? SETTLING_TTL_MS : KEYS_CACHE_TTL_MS;
    const entry: CachedKeys = { loadedAt: now, ttl, generation, keys: readKeys(db) };
    cachedKeys.set(db, entry);
    // a failed read is not remembered: the next caller tries again
    entry.keys.catch(() => cachedKeys.get(db) === entry && cachedKeys.delete(db));
    return entry.keys;
  }

  return {
    /** Every key, oldest first (at most KEYS_CACHE_TTL_MS old, see above). */
    list: async (db: Tx): Promise<RegisteredKey[]> => [...(await registeredKeys(db))],
    /** The kid of the active EdDSA key, if there is one (at most KEYS_CACHE_TTL_MS old). */
    activeKid: async (db: Tx): Promise<string | undefined> => activeOf(await registeredKeys(db)),
    /** activateKey, counting at once for this app */
    async activate(db: Tx, publicJwk: PublicSigningJwk, actor: string, at: Date) {
      changed();
      try {
        return await activateKey(db, publicJwk, actor, at);
      } finally {
        changed();
      }
    },
    /** markCompromised, counting at once for this app */
    async compromise(db: Tx, kid: string, actor: string, at: Date, reason: string) {
      changed();
      try {
        return await markCompromised(db, kid, actor, at, reason);
      } finally {
        changed();
      }
    },
  };
}

async function readKeys(db: Tx): Promise<readonly RegisteredKey[]> {
  const rows = await db.select().from(signingKeys).orderBy(asc(signingKeys.activatedAt));
  return rows.map((r) =>
    Object.freeze({
      kid: r.kid,
      alg: r.alg,
      publicJwk: Object.freeze(r.publicJwk as PublicSigningJwk),
      status: r.compromisedAt ? 'compromised' : r.retiredAt ? 'retired' : 'active',
      activatedAt: r.activatedAt,
      retiredAt: r.retiredAt,
      compromisedAt: r.compromisedAt,
    } satisfies RegisteredKey),
  );
}

/** Every key, oldest first, read now (tools and tests; the app reads through its KeyRegistry). */
export async function listKeys(db: Tx): Promise<RegisteredKey[]> {
  return [...(await readKeys(db))];
}

/** The kid of the active EdDSA key, read now (tools; the app reads through its KeyRegistry). */
export async function activeKid(db: Tx): Promise<string | undefined> {
  return activeOf(await readKeys(db));
}

function activeOf(keys: readonly RegisteredKey[]): string | undefined {
  for (let i = keys.length - 1; i >= 0; i--) {
    const k = keys[i]!;
    if (k.alg === 'EdDSA' && k.status === 'active') return k.kid;
  }
  return undefined;
}

/**
 * Makes `publicJwk` the active key. The key that was active is retired (it keeps verifying what it
 * signed). Registering the already-active key again changes nothing.
 */
export async function activateKey(db: Tx, publicJwk: PublicSigningJwk, actor: string, at: Date): Promise<'activated' | 'unchanged'> {
  const current = activeOf(await readKeys(db)); // never from the cache: this decides a change
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
