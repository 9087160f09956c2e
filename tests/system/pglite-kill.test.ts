// PGlite where issue 9.2 applies to it: the process dies (SIGKILL) in the middle of issuing
// extracts. After a restart on the same data directory every extract that was committed verifies,
// and nothing is half-written: each extract row has its status entries and its audit event, and
// no audit event names an extract that is not there.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, inject, it } from 'vitest';
import { and, eq, sql } from 'drizzle-orm';
import { diplomas } from '../../db/schema.ts';
import { openDatabase, type OpenDatabase } from '../../db/open.ts';
import { rowsOf } from '../../src/database.ts';
import { startApp, type RunningApp } from '../support/app.ts';
import { testDocumentDeps } from '../support/documents.ts';
import { TEST_NOW } from '../support/constants.ts';

const root = process.cwd();
const dir = mkdtempSync(join(tmpdir(), 'register-kill-'));
const dataDir = join(dir, 'pglite');
let reopened: OpenDatabase | undefined;
let app: RunningApp | undefined;

afterAll(async () => {
  await app?.close();
  await reopened?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** the child's printed lines; resolves once `n` extracts are reported */
function readLines(child: ReturnType<typeof spawn>, n: number, timeoutMs: number) {
  const lines: string[] = [];
  let buffered = '';
  let output = '';
  return {
    lines,
    reached: new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`fewer than ${n} extracts within ${timeoutMs} ms:\n${output}`)), timeoutMs);
      child.stderr!.on('data', (d) => (output += d));
      child.stdout!.on('data', (d: Buffer) => {
        buffered += d.toString();
        let at: number;
        while ((at = buffered.indexOf('\n')) >= 0) {
          const line = buffered.slice(0, at);
          buffered = buffered.slice(at + 1);
          if (line.startsWith('{')) lines.push(line);
          if (lines.length >= n) {
            clearTimeout(timer);
            resolve();
          }
        }
      });
      child.once('exit', (code) => {
        clearTimeout(timer);
        if (lines.length < n) reject(new Error(`the issuing process exited (${code}) after ${lines.length} extracts:\n${output}`));
      });
    }),
  };
}

it('killed with SIGKILL mid-issue: after a restart every committed extract verifies, nothing half-written', async () => {
  // the prepared register, on disk
  const prepared = await openDatabase({ kind: 'pglite', dataDir, loadDataDir: new Blob([readFileSync(inject('pgliteDump'))]) });
  const diplomaIds = (await prepared.db.select({ id: diplomas.id }).from(diplomas).where(and(eq(diplomas.state, 'valid'))).limit(8)).map((d) => d.id);
  const before = rowsOf<{ n: number }>(await prepared.db.execute(sql`select count(*)::int as n from extracts`))[0]!.n;
  await prepared.close();

  const child = spawn(process.execPath, ['--import', 'tsx', join(root, 'tests/system/support/issue-extracts.ts')], {
    cwd: root,
    env: {
      ...process.env,
      PGLITE_DATA_DIR: dataDir,
      ISSUE_INPUT: JSON.stringify({ signingKeyJwk: inject('signingKeyJwk'), sealChain: inject('sealChain'), diplomaIds, now: TEST_NOW }),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<NodeJS.Signals | null>((resolve) => child.once('exit', (_code, signal) => resolve(signal)));
  const printed = readLines(child, 6, 120_000);
  try {
    await printed.reached;
  } finally {
    // at once, while it issues the next one (rendering, sealing or writing it)
    child.kill('SIGKILL');
  }
  expect(await exited).toBe('SIGKILL');
  const committed = printed.lines.map((l) => JSON.parse(l) as { id: string; number: string; secret: string });

  reopened = await openDatabase({ kind: 'pglite', dataDir });
  const db = reopened.db;
  const rows = rowsOf<{ id: string; revocation_list: string | null; suspension_list: string | null; audit: number }>(
    await db.execute(sql`
      select e.id::text, e.revocation_list, e.suspension_list,
        (select count(*)::int from audit_events a where a.action = 'extract.issued' and a.subject_id = e.id::text) as audit
      from extracts e`),
  );
  // every extract the process reported is there; perhaps one more it committed but could not report
  expect(rows.length - before).toBeGreaterThanOrEqual(committed.length);
  expect(rows.length - before).toBeLessThanOrEqual(committed.length + 1);
  for (const c of committed) expect(rows.map((r) => r.id)).toContain(c.id);
  // nothing half-written: entries and audit event with every extract, no audit event without one
  expect(rows.filter((r) => !r.revocation_list || !r.suspension_list || r.audit !== 1)).toEqual([]);
  const orphans = rowsOf<{ n: number }>(
    await db.execute(sql`select count(*)::int as n from audit_events a where a.action = 'extract.issued' and not exists (select 1 from extracts e where e.id::text = a.subject_id)`),
  )[0]!.n;
  expect(orphans).toBe(0);

  // and each committed extract verifies over HTTP on the restarted register
  app = await startApp(reopened, await testDocumentDeps());
  for (const c of committed) {
    const res = await app.fetch('/api/v1/verify', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ number: c.number, secret: c.secret }) });
    expect(res.status).toBe(200);
    expect((await res.json()).verdict).toBe('authentic');
  }
}, 180_000);
