// npm run extract — the helpdesk route for holders who cannot log in (abroad, no DigiD): an
// operator lists diplomas and issues the very same signed extract, recorded with the operator.
import { writeFileSync } from 'node:fs';
import { asc, desc, eq, isNotNull } from 'drizzle-orm';
import { diplomas, extracts, holders, programmes } from '../../db/schema.ts';
import type { Config } from '../config.ts';
import type { OpenDatabase } from '../../db/open.ts';
import { UsageError, openConfiguredDatabase, runScript } from '../../db/cli.ts';
import { bootstrapRegister } from '../../db/bootstrap.ts';
import { ensureDevKeys } from '../../keys/dev-keys.ts';
import { loadDocumentAssets, loadSealKey } from '../../keys/document-assets.ts';
import { issueExtract } from '../extracts/extract-service.ts';
import { AppError } from '../errors.ts';
import { problemTable } from '../docs/problem-codes.ts';

const usage = `usage:
  npm run extract -- --list [--limit N]
  npm run extract -- --diploma <id> --lang nl|en --out <file.pdf> [--operator <name>]`;

/** The issuer (did:web) and public origin an extract's credential was signed for, read from its vc+jwt. */
function issuedFor(jwt: string): { did: string; origin?: string } | undefined {
  try {
    // a vc+jwt's payload is the credential itself: its issuer, and the status list URLs under the register's origin
    const payload = JSON.parse(Buffer.from(jwt.split('.')[1] ?? '', 'base64url').toString('utf8')) as { issuer?: unknown; credentialStatus?: unknown };
    const issuer = typeof payload.issuer === 'string' ? payload.issuer : (payload.issuer as { id?: unknown } | undefined)?.id;
    if (typeof issuer !== 'string') return undefined;
    const statuses = Array.isArray(payload.credentialStatus) ? payload.credentialStatus : [payload.credentialStatus];
    const list = statuses.map((s) => (s as { statusListCredential?: unknown } | undefined)?.statusListCredential).find((u): u is string => typeof u === 'string' && URL.canParse(u));
    return { did: issuer, ...(list ? { origin: list.replace(/\/status\/[^/]*$/, '') } : {}) };
  } catch {
    return undefined;
  }
}

/**
 * What the running service answers under, as far as can be told: the issuer of the register's
 * latest extract, and the did.json of a service answering at this command's PUBLIC_BASE_URL. An
 * extract signed for another issuer fails the issuer check, and its QR code points elsewhere.
 */
async function issuerWarnings(config: Config, database: OpenDatabase): Promise<string[]> {
  const warnings: string[] = [];
  const signsFor = `this command signs for ${config.did} (${config.publicBaseUrl}, from PUBLIC_BASE_URL or PORT)`;
  const [latest] = await database.db.select({ jwt: extracts.credentialJwt }).from(extracts).where(isNotNull(extracts.credentialJwt)).orderBy(desc(extracts.issuedAt)).limit(1);
  const last = latest?.jwt ? issuedFor(latest.jwt) : undefined;
  if (last && last.did !== config.did) {
    warnings.push(
      `warning: the register's latest extract was issued by ${last.did}${last.origin ? ` (${last.origin})` : ''}, but ${signsFor}.`,
      `  Extracts signed here fail the issuer check of a service answering as ${last.did}. Run with the service's own settings${last.origin ? `, e.g. PUBLIC_BASE_URL=${last.origin}` : ''}.`,
    );
  }
  try {
    const res = await fetch(`${config.publicBaseUrl}/.well-known/did.json`, { signal: AbortSignal.timeout(1500), redirect: 'manual' });
    const doc = res.ok ? ((await res.json()) as { id?: unknown }) : undefined;
    if (typeof doc?.id === 'string' && doc.id !== config.did) {
      warnings.push(
        `warning: the service at ${config.publicBaseUrl} answers as ${doc.id}, but ${signsFor}.`,
        `  Its verifier will not accept what is signed here; run this command with the service's PUBLIC_BASE_URL.`,
      );
    }
  } catch {
    // no service answers there (or not as JSON): nothing to compare with
  }
  return warnings;
}

await runScript(usage, async (args) => {
  const { config, database } = await openConfiguredDatabase();
  try {
    for (const line of await issuerWarnings(config, database)) console.error(line);
    if (args.list) {
      const limit = Number(args.limit ?? 50);
      if (!Number.isInteger(limit) || limit < 1) throw new UsageError('--limit must be a positive whole number');
      const rows = await database.db
        .select({ id: diplomas.id, state: diplomas.state, awardDate: diplomas.awardDate, given: holders.givenNames, prefix: holders.prefix, family: holders.familyName, programme: programmes.nameNl })
        .from(diplomas)
        .innerJoin(holders, eq(holders.id, diplomas.holderId))
        .innerJoin(programmes, eq(programmes.id, diplomas.programmeId))
        .orderBy(asc(holders.familyName), asc(diplomas.awardDate))
        .limit(limit);
      if (rows.length === 0) {
        console.error(
          [
            'The register holds no diplomas yet.',
            'To fill it with the demo register, start the service once with these same settings (DATABASE_URL or PGLITE_DATA_DIR): npm start',
            'Real diplomas come from the institutions through the feed: npm run feed:apikey -- --brin <BRIN>, then POST /api/v1/feed/records with that key.',
          ].join('\n'),
        );
        return;
      }
      for (const r of rows) console.log([r.id, r.state.padEnd(9), r.awardDate, `${r.given} ${r.prefix ? r.prefix + ' ' : ''}${r.family}`, r.programme].join('  '));
      return;
    }
    if (!args.diploma || args.diploma === 'true') throw new UsageError('give --list, or --diploma <id>');
    if (args.lang !== 'nl' && args.lang !== 'en') throw new UsageError('--lang must be nl or en');
    if (!args.out || args.out === 'true') throw new UsageError('--out <file.pdf> is required');
    if (!/^[0-9a-f-]{36}$/i.test(args.diploma)) throw new UsageError('--diploma must be a diploma id (a UUID, see --list)');
    const keys = await ensureDevKeys(config.keysDir);
    await bootstrapRegister(database, { signingKeys: keys.signingKeys, pseudonymSecret: config.pseudonymSecret ?? keys.pseudonymSecret, now: new Date(), demo: false });
    const operator = args.operator && args.operator !== 'true' ? args.operator : process.env.USER || 'unknown';
    try {
      const extract = await issueExtract(
        database.db,
        {
          signingKeys: new Map(keys.signingKeys.map((k) => [k.kid, k])),
          seal: await loadSealKey(keys.seal),
          documentAssets: await loadDocumentAssets(),
          publicBaseUrl: config.publicBaseUrl,
          did: config.did,
        },
        { diplomaId: args.diploma, lang: args.lang, issuedBy: `operator:${operator}`, now: new Date() },
      );
      writeFileSync(args.out, extract.pdf);
      console.log(`extract ${extract.number} (${args.lang}) written to ${args.out}, issued by operator:${operator}`);
    } catch (err) {
      if (err instanceof AppError) throw new Error(`${err.code}: ${err.detail ?? problemTable[err.code].title}`);
      throw err;
    }
  } finally {
    await database.close();
  }
});
