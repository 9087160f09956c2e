// Key rotation beside a running service, as an operator does it: the service runs as a process of
// its own on PostgreSQL, and `npm run keys:rotate` runs beside it against the same database and key
// store. The service must pick the new key up without a restart: status lists stay signed (200, by
// the new key), extracts issued before stay authentic, and new extracts are signed with the new key.
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, startProcess, waitForHttp, type RunningProcess } from '../support/process.ts';
import { adminUrl, databaseUrlFor } from '../support/constants.ts';
import { databaseKinds } from '../support/databases.ts';
import { browse, CookieJar, formAction } from '../auth/browser.ts';

const root = process.cwd();
const tsx = join(root, 'node_modules/.bin/tsx');
const hasPostgres = databaseKinds().includes('postgres');

const kidOf = (jwt: string): string => JSON.parse(Buffer.from(jwt.split('.')[0]!, 'base64url').toString()).kid;

if (!hasPostgres) {
  it.skip('key rotation beside a running service: needs PostgreSQL (set DATABASE_URL or TEST_DATABASE_URL)', () => {});
}

describe.skipIf(!hasPostgres)('keys:rotate beside a running service [postgres]', () => {
  const dir = mkdtempSync(join(tmpdir(), 'rotation-'));
  const dbName = `register_t_${process.pid}_rotation_${Date.now().toString(36)}`;
  let admin: postgres.Sql;
  let sql: postgres.Sql;
  let service: RunningProcess | undefined;
  let base: string;
  let env: NodeJS.ProcessEnv;
  let jar: CookieJar;
  let diplomaId: string;

  const activeKid = async () => {
    const jwks = (await (await fetch(`${base}/.well-known/jwks.json`)).json()) as { keys: Array<{ kid: string; status: string }> };
    return jwks.keys.find((k) => k.status === 'active')?.kid;
  };
  const verify = async (jwt: string) => {
    const res = await fetch(`${base}/credentials/verify`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ verifiableCredential: jwt }) });
    return { status: res.status, body: (await res.json()) as { verdict: string; checks: Array<{ id: string; code: string }> } };
  };
  /** downloads an extract through the portal (the service signs it) and returns its credential */
  const download = async (): Promise<string> => {
    const portal = await fetch(`${base}/portal/diplomas/${diplomaId}`, { headers: { cookie: jar.headerFor(new URL(`${base}/portal/`)) } });
    const csrf = /name="csrf" value="([^"]+)"/.exec(await portal.text())![1]!;
    const before = new Date();
    const res = await fetch(`${base}/portal/diplomas/${diplomaId}/extract`, {
      method: 'POST',
      headers: { cookie: jar.headerFor(new URL(`${base}/portal/`)), 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ csrf, lang: 'en' }),
      redirect: 'manual',
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/pdf');
    await res.arrayBuffer();
    const [row] = await sql<Array<{ jwt: string }>>`select credential_jwt as jwt from extracts where diploma_id = ${diplomaId} and issued_at >= ${new Date(before.getTime() - 5_000)} order by issued_at desc limit 1`;
    return row!.jwt;
  };

  beforeAll(async () => {
    admin = postgres(adminUrl()!, { max: 1, onnotice: () => {} });
    await admin.unsafe(`create database "${dbName}"`);
    const databaseUrl = databaseUrlFor(adminUrl()!, dbName);
    sql = postgres(databaseUrl, { max: 1, onnotice: () => {} });
    const port = await freePort();
    base = `http://localhost:${port}`;
    env = {
      ...process.env,
      TEST_DATABASE_URL: '',
      DATABASE_URL: databaseUrl,
      KEYS_DIR: join(dir, 'keys'),
      PSEUDONYM_SECRET: '',
      LOG_LEVEL: 'warn',
      PORT: String(port),
      PUBLIC_BASE_URL: base,
      OIDC_DEV_PORT: String(await freePort()),
    };
    service = startProcess(tsx, ['src/node.ts'], { cwd: root, env });
    await waitForHttp(`${base}/health`, service, 240_000);

    // a holder of the development login with a valid diploma, logged in
    jar = new CookieJar();
    const first = await browse(jar, `${base}/portal/?lang=en`, `${base}/auth/callback`);
    if (first.kind !== 'page') throw new Error('expected the development login page');
    const accounts = [...first.html.matchAll(/name="account"[^>]*\bvalue="([^"]+)"/g)].map((m) => m[1]!);
    const [holder] = await sql<Array<{ sub: string; diploma: string }>>`
      select h.subject_id as sub, d.id as diploma from holders h join diplomas d on d.holder_id = h.id
      where d.state = 'valid' and h.subject_id = any(${accounts}) order by h.subject_id limit 1`;
    diplomaId = holder!.diploma;
    const back = await browse(jar, formAction(first.html, 'Log in', first.url), `${base}/auth/callback`, { method: 'POST', form: { account: holder!.sub } });
    if (back.kind !== 'redirected') throw new Error('expected the callback');
    const portal = await browse(jar, back.url, 'http://nowhere.invalid');
    expect(portal.kind === 'page' && portal.status).toBe(200);
  }, 300_000);

  afterAll(async () => {
    await service?.stop();
    await sql?.end();
    await admin?.unsafe(`drop database if exists "${dbName}" with (force)`);
    await admin?.end();
  }, 60_000);

  it('the running service signs with the new key at once; what the old key signed stays authentic', async () => {
    const kidBefore = await activeKid();
    const before = await download();
    expect(kidOf(before)).toBe(kidBefore);
    expect((await verify(before)).body.verdict).toBe('authentic');
    expect((await fetch(`${base}/status/revocation-1`)).status).toBe(200);

    const rotated = spawnSync(tsx, ['keys/rotate.ts', '--operator', 'tester'], { cwd: root, env, encoding: 'utf8' });
    expect(rotated.status, rotated.stderr).toBe(0);
    const kidAfter = /active signing key is now (\S+)/.exec(rotated.stdout)![1]!;
    expect(kidAfter).not.toBe(kidBefore);

    // the register announces the change; without the announcement the key cache would take up to 10 s
    for (let i = 0; i < 60 && (await activeKid()) !== kidAfter; i++) await new Promise((r) => setTimeout(r, 250));
    expect(await activeKid()).toBe(kidAfter);

    const list = await fetch(`${base}/status/revocation-1`);
    expect(list.status).toBe(200);
    expect(kidOf(await list.text())).toBe(kidAfter);

    const old = await verify(before);
    expect(old.status).toBe(200);
    expect(old.body.verdict).toBe('authentic');
    expect(old.body.checks.find((c) => c.id === 'issuer')?.code).toBe('ISSUER_KEY_RETIRED');
    expect(old.body.checks.find((c) => c.id === 'status')?.code).toBe('STATUS_VALID');

    const after = await download();
    expect(kidOf(after)).toBe(kidAfter);
    const fresh = await verify(after);
    expect(fresh.body.verdict).toBe('authentic');
    expect(fresh.body.checks.find((c) => c.id === 'issuer')?.code).toBe('ISSUER_VALID');
  }, 120_000);
});
