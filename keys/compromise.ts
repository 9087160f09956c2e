// npm run keys:compromise -- --kid <kid> --reason "…" — marks a signing key compromised: it leaves
// the JWKS `keys`, is listed under `compromised` and as `revoked` in did.json, and everything it
// signed fails verification. If it was the active key, rotate (npm run keys:rotate) right after.
import { UsageError, openConfiguredDatabase, runScript } from '../db/cli.ts';
import { activeKid, markCompromised } from '../src/signing-keys/key-registry.ts';

const usage = 'usage: npm run keys:compromise -- --kid <kid> --reason "<why>" [--operator <name>]';

await runScript(usage, async (args) => {
  if (!args.kid || args.kid === 'true') throw new UsageError('--kid is required');
  if (!args.reason || args.reason === 'true') throw new UsageError('--reason is required');
  const { database } = await openConfiguredDatabase();
  try {
    await database.db.transaction((tx) => markCompromised(tx, args.kid!, `operator:${args.operator ?? process.env.USER ?? 'unknown'}`, new Date(), args.reason!));
    console.log(`signing key ${args.kid} is marked compromised`);
    if ((await activeKid(database.db)) === undefined) console.log('there is no active signing key now: run npm run keys:rotate');
  } finally {
    await database.close();
  }
});
