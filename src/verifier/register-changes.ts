// What the register announces when something a verification reads changes (migration 0008:
// NOTIFY register_changed, the table as payload). Caches of register facts serve only while the
// feed is live and in step, and forget everything at each announcement; without such a feed
// (PostgreSQL, Workers) every verification reads the register itself. The signing-key cache uses
// any feed: there an announcement only shortens the time a change from outside takes to count.

export interface RegisterChangeFeed {
  /** true while every committed change is announced */
  readonly live: boolean;
  /**
   * true when a change is announced before the statement that made it returns (PGlite, which runs
   * in this process). A server delivers announcements on another connection just after the commit
   * (PostgreSQL: about a millisecond here), so a verification right after a change could still
   * find the old state: caches of register facts answer only from a feed in step.
   */
  readonly inStep: boolean;
  /**
   * `onChange(table)` for every announcement; `onChange(undefined)` when announcements may have been
   * missed (the feed reconnected). Returns the unsubscribe function.
   */
  subscribe(onChange: (table: string | undefined) => void): () => void;
}

export const REGISTER_CHANGES_CHANNEL = 'register_changed';

/** The part a database driver plugs in: announcements and (re)connections. */
export function createRegisterChangeFeed({ inStep }: { inStep: boolean }) {
  const listeners = new Set<(table: string | undefined) => void>();
  let live = false;
  const emit = (table: string | undefined) => {
    for (const listener of listeners) listener(table);
  };
  return {
    feed: {
      get live() {
        return live;
      },
      inStep,
      subscribe(onChange: (table: string | undefined) => void) {
        listeners.add(onChange);
        return () => void listeners.delete(onChange);
      },
    } satisfies RegisterChangeFeed,
    announce: (table: string) => emit(table),
    /** listening (again): whatever was cached before may have missed an announcement */
    listening() {
      live = true;
      emit(undefined);
    },
    stopped() {
      live = false;
      emit(undefined);
    },
  };
}
