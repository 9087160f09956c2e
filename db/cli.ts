// Shared plumbing for operator scripts: the database the service uses (same configuration).
import { loadConfig, type Config } from '../src/config.ts';
import { openDatabase, type OpenDatabase } from './open.ts';

export async function openConfiguredDatabase(): Promise<{ config: Config; database: OpenDatabase }> {
  const config = loadConfig(process.env);
  const database = await openDatabase(
    config.databaseUrl ? { kind: 'postgres', url: config.databaseUrl, max: 2 } : { kind: 'pglite', dataDir: config.pgliteDataDir },
  );
  await database.migrate();
  return { config, database };
}

/** `--name value` arguments; flags without a value are "true". */
export function parseArgs(argv: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (!a.startsWith('--')) throw new UsageError(`unexpected argument: ${a}`);
    const next = argv[i + 1];
    if (next !== undefined && !next.startsWith('--')) {
      out[a.slice(2)] = next;
      i++;
    } else out[a.slice(2)] = 'true';
  }
  return out;
}

export class UsageError extends Error {}

/** Runs a script body; usage errors exit 2, other failures 1, with a message and no stack. */
export async function runScript(usage: string, body: (args: Record<string, string>) => Promise<void>): Promise<void> {
  try {
    const args = parseArgs(process.argv.slice(2));
    if (args.help) {
      console.log(usage);
      return;
    }
    await body(args);
  } catch (err) {
    if (err instanceof UsageError) {
      console.error(`${err.message}\n\n${usage}`);
      process.exit(2);
    }
    console.error(`failed: ${(err as Error).message}`);
    process.exit(1);
  }
}
