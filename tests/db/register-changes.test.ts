// The register's change announcements (migration 0008) on both databases: which statements
// announce, that PGlite announces in step and PostgreSQL just after, and that a database without
// the triggers is refused rather than listened to (a cache would then never forget).
import { afterAll, beforeAll, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { openDatabase } from '../../db/open.ts';
import type { RegisterChangeFeed } from '../../src/verifier/register-changes.ts';
import { describeEachDatabase } from '../support/databases.ts';

describeEachDatabase('register change announcements', (getDb) => {
  let feed: RegisterChangeFeed;
  const heard: Array<string | undefined> = [];
  let stop: () => void;
  beforeAll(async () => {
    feed = await getDb().changes();
    stop = feed.subscribe((table) => heard.push(table));
  });
  afterAll(() => stop());

  /** what `statement` announced, waiting out PostgreSQL's delivery with a marker of our own */
  const announcedBy = async (statement: ReturnType<typeof sql>) => {
    heard.length = 0;
    await getDb().db.execute(statement);
    const inStep = [...heard];
    await getDb().db.execute(sql`select pg_notify('register_changed', 'marker')`);
    for (let i = 0; i < 2000 && !heard.includes('marker'); i++) await new Promise((r) => setTimeout(r, 5));
    expect(heard).toContain('marker');
    return { inStep, all: heard.filter((t) => t !== 'marker') };
  };

  it('is live; in step on PGlite only', () => {
    expect(feed.live).toBe(true);
    expect(feed.inStep).toBe(getDb().kind === 'pglite');
  });

  it('a status list change announces status_lists (on PGlite before the statement returns); handing out entries does not', async () => {
    const changed = await announcedBy(sql`update status_lists set version = version + 1, updated_at = now() where id = (select min(id) from status_lists)`);
    expect(changed.all).toEqual(['status_lists']);
    if (feed.inStep) expect(changed.inStep).toEqual(['status_lists']);
    expect((await announcedBy(sql`update status_lists set allocated = allocated where id = (select min(id) from status_lists)`)).all).toEqual([]);
  });

  it('diplomas, holders and signing keys announce their changes; a statement that changes nothing in a rolled-back transaction does not', async () => {
    expect((await announcedBy(sql`update diplomas set updated_at = updated_at where id = (select min(id::text)::uuid from diplomas)`)).all).toEqual(['diplomas']);
    expect((await announcedBy(sql`update holders set family_name = family_name where id = (select min(id::text)::uuid from holders)`)).all).toEqual(['holders']);
    expect((await announcedBy(sql`update signing_keys set kid = kid where false`)).all).toEqual(['signing_keys']);
    heard.length = 0;
    await getDb()
      .db.transaction(async (tx) => {
        await tx.execute(sql`update diplomas set updated_at = updated_at where false`);
        throw new Error('roll back');
      })
      .catch(() => {});
    expect((await announcedBy(sql`select 1`)).all).toEqual([]);
  });
});

it('a PGlite database without migration 0008 is refused, not listened to', async () => {
  const bare = await openDatabase({ kind: 'pglite' });
  try {
    await expect(bare.changes()).rejects.toThrow(/migrate the database/);
  } finally {
    await bare.close();
  }
});
