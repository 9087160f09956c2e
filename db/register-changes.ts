// Listens for the register's change announcements (migration 0008) on either driver.
// PGlite runs in this process: an announcement reaches the listener while the statement that made
// it is still answering, so a cache that listens is never behind (in step). PostgreSQL delivers it
// on the listening connection just after the commit (about 1 ms here): not in step, so only the
// key cache uses it. postgres.js reconnects that connection by itself and says so through onlisten,
// after which the feed reports that announcements may have been missed.
import type { PGlite } from '@electric-sql/pglite';
import type { Sql } from 'postgres';
import { createRegisterChangeFeed, REGISTER_CHANGES_CHANNEL, type RegisterChangeFeed } from '../src/verifier/register-changes.ts';

export interface ListeningFeed {
  feed: RegisterChangeFeed;
  stop(): Promise<void>;
}

/**
 * Listening where nothing announces would make a cache that never forgets: the triggers come with
 * migration 0008, so a database without them is refused.
 */
async function requireAnnouncements(hasFunction: () => Promise<boolean>): Promise<void> {
  if (!(await hasFunction())) throw new Error('the register does not announce its changes yet: migrate the database (migration 0008) before listening');
}

const ANNOUNCER = `select 1 from pg_proc where proname = 'announce_register_change'`;

export async function listenOnPglite(client: PGlite): Promise<ListeningFeed> {
  await requireAnnouncements(async () => (await client.query(ANNOUNCER)).rows.length > 0);
  const feed = createRegisterChangeFeed({ inStep: true });
  const unlisten = await client.listen(REGISTER_CHANGES_CHANNEL, feed.announce);
  feed.listening();
  return {
    feed: feed.feed,
    stop: async () => {
      feed.stopped();
      await unlisten();
    },
  };
}

export async function listenOnPostgres(client: Sql): Promise<ListeningFeed> {
  await requireAnnouncements(async () => (await client.unsafe(ANNOUNCER)).length > 0);
  const feed = createRegisterChangeFeed({ inStep: false });
  const { unlisten } = await client.listen(REGISTER_CHANGES_CHANNEL, feed.announce, feed.listening);
  return {
    feed: feed.feed,
    stop: async () => {
      feed.stopped();
      await unlisten();
    },
  };
}
