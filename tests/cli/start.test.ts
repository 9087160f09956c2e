// The README's start command on a fresh machine: first start creates keys, migrates, seeds and
// prints the URLs; a restart keeps the data. On PGlite (the default) and on DATABASE_URL.
// `npm start` is the built start: it bundles the sources once (again when one changed) and runs
// the bundle, and the "ready in" it prints counts from the moment the process started.
import { existsSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import postgres from 'postgres';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort, startProcess, waitForHttp, type RunningProcess } from '../support/process.ts';
import { adminUrl, databaseUrlFor } from '../support/constants.ts';
import { databaseKinds } from '../support/databases.ts';
import { browse, CookieJar } from '../auth/browser.ts';

const root = process.cwd();
const buildMeta = join(root, 'dist/node.meta.json');

/** `npm start`'s own command line, run without npm in between (its node, its flags, its script). */
function startCommand(): string[] {
  const script: string = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).scripts.start;
  const [program, ...args] = script.split(' ');
  expect(program, 'npm start runs the built start with node, not the sources through tsx').toBe('node');
  return args;
}

async function startService(env: Record<string, string>, nodeOptions: string[] = []): Promise<{ proc: RunningProcess; base: string; waitedMs: number }> {
  const port = await freePort();
  const spawnedAt = performance.now();
  const proc = startProcess(process.execPath, [...nodeOptions, ...startCommand()], {
    cwd: root,
    env: { ...process.env, DATABASE_URL: '', TEST_DATABASE_URL: '', PSEUDONYM_SECRET: '', LOG_LEVEL: 'warn', ...env, PORT: String(port), OIDC_DEV_PORT: String(await freePort()) },
  });
  const base = `http://localhost:${port}`;
  await waitForHttp(`${base}/health`, proc);
  return { proc, base, waitedMs: performance.now() - spawnedAt };
}

/** Marks the bundle as built before every source: the next start must build it again. */
function makeBuildStale(): void {
  if (existsSync(buildMeta)) writeFileSync(buildMeta, JSON.stringify({ ...JSON.parse(readFileSync(buildMeta, 'utf8')), builtAtMs: 0 }));
}

// Holds the process for this long before the start script runs: time the old figure (counted from
// after the database opened) never saw, and the real one must include.
const HELD_MS = 5000;
const holdAtStart = `--import=data:text/javascript,Atomics.wait(new Int32Array(new SharedArrayBuffer(4)),0,0,${HELD_MS})`;

for (const kind of databaseKinds()) {
  describe(`npm start on a fresh machine [${kind}]`, () => {
    const dir = mkdtempSync(join(tmpdir(), 'register-start-'));
    const env: Record<string, string> = { KEYS_DIR: join(dir, 'keys'), PGLITE_DATA_DIR: join(dir, 'pglite') };
    let sql: postgres.Sql | undefined;
    let dbName: string | undefined;
    let running: RunningProcess | undefined;

    afterAll(async () => {
      await running?.stop();
      if (sql && dbName) {
        await sql.unsafe(`drop database if exists "${dbName}" with (force)`);
        await sql.end();
      }
    });

    it('first start: keys, migrations, demo register, URLs and a demo feed key; restart keeps the data', async () => {
      if (kind === 'postgres') {
        sql = postgres(adminUrl()!, { max: 1, onnotice: () => {} });
        dbName = `register_t_${process.pid}_start_${Date.now().toString(36)}`;
        await sql.unsafe(`create database "${dbName}"`);
        env.DATABASE_URL = databaseUrlFor(adminUrl()!, dbName);
      }
      makeBuildStale();
      const first = await startService(env);
      running = first.proc;
      const out = first.proc.output();
      expect(out).toMatch(/built dist\/node\.js from \d+ files in \d+ ms \((.+ changed|no build yet)\)/);
      const firstBuild = JSON.parse(readFileSync(buildMeta, 'utf8'));
      expect(firstBuild.inputs).toEqual(expect.arrayContaining(['src/node.ts', 'src/app.ts', 'dev/oidc-provider.ts']));
      const firstBuiltAtMs: number = firstBuild.builtAtMs;
      expect(out).toContain('demo register created: 620 holders');
      for (const path of ['/health', '/docs', '/openapi.json', '/.well-known/jwks.json', '/.well-known/did.json']) expect(out).toContain(`${first.base}${path}`);
      expect(readdirSync(join(dir, 'keys', 'signing'))).toHaveLength(1);
      const key = /(drk_[A-Za-z0-9_-]+)/.exec(out)![1]!;
      const brin = /demo feed API key for .* \(([0-9]{2}[A-Z]{2})\)/.exec(out)![1]!;

      const jwks = await (await fetch(`${first.base}/.well-known/jwks.json`)).json();
      expect(jwks.keys).toHaveLength(1);

      // the development login says what each demo account holds, a case worth trying first
      const login = await browse(new CookieJar(), `${first.base}/portal/?lang=en`, `${first.base}/auth/callback`);
      if (login.kind !== 'page') throw new Error('expected the development login page');
      const cases = ['vwo with grade list', 'annulled diploma', 'corrected diploma (earlier version superseded)', 'mbo', 'wo master', 'several diplomas', 'name with diacritics'];
      const offered = [...login.html.matchAll(/<span class="holds">([^<:]+):/g)].map((m) => m[1]);
      expect(offered).toEqual(cases);
      expect(login.html).toMatch(/<span class="holds">vwo with grade list: [^<]*pre-university education \(vwo\) \(with grade list\)/);
      expect(login.html).toMatch(/<span class="holds">annulled diploma: [^<]*\(annulled\)/);
      const award = {
        type: 'award', reference: 'START-TEST-1', institution: { brin, location: '00' }, programme: { code: '25604' }, kind: 'diploma', awardDate: '2025-07-04',
        holder: { bsn: '999990019', givenNames: 'Zoë', familyName: 'Nguyễn', birthDate: '2003-02-01' },
      };
      const posted = await fetch(`${first.base}/api/v1/feed/records`, { method: 'POST', headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' }, body: JSON.stringify(award) });
      expect(posted.status).toBe(201);
      expect(await first.proc.stop()).toBe(0);

      const second = await startService(env, [holdAtStart]);
      running = second.proc;
      expect(second.proc.output()).not.toContain('demo register created');
      expect(second.proc.output()).not.toContain('created local keys');
      // the bundle of the first start is used as it is, unless a source changed since (in a
      // working tree where someone edits while this runs): then the one named really did
      const rebuilt = /built dist\/node\.js from \d+ files in \d+ ms \((.+)\)/.exec(second.proc.output());
      if (rebuilt) {
        const changed = /^(.+) changed$/.exec(rebuilt[1]!)?.[1];
        expect(changed, rebuilt[0]).toBeDefined();
        expect(statSync(join(root, changed!)).mtimeMs).toBeGreaterThan(firstBuiltAtMs);
      }
      const readyIn = Number(/ready in (\d+) ms/.exec(second.proc.output())?.[1]);
      expect(readyIn).toBeGreaterThanOrEqual(HELD_MS);
      expect(readyIn).toBeLessThanOrEqual(second.waitedMs);
      expect(second.proc.output()).not.toMatch(/WARNING|Unsupported runtime/);
      const status = await fetch(`${second.base}/api/v1/feed/records/START-TEST-1`, { headers: { authorization: `Bearer ${key}` } });
      expect(status.status).toBe(200);
      expect(await status.json()).toMatchObject({ reference: 'START-TEST-1', diplomaState: 'valid' });
      const jwksAgain = await (await fetch(`${second.base}/.well-known/jwks.json`)).json();
      expect(jwksAgain.keys[0].kid).toBe(jwks.keys[0].kid);
      expect(await second.proc.stop()).toBe(0);
      running = undefined;
    }, 180_000);
  });
}
