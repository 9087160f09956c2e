// The verifier's register cache (src/verifier/register-cache.ts) on its own, with a feed driven by
// hand: what it keeps, what it must not keep, and when it must read.
import { describe, expect, it } from 'vitest';
import { createRegisterCache } from '../../src/verifier/register-cache.ts';
import { createRegisterChangeFeed } from '../../src/verifier/register-changes.ts';

function setup(options: { maxEntries?: number; maxAgeMs?: number } = {}) {
  const feed = createRegisterChangeFeed({ inStep: true });
  feed.listening();
  let t = 0;
  const cache = createRegisterCache<string, string>(feed.feed, { ...options, now: () => t });
  const reads: string[] = [];
  const register = new Map<string, string>([['a', 'A1'], ['b', 'B1']]);
  const read = async (key: string) => {
    reads.push(key);
    return register.get(key);
  };
  return { feed, cache, reads, register, read, advance: (ms: number) => (t += ms) };
}

describe('register cache', () => {
  it('reads once and answers from memory until the register announces a change', async () => {
    const { feed, cache, reads, register, read } = setup();
    expect(await cache.get('a', read)).toBe('A1');
    expect(await cache.get('a', read)).toBe('A1');
    expect(reads).toEqual(['a']);
    register.set('a', 'A2');
    feed.announce('extracts');
    expect(await cache.get('a', read)).toBe('A2');
    expect(reads).toEqual(['a', 'a']);
  });

  it('does not keep a read that was under way when a change was announced', async () => {
    const { feed, cache, register } = setup();
    let finish!: (v: string) => void;
    const slow = cache.get('a', () => new Promise((r) => (finish = r)));
    feed.announce('diplomas');
    register.set('a', 'A2');
    finish('A1 (read before the change)');
    expect(await slow).toBe('A1 (read before the change)');
    const reads: string[] = [];
    expect(await cache.get('a', async (k) => (reads.push(k), register.get(k)))).toBe('A2');
    expect(reads).toEqual(['a']);
  });

  it('callers that ask while a read is under way share it', async () => {
    const { cache, reads, read } = setup();
    const [x, y] = await Promise.all([cache.get('b', read), cache.get('b', read)]);
    expect([x, y]).toEqual(['B1', 'B1']);
    expect(reads).toEqual(['b']);
  });

  it('keeps nothing about what does not exist, and nothing that failed', async () => {
    const { cache, reads, register, read } = setup();
    expect(await cache.get('new', read)).toBeUndefined();
    register.set('new', 'N1');
    expect(await cache.get('new', read)).toBe('N1');
    await expect(cache.get('c', () => Promise.reject(new Error('database down')))).rejects.toThrow('database down');
    expect(await cache.get('c', async () => 'C1')).toBe('C1');
    expect(reads).toEqual(['new', 'new']);
  });

  it('reads every time while the feed is not live, and after a reconnect forgets what it had', async () => {
    const { feed, cache, reads, register, read } = setup();
    await cache.get('a', read);
    feed.stopped();
    register.set('a', 'A2');
    expect(await cache.get('a', read)).toBe('A2');
    expect(await cache.get('a', read)).toBe('A2');
    expect(reads).toEqual(['a', 'a', 'a']);
    expect(cache.size).toBe(0);
    feed.listening();
    await cache.get('a', read);
    await cache.get('a', read);
    expect(reads).toHaveLength(4);
  });

  it('reads again after maxAgeMs, and drops the oldest beyond maxEntries', async () => {
    const { cache, reads, read, advance } = setup({ maxAgeMs: 1000, maxEntries: 1 });
    await cache.get('a', read);
    advance(999);
    await cache.get('a', read);
    advance(1);
    await cache.get('a', read);
    expect(reads).toEqual(['a', 'a']);
    await cache.get('b', read);
    expect(cache.size).toBe(1);
    await cache.get('a', read);
    expect(reads).toEqual(['a', 'a', 'b', 'a']);
  });

  it('with a feed that is not in step (PostgreSQL) it reads every time', async () => {
    const feed = createRegisterChangeFeed({ inStep: false });
    feed.listening();
    const cache = createRegisterCache<string, string>(feed.feed);
    let n = 0;
    await cache.get('a', async () => `A${++n}`);
    expect(await cache.get('a', async () => `A${++n}`)).toBe('A2');
  });

  it('without a feed (Workers) it is no cache at all', async () => {
    const cache = createRegisterCache<string, string>(undefined);
    let n = 0;
    await cache.get('a', async () => `A${++n}`);
    expect(await cache.get('a', async () => `A${++n}`)).toBe('A2');
  });
});
