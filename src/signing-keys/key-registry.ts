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

// Every verification, every signed status list and every extract reads the keys, so they are
// cached per database handle. activateKey and markCompromised drop the cache in this process at
// once; a change made elsewhere (keys:rotate or keys:compromise from a shell, another instance) is
// seen when the register announces it (forgetKeysOnChange), and without announcements within
// KEYS_CACHE_TTL_MS. So a key marked compromised from outside is still trusted (and may still
// sign) for at most that long: keep it short.
export const KEYS_CACHE_TTL_MS = 10_000;

interface CachedKeys {
  loadedAt: number;
  ttl: number;
  generation: number;
  keys: Promise<readonly RegisteredKey[]>;
}

const cachedKeys = new WeakMap<Tx, CachedKeys>();
/** bumped by every change made in this process: older cache entries are not used again */
let generation = 0;
/**
 * A change is usually made in a transaction that commits a moment after it returns; what is read
 * meanwhile may predate the commit. What is read within SETTLE_MS of a change is kept only briefly.
 */
const SETTLE_MS = 2_000;
const SETTLING_TTL_MS = 100;
let changedAt = -Infinity;

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

/**
 * Where the register announces its changes (verifier/register-changes.ts), a key changed from
 * outside (a shell, another instance) counts at once, not within KEYS_CACHE_TTL_MS.
 */
export function forgetKeysOnChange(feed: RegisterChangeFeed): void {
  if (watchedFeeds.has(feed)) return;
  watchedFeeds.add(feed);
  feed.subscribe((table) => (table === undefined || table === 'signing_keys') && keysChanged());
}

const watchedFeeds = new WeakSet<RegisterChangeFeed>();

function keysChanged(): void {
  generation++;
  changedAt = performance.now();
}

/** Every key, oldest first (at most KEYS_CACHE_TTL_MS old, see above). */
export async function listKeys(db: Tx): Promise<RegisteredKey[]> {
  return [...(await registeredKeys(db))];
}

/** The kid of the active EdDSA key, if there is one (at most KEYS_CACHE_TTL_MS old, see above). */
export async function activeKid(db: Tx): Promise<string | undefined> {
  return activeOf(await registeredKeys(db));
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
  keysChanged();
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
  keysChanged();
  if (updated.length === 0) {
    const [exists] = await db.select({ kid: signingKeys.kid }).from(signingKeys).where(eq(signingKeys.kid, kid));
    if (!exists) throw new Error(`no signing key with kid ${kid}`);
    return; // already compromised
  }
  await recordAudit(db, { actor, action: 'signing_key.compromised', subjectType: 'signing_key', subjectId: kid, data: { reason }, at });
}
