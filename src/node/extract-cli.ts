// npm run extract — the helpdesk route for holders who cannot log in (abroad, no DigiD): an
// operator lists diplomas and issues the very same signed extract, recorded with the operator.
import { writeFileSync } from 'node:fs';
import { asc, eq } from 'drizzle-orm';
import { diplomas, holders, programmes } from '../../db/schema.ts';
import { UsageError, openConfiguredDatabase, runScript } from '../../db/cli.ts';
import { bootstrapRegister } from '../../db/bootstrap.ts';
import { ensureDevKeys } from '../../keys/dev-keys.ts';
import { loadDocumentAssets, loadSealKey } from '../../keys/document-assets.ts';
import { issueExtract } from '../extracts/extract-service.ts';
import { AppError } from '../errors.ts';

const usage = `usage:
  npm run extract -- --list [--limit N]
  npm run extract -- --diploma <id> --lang nl|en --out <file.pdf> [--operator <name>]`;

await runScript(usage, async (args) => {
  const { config, database } = await openConfiguredDatabase();
  try {
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
      if (err instanceof AppError) throw new Error(`${err.code}: ${err.detail ?? err.title}`);
      throw err;
    }
  } finally {
    await database.close();
  }
});
