// npm run feed:apikey -- --brin 25LF [--label "…"] — issues an institution feed API key (printed once).
import { UsageError, openConfiguredDatabase, runScript } from './cli.ts';
import { createApiKey } from '../src/feed/api-keys.ts';
import { BRIN } from '../src/domain/codes.ts';

const usage = 'usage: npm run feed:apikey -- --brin <BRIN> [--label "<text>"] [--operator <name>]';

await runScript(usage, async (args) => {
  if (!args.brin || !BRIN.test(args.brin)) throw new UsageError('--brin must be a BRIN code such as 25LF');
  const { database } = await openConfiguredDatabase();
  try {
    const { key, prefix } = await createApiKey(database.db, args.brin, `operator:${args.operator ?? process.env.USER ?? 'unknown'}`, args.label);
    console.log(`API key for ${args.brin} (prefix ${prefix}), shown once — store it safely:\n${key}`);
  } finally {
    await database.close();
  }
});
