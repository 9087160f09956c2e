// Institution API keys: `drk_<prefix>_<secret>`. Only the SHA-256 of the whole key is stored; the
// prefix finds the row without revealing anything.
import { eq } from 'drizzle-orm';
import { institutionApiKeys, institutions } from '../../db/schema.ts';
import type { Tx } from '../database.ts';
import { base64url, constantTimeEqual, sha256Hex } from '../lib/bytes.ts';
import { problems } from '../errors.ts';
import { recordAudit } from '../audit/audit.ts';

const KEY_FORMAT = /^drk_([a-z0-9]{10})_([A-Za-z0-9_-]{43})$/;

export async function createApiKey(db: Tx, brin: string, actor: string, label?: string): Promise<{ key: string; prefix: string }> {
  const [known] = await db.select({ id: institutions.id }).from(institutions).where(eq(institutions.brin, brin)).limit(1);
  if (!known) throw new Error(`no institution with BRIN ${brin}`);
  const prefix = randomPrefix();
  const key = `drk_${prefix}_${base64url(crypto.getRandomValues(new Uint8Array(32)))}`;
  await db.insert(institutionApiKeys).values({ brin, prefix, keyHash: await sha256Hex(key), label });
  await recordAudit(db, { actor, action: 'api_key.created', subjectType: 'institution', subjectId: brin, data: { prefix } });
  return { key, prefix };
}

/** The BRIN the key reports for; throws 401 problems otherwise. */
export async function authenticateApiKey(db: Tx, authorization: string | undefined): Promise<string> {
  const token = authorization?.match(/^Bearer\s+(\S+)$/i)?.[1];
  if (!token) throw problems.unauthorized('API_KEY_MISSING', 'Send your institution API key as "Authorization: Bearer drk_…".');
  const m = KEY_FORMAT.exec(token);
  const [row] = m ? await db.select().from(institutionApiKeys).where(eq(institutionApiKeys.prefix, m[1]!)) : [];
  const hash = await sha256Hex(token);
  if (!row || !constantTimeEqual(row.keyHash, hash)) throw problems.unauthorized('API_KEY_INVALID', 'This API key is not known.');
  if (row.revokedAt) throw problems.unauthorized('API_KEY_REVOKED', 'This API key was revoked. Ask for a new one.');
  return row.brin;
}

function randomPrefix(): string {
  const alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789';
  return [...crypto.getRandomValues(new Uint8Array(10))].map((b) => alphabet[b % 36]).join('');
}
