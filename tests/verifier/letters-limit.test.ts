// The number + letters entrance's limits over real HTTP, on every database: per number only failed
// attempts count (so knowing a number is not enough to lock it, and an employer's repeated checks
// do not), per client every attempt counts; an unknown number and wrong letters stay one answer,
// 429 included. The API and the /v page share the limits.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { diplomas, holders } from '../../db/schema.ts';
import { issueExtract, type ExtractIssuer } from '../../src/extracts/extract-service.ts';
import { generateExtractNumber } from '../../src/extracts/extract-number.ts';
import { LETTERS_BACKOFF, LETTERS_LIMIT_PER_CLIENT, LETTERS_LIMIT_PER_NUMBER } from '../../src/verifier/verifier-service.ts';
import { createBackoffMisses, lockMs } from '../../src/http/backoff-limiter.ts';
import { createRateWindows } from '../../src/http/rate-limit.ts';
import { fixedClock } from '../../src/clock.ts';
import { describeEachDatabase } from '../support/databases.ts';
import { startApp, type RunningApp } from '../support/app.ts';
import { testDocumentDeps } from '../support/documents.ts';
import { TEST_NOW } from '../support/constants.ts';

describe('a refundable take (the per-number limit counts failures only)', () => {
  const start = Date.parse(TEST_NOW);
  const limiter = () => {
    const clock = fixedClock(TEST_NOW);
    return { clock, limits: createRateWindows({ limit: 3, windowMs: 60_000, clock }) };
  };

  it('counts an attempt at once, so attempts still under way count against the limit', () => {
    const { limits } = limiter();
    const pending = [limits.take('n'), limits.take('n'), limits.take('n')];
    expect(pending.every((t) => t.ok)).toBe(true);
    // a check-then-count limiter would let this one in as well: none of the three has failed yet
    expect(limits.take('n')).toEqual({ ok: false, retryAfterSeconds: 60 });
    expect(limits.take('other').ok).toBe(true);
  });

  it('a refund gives the attempt back, once; refused attempts are not counted', () => {
    const { limits } = limiter();
    const first = limits.take('n');
    const second = limits.take('n');
    limits.take('n');
    expect(limits.take('n').ok).toBe(false);
    if (!first.ok || !second.ok) throw new Error('unexpected');
    first.refund();
    first.refund();
    // one place free, not two
    expect(limits.take('n').ok).toBe(true);
    expect(limits.take('n').ok).toBe(false);
    second.refund();
    expect(limits.take('n').ok).toBe(true);
    expect(limits.take('n').ok).toBe(false);
  });

  it('a refund after its window ended does not touch the next window', () => {
    const { clock, limits } = limiter();
    const late = limits.take('n');
    clock.set(new Date(start + 60_000));
    for (let i = 0; i < 3; i++) expect(limits.take('n').ok).toBe(true);
    if (late.ok) late.refund();
    expect(limits.take('n')).toEqual({ ok: false, retryAfterSeconds: 60 });
  });
});

describe('the back-off on misses (per client and number)', () => {
  const opts = { freeMisses: 2, firstLockMs: 10_000, maxLockMs: 40_000, forgetMs: 60_000 };
  const misses = () => {
    const clock = fixedClock(TEST_NOW);
    return { clock, misses: createBackoffMisses({ ...opts, clock }) };
  };
  const later = (clock: ReturnType<typeof fixedClock>, ms: number) => clock.set(new Date(clock.now().getTime() + ms));

  it('lets the free misses through, then locks for the first lock, doubling up to the cap', () => {
    expect([0, 1, 2, 3, 4, 5, 9].map((n) => lockMs(n, opts))).toEqual([0, 0, 10_000, 20_000, 40_000, 40_000, 40_000]);
    const { clock, misses: m } = misses();
    expect(m.take('k').ok).toBe(true);
    expect(m.take('k').ok).toBe(true);
    expect(m.take('k')).toEqual({ ok: false, retryAfterSeconds: 10 });
    expect(m.take('other').ok).toBe(true);
    later(clock, 10_000);
    expect(m.take('k').ok).toBe(true);
    expect(m.take('k')).toEqual({ ok: false, retryAfterSeconds: 20 });
  });

  it('a refund gives the miss back (the attempt proved right); a refused attempt is not counted', () => {
    const { misses: m } = misses();
    const first = m.take('k');
    const second = m.take('k');
    expect(m.take('k').ok).toBe(false);
    if (!first.ok || !second.ok) throw new Error('unexpected');
    second.refund();
    second.refund();
    expect(m.take('k').ok).toBe(true);
    expect(m.take('k').ok).toBe(false);
  });

  it('forgets a key whose last miss is older than forgetMs', () => {
    const { clock, misses: m } = misses();
    m.take('k');
    m.take('k');
    later(clock, 60_000);
    expect(m.take('k').ok).toBe(true);
    expect(m.take('k').ok).toBe(true);
    expect(m.take('k').ok).toBe(false);
  });
});

describeEachDatabase('the number + letters limits', (getDb) => {
  let app: RunningApp;
  let issuer: ExtractIssuer;
  let rightLetters: string;
  let wrongLetters: string;
  let diplomaId: string;
  let ip = 0;
  /** every attempt from a client of its own unless one is named: only the per-number limit applies */
  const nextClient = () => `198.18.${Math.floor(ip / 250)}.${(ip++ % 250) + 1}`;

  const api = (number: string, letters: string, client = nextClient()) =>
    app.fetch('/api/v1/verify', { method: 'POST', headers: { 'content-type': 'application/json', 'cf-connecting-ip': client }, body: JSON.stringify({ number, letters }) });
  const page = (number: string, letters: string, client = nextClient(), lang = 'en') =>
    app.fetch(`/v/check?lang=${lang}`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', 'cf-connecting-ip': client }, body: new URLSearchParams({ number, letters }).toString() });
  const freshNumber = async () => (await issueExtract(getDb().db, issuer, { diplomaId, lang: 'nl', issuedBy: 'holder', now: new Date(TEST_NOW) })).number;
  /** the statuses of `count` attempts, one after another */
  const statuses = async (count: number, attempt: (i: number) => Promise<Response>) => {
    const out: number[] = [];
    for (let i = 0; i < count; i++) {
      const res = await attempt(i);
      out.push(res.status);
      await res.arrayBuffer();
    }
    return out;
  };
  const times = (n: number, status: number) => Array.from({ length: n }, () => status);

  beforeAll(async () => {
    const docs = await testDocumentDeps();
    app = await startApp(getDb(), docs);
    issuer = { signingKeys: docs.signingKeys!, seal: docs.documents!.seal, documentAssets: docs.documents!.assets, publicBaseUrl: 'http://register.test', did: 'did:web:register.test' };
    const [d] = await getDb()
      .db.select({ id: diplomas.id, familyName: holders.familyName })
      .from(diplomas)
      .innerJoin(holders, eq(holders.id, diplomas.holderId))
      .where(eq(diplomas.state, 'valid'))
      .limit(1);
    diplomaId = d!.id;
    rightLetters = d!.familyName.normalize('NFD').replace(/\p{M}/gu, '').slice(0, 2);
    wrongLetters = rightLetters.toLowerCase() === 'qx' ? 'zx' : 'qx';
  });
  afterAll(() => app.close());

  const at = (ms: number) => app.clock.set(new Date(Date.parse(TEST_NOW) + ms));

  it('the limits are the documented ones', () => {
    expect(LETTERS_LIMIT_PER_NUMBER).toEqual({ limit: 100, windowMs: 60 * 60_000 });
    expect(LETTERS_LIMIT_PER_CLIENT).toEqual({ limit: 200, windowMs: 10 * 60_000 });
    expect(LETTERS_BACKOFF).toEqual({ freeMisses: 5, firstLockMs: 30_000, maxLockMs: 5 * 60_000, forgetMs: 60 * 60_000 });
  });

  it('one client’s misses lock that number for that client only, for 30 s, then doubling up to 5 minutes; the answer says how long', async () => {
    const number = await freshNumber();
    const office = '192.0.2.10';
    try {
      expect(await statuses(5, (i) => (i % 2 ? page(number, wrongLetters, office) : api(number, wrongLetters, office)))).toEqual(times(5, 404));
      const locked = await api(number, rightLetters, office);
      expect(locked.status).toBe(429);
      expect(locked.headers.get('retry-after')).toBe('30');
      const problem = await locked.json();
      expect(problem).toMatchObject({ code: 'TOO_MANY_ATTEMPTS', retryAfterSeconds: 30, detail: expect.stringContaining('Try again in 30 seconds') });
      expect(problem.message.nl).toContain('Probeer het over 30 seconden opnieuw');
      const lockedPage = await page(number, rightLetters, office, 'nl');
      expect(lockedPage.status).toBe(429);
      expect(lockedPage.headers.get('retry-after')).toBe('30');
      expect(await lockedPage.text()).toContain('Probeer het over 30 seconden opnieuw');
      // everyone else (another address) still checks this number, and this office other numbers
      expect((await api(number, rightLetters)).status).toBe(200);
      expect((await api(await freshNumber(), rightLetters, office)).status).toBe(200);

      // each further miss doubles the lock: 30 s, 60 s, 120 s, 240 s, then 300 s at most
      let now = 0;
      for (const lock of [30, 60, 120, 240, 300, 300]) {
        expect((await api(number, rightLetters, office)).headers.get('retry-after')).toBe(String(lock));
        now += lock * 1000;
        at(now);
        expect((await api(number, wrongLetters, office)).status).toBe(404);
      }
      const longest = await page(number, rightLetters, office, 'en');
      expect(await longest.text()).toContain('Try again in 5 minutes');
      at(now + 300_000);
      expect((await api(number, rightLetters, office)).status).toBe(200);
      // an hour without a miss and the count starts afresh: five free misses again
      at(now + 300_000 + 60 * 60_000);
      expect(await statuses(5, () => api(number, wrongLetters, office))).toEqual(times(5, 404));
      expect((await api(number, rightLetters, office)).status).toBe(429);
    } finally {
      app.clock.set(TEST_NOW);
    }
  });

  it('correct checks never count against the number; 100 misses from many addresses lock it for everyone for an hour', async () => {
    const number = await freshNumber();
    expect(await statuses(15, (i) => (i % 2 ? page(number, rightLetters) : api(number, rightLetters)))).toEqual(times(15, 200));
    // 99 misses, each from another address, then the right letters still pass
    expect(await statuses(99, (i) => (i % 2 ? page(number, wrongLetters) : api(number, wrongLetters)))).toEqual(times(99, 404));
    expect((await api(number, rightLetters)).status).toBe(200);
    expect((await api(number, wrongLetters)).status).toBe(404);
    const locked = await api(number, rightLetters);
    expect(locked.status).toBe(429);
    expect(locked.headers.get('retry-after')).toBe('3600');
    // the number's other spellings are the same number
    expect((await api(number.toLowerCase().replace(/(.{4})/g, '$1 '), rightLetters)).status).toBe(429);
    const lockedPage = await page(number, rightLetters);
    expect(await lockedPage.text()).toContain('Too many attempts. Try again in 60 minutes');
    try {
      at(30 * 60_000);
      expect((await api(number, rightLetters)).headers.get('retry-after')).toBe('1800');
      at(60 * 60_000);
      expect((await api(number, rightLetters)).status).toBe(200);
    } finally {
      app.clock.set(TEST_NOW);
    }
  });

  it('an unknown number behaves exactly like wrong letters: the same 404s, then the same 429', async () => {
    const known = await freshNumber();
    const unknown = generateExtractNumber();
    const unparsable = `ZZ${known.slice(2, 8)}`;
    const run = async (number: string, letters: string) => {
      const client = nextClient();
      const codes = await statuses(LETTERS_BACKOFF.freeMisses, () => api(number, letters, client));
      const limited = await api(number, letters, client);
      const body = await limited.json();
      return { codes, limited: limited.status, retryAfter: limited.headers.get('retry-after'), body: { ...body, requestId: '', instance: '' } };
    };
    const wrong = await run(known, wrongLetters);
    expect(wrong.codes).toEqual(times(5, 404));
    expect(wrong.limited).toBe(429);
    expect(await run(unknown, rightLetters)).toEqual(wrong);
    expect(await run(unparsable, rightLetters)).toEqual(wrong);
    // and on the page: the same page for a locked number that exists and one that does not
    const [a, b] = [nextClient(), nextClient()];
    await statuses(5, () => page(known, wrongLetters, a));
    await statuses(5, () => page(unknown, rightLetters, b));
    const lockedKnown = await page(known, rightLetters, a);
    const lockedUnknown = await page(unknown, rightLetters, b);
    expect([lockedKnown.status, lockedUnknown.status]).toEqual([429, 429]);
    const strip = (html: string, number: string) => html.replaceAll(number, 'NUMBER').replace(/value="[^"]*"/g, '');
    expect(strip(await lockedKnown.text(), known)).toEqual(strip(await lockedUnknown.text(), unknown));
  });

  it('per client every attempt counts, correct ones included, generously (an office behind one address): the 201st check is a 429', async () => {
    const numbers = [await freshNumber(), await freshNumber()];
    const client = '192.0.2.77';
    expect(await statuses(LETTERS_LIMIT_PER_CLIENT.limit, (i) => (i % 2 ? page(numbers[i % 2]!, rightLetters, client) : api(numbers[i % 2]!, rightLetters, client)))).toEqual(times(200, 200));
    const limited = await api(numbers[0]!, rightLetters, client);
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBe(600);
    expect((await limited.json()).detail).toContain('Try again in 10 minutes');
    // the number itself is not locked by that client's checks
    expect((await api(numbers[0]!, rightLetters)).status).toBe(200);
  });
});
