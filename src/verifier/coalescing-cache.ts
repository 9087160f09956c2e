// Coalesced reads (and writes): a cache whose answers live only as long as one query. Callers that
// ask in the same turn of the event loop share one query, one for all their keys; when enough
// queries of the kind are in flight already, callers wait for one to end and share the next. Never
// does a caller join a query that had started before it asked, so no answer is staler than a read
// of its own would have been; under load many verifications share one round trip (on PGlite, one
// run of the single-threaded engine) instead of each making its own.

export interface CoalescingOptions {
  /** most keys in one query (default 64) */
  maxBatch?: number;
  /**
   * most queries of this kind in flight at once (default 4: one stalled connection of a pool does
   * not hold up every verification; on PGlite, whose queries run one after another on the event
   * loop, batches come out the same)
   */
  maxInFlight?: number;
}

interface Waiting<K, V> {
  key: K;
  resolve(value: V | undefined): void;
  reject(error: unknown): void;
}

export interface CoalescingReader<K, V> {
  /** what `read` answers for `key`, from a query that starts after this call */
  load(key: K): Promise<V | undefined>;
}

/** `read(keys)` answers every key it knows (keys are distinct); a key it leaves out is undefined. */
export function createCoalescingReader<K, V>(read: (keys: K[]) => Promise<Map<K, V>>, opts: CoalescingOptions = {}): CoalescingReader<K, V> {
  const flush = coalesce<Waiting<K, V>>(async (batch) => {
    let answers: Map<K, V>;
    try {
      answers = await read([...new Set(batch.map((w) => w.key))]);
    } catch (error) {
      for (const w of batch) w.reject(error);
      return;
    }
    for (const w of batch) w.resolve(answers.get(w.key));
  }, opts);
  return { load: (key) => new Promise((resolve, reject) => flush({ key, resolve, reject })) };
}

/**
 * Coalesced writes: `write(items)` stores several items in one statement. Each caller's promise
 * settles when its item is stored (or failed), exactly as with a statement of its own: nothing is
 * held back past the call, so nothing is lost on shutdown. If a batch fails, its items are written
 * one by one, so that one bad item fails alone.
 */
export function createCoalescingWriter<T>(write: (items: T[]) => Promise<void>, opts: CoalescingOptions = {}): (item: T) => Promise<void> {
  type Pending = { item: T; resolve(): void; reject(error: unknown): void };
  const flush = coalesce<Pending>(async (batch) => {
    try {
      await write(batch.map((p) => p.item));
      for (const p of batch) p.resolve();
    } catch (error) {
      if (batch.length === 1) return batch[0]!.reject(error);
      await Promise.all(batch.map((p) => write([p.item]).then(p.resolve, p.reject)));
    }
  }, opts);
  return (item) => new Promise((resolve, reject) => flush({ item, resolve, reject }));
}

/**
 * Items queued in the same turn of the event loop go together: the verifications whose requests
 * arrived in that turn, and both lists of one verification. Waiting for the turn to end matters on
 * PGlite, whose queries run on the event loop itself and so never overlap a request's arrival.
 * (setImmediate where there is one, Node; elsewhere a zero timeout.)
 */
const nextTurn: (run: () => void) => void =
  typeof (globalThis as { setImmediate?: unknown }).setImmediate === 'function'
    ? (run) => (globalThis as unknown as { setImmediate(run: () => void): void }).setImmediate(run)
    : (run) => void setTimeout(run, 0);

/** Queues items; runs `run` on batches of them, at most maxInFlight at a time. `run` must not throw. */
function coalesce<T>(run: (batch: T[]) => Promise<void>, { maxBatch = 64, maxInFlight = 4 }: CoalescingOptions): (item: T) => void {
  const waiting: T[] = [];
  let inFlight = 0;
  let scheduled = false;
  const start = () => {
    scheduled = false;
    while (waiting.length > 0 && inFlight < maxInFlight) {
      inFlight++;
      void run(waiting.splice(0, maxBatch)).finally(() => {
        inFlight--;
        start();
      });
    }
  };
  return (item) => {
    waiting.push(item);
    if (!scheduled && inFlight < maxInFlight) {
      scheduled = true;
      nextTurn(start);
    }
  };
}
