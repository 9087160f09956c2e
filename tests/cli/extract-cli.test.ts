// The helpdesk route: an operator lists diplomas and issues the very same signed extract for a
// holder who cannot log in; the audit log names the operator. Embedded default and PostgreSQL.
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import { auditEvents, extracts } from '../../db/schema.ts';
import { openDatabase } from '../../db/open.ts';
import { signingKeyFromPrivateJwk } from '../../src/signing-keys/signing-key.ts';
import { databaseKinds, freshDatabase, type FreshDatabase } from '../support/databases.ts';
import { startApp } from '../support/app.ts';
import { TEST_PSEUDONYM_SECRET, adminUrl, databaseUrlFor } from '../support/constants.ts';
import postgres from 'postgres';

const root = process.cwd();

for (const kind of databaseKinds()) {
  describe(`npm run extract (helpdesk) [${kind}]`, () => {
    const dir = mkdtempSync(join(tmpdir(), 'helpdesk-'));
    let env: NodeJS.ProcessEnv;
    let pg: FreshDatabase | undefined;
    const run = (...args: string[]) => runWith({}, ...args);
    const runWith = (extra: NodeJS.ProcessEnv, ...args: string[]) => spawnSync(join(root, 'node_modules/.bin/tsx'), ['src/node/extract-cli.ts', ...args], { cwd: root, env: { ...env, ...extra }, encoding: 'utf8' });
    const open = () => (kind === 'postgres' ? openDatabase({ kind: 'postgres', url: pg!.url! }) : openDatabase({ kind: 'pglite', dataDir: join(dir, 'pglite') }));

    beforeAll(async () => {
      // the register's active key must be one this operator machine holds
      const key = await signingKeyFromPrivateJwk(inject('signingKeyJwk'));
      mkdirSync(join(dir, 'keys', 'signing'), { recursive: true });
      writeFileSync(join(dir, 'keys', 'signing', `${key.kid}.jwk.json`), JSON.stringify(key.privateJwk));
      env = { ...process.env, KEYS_DIR: join(dir, 'keys'), PSEUDONYM_SECRET: TEST_PSEUDONYM_SECRET, DATABASE_URL: '', TEST_DATABASE_URL: '', PUBLIC_BASE_URL: 'https://diplomaregister.example' };
      if (kind === 'postgres') {
        pg = await freshDatabase('postgres');
        env.DATABASE_URL = pg.url;
      } else {
        const lite = await openDatabase({ kind: 'pglite', dataDir: join(dir, 'pglite'), loadDataDir: new Blob([readFileSync(inject('pgliteDump'))]) });
        await lite.close();
        env.PGLITE_DATA_DIR = join(dir, 'pglite');
      }
    });
    afterAll(async () => {
      await pg?.dispose();
    });

    it('lists diplomas and issues a sealed extract recorded with the operator', async () => {
      const list = run('--list', '--limit', '5');
      expect(list.status, list.stderr).toBe(0);
      const lines = list.stdout.trim().split('\n');
      expect(lines).toHaveLength(5);
      const valid = lines.find((l) => /\svalid\s/.test(l))!;
      const id = valid.split(/\s+/)[0]!;

      const out = join(dir, 'extract.pdf');
      const issued = run('--diploma', id, '--lang', 'en', '--out', out, '--operator', 'helpdesk-anna');
      expect(issued.status, issued.stderr).toBe(0);
      expect(issued.stdout).toMatch(/extract [0-9A-Z-]+ \(en\) written to .*issued by operator:helpdesk-anna/);
      const text = execFileSync('pdftotext', ['-layout', out, '-'], { encoding: 'utf8' });
      expect(text).toContain(valid.split(/\s{2,}/)[3]!.split(' ').at(-1)!); // the family name
      expect(text).toMatch(/page 1 of/);
      const qr = (() => {
        execFileSync('pdftoppm', ['-r', '150', '-png', '-f', '1', '-l', '1', out, join(dir, 'page')]);
        return execFileSync('zbarimg', ['--raw', '-q', join(dir, 'page-1.png')], { encoding: 'utf8' }).trim();
      })();
      expect(qr).toMatch(/^https:\/\/diplomaregister\.example\/v\/[0-9A-Z]{14}#/);

      const database = await open();
      try {
        const [row] = await database.db.select().from(extracts).where(eq(extracts.diplomaId, id));
        expect(row).toMatchObject({ issuedBy: 'operator:helpdesk-anna', lang: 'en', state: 'active' });
        const events = await database.db.select().from(auditEvents).where(and(eq(auditEvents.action, 'extract.issued'), eq(auditEvents.subjectId, row!.id)));
        expect(events.map((e) => e.actor)).toEqual(['operator:helpdesk-anna']);
      } finally {
        await database.close();
      }
    }, 120_000);

    it('warns when the register’s extracts were issued for another issuer than the one it signs for (PUBLIC_BASE_URL/PORT)', () => {
      // the extract above was issued for https://diplomaregister.example; an operator shell without that setting signs for localhost
      const elsewhere = runWith({ PUBLIC_BASE_URL: '', PORT: '39997' }, '--list', '--limit', '1');
      expect(elsewhere.status, elsewhere.stderr).toBe(0);
      expect(elsewhere.stderr).toContain('warning: the register\'s latest extract was issued by did:web:diplomaregister.example (https://diplomaregister.example), but this command signs for did:web:localhost%3A39997');
      expect(elsewhere.stderr).toContain('PUBLIC_BASE_URL=https://diplomaregister.example');
      const same = run('--list', '--limit', '1');
      expect(same.stderr).not.toContain('warning');
    }, 120_000);

    it('warns when the service answering at its PUBLIC_BASE_URL answers as another issuer', async () => {
      // the running service (the real app) answers as did:web:diplomaregister.example
      const serviceDb = kind === 'postgres'
        ? await openDatabase({ kind: 'postgres', url: pg!.url! })
        : await openDatabase({ kind: 'pglite', dataDir: join(dir, 'pglite-service'), loadDataDir: new Blob([readFileSync(inject('pgliteDump'))]) });
      const service = await startApp(serviceDb, { env: { PUBLIC_BASE_URL: 'https://diplomaregister.example' } });
      try {
        const listed = await new Promise<ReturnType<typeof run>>((resolve) => {
          // asynchronously: this process serves the CLI's request meanwhile
          const child = spawn(join(root, 'node_modules/.bin/tsx'), ['src/node/extract-cli.ts', '--list', '--limit', '1'], { cwd: root, env: { ...env, PUBLIC_BASE_URL: service.url } });
          let stdout = '';
          let stderr = '';
          child.stdout.on('data', (c: Buffer) => (stdout += c));
          child.stderr.on('data', (c: Buffer) => (stderr += c));
          child.on('close', (status) => resolve({ status, stdout, stderr } as ReturnType<typeof run>));
        });
        expect(listed.status, listed.stderr).toBe(0);
        expect(listed.stderr).toContain(`warning: the service at ${service.url} answers as did:web:diplomaregister.example, but this command signs for did:web:127.0.0.1%3A${new URL(service.url).port}`);
      } finally {
        await service.close();
        await serviceDb.close();
      }
    }, 120_000);

    it('--list on an empty register says so and how to fill it', async () => {
      // an empty database of its own (the CLI migrates it, as the service would)
      const admin = kind === 'postgres' ? postgres(adminUrl()!, { max: 1, onnotice: () => {} }) : undefined;
      const name = `register_t_${inject('runId')}_empty_${crypto.randomUUID().slice(0, 8)}`;
      if (admin) await admin.unsafe(`create database "${name}"`);
      try {
        const listed = runWith(admin ? { DATABASE_URL: databaseUrlFor(adminUrl()!, name) } : { PGLITE_DATA_DIR: join(dir, 'empty') }, '--list');
        expect(listed.status, listed.stderr).toBe(0);
        expect(listed.stdout).toBe('');
        expect(listed.stderr).toContain('The register holds no diplomas yet.');
        expect(listed.stderr).toContain('npm start');
        expect(listed.stderr).toContain('npm run feed:apikey');
      } finally {
        if (admin) {
          await admin.unsafe(`drop database if exists "${name}" with (force)`);
          await admin.end();
        }
      }
    }, 120_000);

    it('answers bad input clearly and changes nothing', () => {
      const lang = run('--diploma', '00000000-0000-4000-8000-000000000000', '--lang', 'de', '--out', join(dir, 'x.pdf'));
      expect(lang.status).toBe(2);
      expect(lang.stderr).toContain('--lang must be nl or en');
      const unknown = run('--diploma', '00000000-0000-4000-8000-000000000000', '--lang', 'nl', '--out', join(dir, 'x.pdf'));
      expect(unknown.status).toBe(1);
      expect(unknown.stderr).toContain('DIPLOMA_NOT_FOUND');
      const nothing = run();
      expect(nothing.status).toBe(2);
      expect(nothing.stderr).toContain('usage:');
    }, 120_000);
  });
}
