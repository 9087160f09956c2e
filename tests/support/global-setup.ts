// Prepares each database kind once per run: migrated, demo register seeded, a test signing key
// active. PGlite: a data-dir dump every test file loads. PostgreSQL (when DATABASE_URL or
// TEST_DATABASE_URL is set): a template database every test file copies. All removed afterwards.
// The integration and system projects both name this file; vitest calls it once per project, in
// the same process, so the first call prepares and the later ones share what it made.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import postgres from 'postgres';
import type { ProvidedContext } from 'vitest';
import type { TestProject } from 'vitest/node';
import { openDatabase } from '../../db/open.ts';
import { bootstrapRegister } from '../../db/bootstrap.ts';
import { generateSigningKey } from '../../src/signing-keys/signing-key.ts';
import { generateSealChain } from '../../keys/seal.ts';
import { TEST_NOW, TEST_PSEUDONYM_SECRET, adminUrl, databaseUrlFor } from './constants.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    pgliteDump: string;
    postgresTemplate: string | null;
    signingKeyJwk: JsonWebKey;
    runId: string;
    sealChain: { caCertPem: string; sealCertPem: string; sealKeyPem: string };
  }
}

type Prepared = ProvidedContext;
interface Shared {
  prepared: Promise<{ context: Prepared; teardown: () => Promise<void> }>;
  users: number;
}
const SHARED = Symbol.for('diploma-register.tests.global-setup');
const holder = globalThis as typeof globalThis & { [SHARED]?: Shared };

export default async function setup(project: TestProject) {
  const shared = (holder[SHARED] ??= { prepared: prepare(), users: 0 });
  shared.users++;
  const { context, teardown } = await shared.prepared;
  for (const [key, value] of Object.entries(context)) project.provide(key as keyof Prepared, value as never);
  return async () => {
    if (--shared.users > 0) return;
    delete holder[SHARED];
    await teardown();
  };
}

async function prepare(): Promise<{ context: Prepared; teardown: () => Promise<void> }> {
  const started = Date.now();
  const key = await generateSigningKey();
  const workDir = mkdtempSync(join(tmpdir(), 'register-tests-'));
  const boot = { signingKeys: [key], pseudonymSecret: TEST_PSEUDONYM_SECRET, now: new Date(TEST_NOW), demo: true };

  const lite = await openDatabase({ kind: 'pglite' });
  await bootstrapRegister(lite, boot);
  const dump = await lite.pglite!.dumpDataDir('gzip');
  const dumpPath = join(workDir, 'pglite-template.tar.gz');
  writeFileSync(dumpPath, Buffer.from(await dump.arrayBuffer()));
  await lite.close();

  const runId = `${process.pid}_${Date.now().toString(36)}`;
  let template: string | null = null;
  const admin = adminUrl();
  let adminSql: postgres.Sql | undefined;
  if (admin) {
    adminSql = postgres(admin, { max: 1, onnotice: () => {} });
    template = `register_tpl_${runId}`;
    await adminSql.unsafe(`create database "${template}"`);
    const pg = await openDatabase({ kind: 'postgres', url: databaseUrlFor(admin, template), max: 2 });
    await bootstrapRegister(pg, boot);
    await pg.close();
  }

  const chain = await generateSealChain();
  const context: Prepared = {
    pgliteDump: dumpPath,
    postgresTemplate: template,
    signingKeyJwk: key.privateJwk,
    runId,
    sealChain: { caCertPem: chain.caCertPem, sealCertPem: chain.sealCertPem, sealKeyPem: chain.sealKeyPem },
  };
  console.log(`[tests] databases prepared in ${Date.now() - started} ms: PGlite${template ? ` + PostgreSQL (${template})` : ' only (set DATABASE_URL to add PostgreSQL)'}`);

  const teardown = async () => {
    rmSync(workDir, { recursive: true, force: true });
    if (adminSql && template) {
      // test files drop their own copies; sweep any a crashed worker left behind
      const leftovers = await adminSql<{ datname: string }[]>`select datname from pg_database where datname like ${`register_t_${runId}_%`} or datname = ${template}`;
      for (const { datname } of leftovers) await adminSql.unsafe(`drop database if exists "${datname}" with (force)`);
      await adminSql.end();
    }
  };
  return { context, teardown };
}
