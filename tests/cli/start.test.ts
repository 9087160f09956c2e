// The README's start command on a fresh machine: first start creates keys, migrates, seeds and
// prints the URLs; a restart keeps the data. On PGlite (the default) and on DATABASE_URL.
import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import postgres from 'postgres';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort, startProcess, waitForHttp, type RunningProcess } from '../support/process.ts';
import { adminUrl, databaseUrlFor } from '../support/constants.ts';
import { databaseKinds } from '../support/databases.ts';

const root = process.cwd();

async function startService(env: Record<string, string>): Promise<{ proc: RunningProcess; base: string }> {
  const port = await freePort();
  const proc = startProcess(join(root, 'node_modules/.bin/tsx'), ['src/node.ts'], {
    cwd: root,
    env: { ...process.env, DATABASE_URL: '', TEST_DATABASE_URL: '', PSEUDONYM_SECRET: '', LOG_LEVEL: 'warn', ...env, PORT: String(port), OIDC_DEV_PORT: String(await freePort()) },
  });
  const base = `http://localhost:${port}`;
  await waitForHttp(`${base}/health`, proc);
  return { proc, base };
}

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
      const first = await startService(env);
      running = first.proc;
      const out = first.proc.output();
      expect(out).toContain('demo register created: 620 holders');
      for (const path of ['/health', '/docs', '/openapi.json', '/.well-known/jwks.json', '/.well-known/did.json']) expect(out).toContain(`${first.base}${path}`);
      expect(readdirSync(join(dir, 'keys', 'signing'))).toHaveLength(1);
      const key = /(drk_[A-Za-z0-9_-]+)/.exec(out)![1]!;
      const brin = /demo feed API key for .* \(([0-9]{2}[A-Z]{2})\)/.exec(out)![1]!;

      const jwks = await (await fetch(`${first.base}/.well-known/jwks.json`)).json();
      expect(jwks.keys).toHaveLength(1);
      const award = {
        type: 'award', reference: 'START-TEST-1', institution: { brin, location: '00' }, programme: { code: '25604' }, kind: 'diploma', awardDate: '2025-07-04',
        holder: { bsn: '999990019', givenNames: 'Zoë', familyName: 'Nguyễn', birthDate: '2003-02-01' },
      };
      const posted = await fetch(`${first.base}/api/v1/feed/records`, { method: 'POST', headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' }, body: JSON.stringify(award) });
      expect(posted.status).toBe(201);
      expect(await first.proc.stop()).toBe(0);

      const second = await startService(env);
      running = second.proc;
      expect(second.proc.output()).not.toContain('demo register created');
      expect(second.proc.output()).not.toContain('created local keys');
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
