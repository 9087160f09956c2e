// Coalesced reads and writes (src/verifier/coalescing-cache.ts): callers asking at once share one
// query, nobody gets an answer from a query that started before they asked, and failures reach
// exactly the callers they concern.
import { describe, expect, it } from 'vitest';
import { createCoalescingReader, createCoalescingWriter } from '../../src/verifier/coalescing-cache.ts';

/**
 * A fake table whose reads the test releases by hand, recording what each read asked for. A read
 * answers what the table held when it started (a query's snapshot).
 */
function controlledTable(rows: Map<string, number>) {
  const reads: Array<{ keys: string[]; release(): void; fail(error: Error): void }> = [];
  const read = (keys: string[]) =>
    new Promise<Map<string, number>>((resolve, reject) => {
      const snapshot = new Map(keys.filter((k) => rows.has(k)).map((k) => [k, rows.get(k)!]));
      reads.push({ keys, release: () => resolve(snapshot), fail: reject });
    });
  return { reads, read };
}

const turn = () => new Promise((r) => setImmediate(r));

describe('coalescing reader', () => {
  it('serves callers who ask in the same turn with one query, each its own answer', async () => {
    const table = controlledTable(new Map([['a', 1], ['b', 2]]));
    const reader = createCoalescingReader(table.read);
    const answers = Promise.all([reader.load('a'), reader.load('b'), reader.load('a'), reader.load('zz')]);
    await turn();
    expect(table.reads.map((r) => r.keys)).toEqual([['a', 'b', 'zz']]);
    table.reads[0]!.release();
    expect(await answers).toEqual([1, 2, 1, undefined]);
  });

  it('never answers from a query that started before the caller asked', async () => {
    const rows = new Map([['a', 1]]);
    const table = controlledTable(rows);
    const reader = createCoalescingReader(table.read);
    const early = reader.load('a');
    await turn();
    rows.set('a', 2);
    // asked while the first query is in flight, after the row changed: a query of its own
    const late = reader.load('a');
    await turn();
    expect(table.reads).toHaveLength(2);
    table.reads[0]!.release();
    table.reads[1]!.release();
    expect([await early, await late]).toEqual([1, 2]);
  });

  it('with one query in flight at most, callers who asked meanwhile wait for it and share the next', async () => {
    const rows = new Map([['a', 1]]);
    const table = controlledTable(rows);
    const reader = createCoalescingReader(table.read, { maxInFlight: 1 });
    const early = reader.load('a');
    await turn();
    expect(table.reads).toHaveLength(1);
    // asked while the first query is in flight; the row changes before the first query ends
    const late = reader.load('a');
    const later = reader.load('a');
    await turn();
    expect(table.reads).toHaveLength(1);
    rows.set('a', 2);
    table.reads[0]!.release();
    await turn();
    // the late callers share a second query, which sees the change
    expect(table.reads).toHaveLength(2);
    table.reads[1]!.release();
    expect([await early, await late, await later]).toEqual([1, 2, 2]);
  });

  it('bounds a query by maxBatch keys and runs maxInFlight queries at once', async () => {
    const table = controlledTable(new Map(Array.from({ length: 10 }, (_, i) => [`k${i}`, i])));
    const reader = createCoalescingReader(table.read, { maxBatch: 4, maxInFlight: 2 });
    const answers = Promise.all(Array.from({ length: 10 }, (_, i) => reader.load(`k${i}`)));
    await turn();
    expect(table.reads.map((r) => r.keys.length)).toEqual([4, 4]);
    table.reads[0]!.release();
    await turn();
    expect(table.reads.map((r) => r.keys.length)).toEqual([4, 4, 2]);
    table.reads[1]!.release();
    table.reads[2]!.release();
    expect(await answers).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  it('a failed query fails its callers only; the next query runs', async () => {
    const table = controlledTable(new Map([['a', 1]]));
    const reader = createCoalescingReader(table.read);
    const failing = [reader.load('a'), reader.load('b')];
    await turn();
    const next = reader.load('a');
    table.reads[0]!.fail(new Error('connection reset'));
    await expect(failing[0]).rejects.toThrow('connection reset');
    await expect(failing[1]).rejects.toThrow('connection reset');
    await turn();
    table.reads[1]!.release();
    expect(await next).toBe(1);
  });
});

describe('coalescing writer', () => {
  it('writes the items of one turn in one statement and settles each caller after it', async () => {
    const stored: string[][] = [];
    const write = createCoalescingWriter<string>(async (items) => void stored.push(items));
    await Promise.all([write('a'), write('b'), write('c')]);
    expect(stored).toEqual([['a', 'b', 'c']]);
    await write('d');
    expect(stored).toEqual([['a', 'b', 'c'], ['d']]);
  });

  it('when a batch fails, writes its items one by one: only the bad item fails', async () => {
    const stored: string[] = [];
    const write = createCoalescingWriter<string>(async (items) => {
      if (items.includes('bad')) throw new Error('violates a constraint');
      stored.push(...items);
    });
    const results = await Promise.allSettled([write('a'), write('bad'), write('b')]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(stored.sort()).toEqual(['a', 'b']);
  });
});
