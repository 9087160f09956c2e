// npm run keys:rotate — a new Ed25519 signing key becomes active; the previous one is retired and
// keeps verifying what it signed. With PGlite, stop the service first (one process per data dir).
import { openConfiguredDatabase, runScript } from '../db/cli.ts';
import { activateKey } from '../src/signing-keys/key-registry.ts';
import { writeNewSigningKey } from './dev-keys.ts';

const usage = 'usage: npm run keys:rotate [-- --operator <name>]';

await runScript(usage, async (args) => {
  const { config, database } = await openConfiguredDatabase();
  try {
    const key = await writeNewSigningKey(config.keysDir);
    await database.db.transaction((tx) => activateKey(tx, key.publicJwk, `operator:${args.operator ?? process.env.USER ?? 'unknown'}`, new Date()));
    console.log(`active signing key is now ${key.kid} (${database.where}); the previous key is retired and still published`);
  } finally {
    await database.close();
  }
});
