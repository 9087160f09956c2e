// The number + letters entrance's limits over real HTTP, on every database: per number only failed
// attempts count (so knowing a number is not enough to lock it, and an employer's repeated checks
// do not), per client every attempt counts; an unknown number and wrong letters stay one answer,
// 429 included. The API and the /v page share the limits.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { diplomas, holders } from '../../db/schema.ts';
import { issueExtract, type ExtractIssuer } from '../../src/extracts/extract-service.ts';
import { generateExtractNumber } from '../../src/extracts/extract-number.ts';
import { LETTERS_LIMIT_PER_CLIENT, LETTERS_LIMIT_PER_NUMBER } from '../../src/verifier/verifier-service.ts';
import { createRateLimiter } from '../../src/http/rate-limit.ts';
import { fixedClock } from '../../src/clock.ts';
import { describeEachDatabase } from '../support/databases.ts';
import { startApp, type RunningApp } from '../support/app.ts';
import { testDocumentDeps } from '../support/documents.ts';
import { TEST_NOW } from '../support/constants.ts';

describe('a refundable take (the per-number limit counts failures only)', () => {
  const start = Date.parse(TEST_NOW);
  const limiter = () => {
    const clock = fixedClock(TEST_NOW);
    return { clock, limits: createRateLimiter({ limit: 3, windowMs: 60_000, clock }) };
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

  it('the limits are the documented ones', () => {
    expect(LETTERS_LIMIT_PER_NUMBER).toEqual({ limit: 10, windowMs: 60 * 60_000 });
    expect(LETTERS_LIMIT_PER_CLIENT).toEqual({ limit: 30, windowMs: 10 * 60_000 });
  });

  it('correct checks never count against the number: 15 from different clients all answer 200, and 10 failures are still needed to lock it', async () => {
    const number = await freshNumber();
    expect(await statuses(15, (i) => (i % 2 ? page(number, rightLetters) : api(number, rightLetters)))).toEqual(times(15, 200));
    // nine failures, then the right letters still pass, and the tenth failure locks the number
    expect(await statuses(9, (i) => (i % 2 ? page(number, wrongLetters) : api(number, wrongLetters)))).toEqual(times(9, 404));
    expect((await api(number, rightLetters)).status).toBe(200);
    expect((await api(number, wrongLetters)).status).toBe(404);
    const locked = await api(number, rightLetters);
    expect(locked.status).toBe(429);
  });

  it('10 wrong-letter attempts lock the number for an hour, even for the right letters, on the API and the page alike', async () => {
    const number = await freshNumber();
    expect(await statuses(10, () => api(number, wrongLetters))).toEqual(times(10, 404));
    const locked = await api(number, rightLetters);
    expect(locked.status).toBe(429);
    expect(Number(locked.headers.get('retry-after'))).toBe(3600);
    expect((await locked.json()).code).toBe('TOO_MANY_ATTEMPTS');
    const lockedPage = await page(number, rightLetters.toUpperCase());
    expect(lockedPage.status).toBe(429);
    expect(lockedPage.headers.get('retry-after')).toBe('3600');
    expect(await lockedPage.text()).toContain('Too many attempts. Try again in 60 minutes');
    // the number's other spellings are the same number
    expect((await api(number.toLowerCase().replace(/(.{4})/g, '$1 '), rightLetters)).status).toBe(429);

    app.clock.set(new Date(Date.parse(TEST_NOW) + 30 * 60_000));
    const later = await api(number, rightLetters);
    expect(later.status).toBe(429);
    expect(later.headers.get('retry-after')).toBe('1800');
    // after the hour the number opens again
    app.clock.set(new Date(Date.parse(TEST_NOW) + 60 * 60_000));
    try {
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
      const codes = await statuses(LETTERS_LIMIT_PER_NUMBER.limit, () => api(number, letters));
      const limited = await api(number, letters);
      const body = await limited.json();
      return { codes, limited: limited.status, retryAfter: limited.headers.get('retry-after'), body: { ...body, requestId: '', instance: '' } };
    };
    const wrong = await run(known, wrongLetters);
    expect(wrong.codes).toEqual(times(10, 404));
    expect(wrong.limited).toBe(429);
    expect(await run(unknown, rightLetters)).toEqual(wrong);
    expect(await run(unparsable, rightLetters)).toEqual(wrong);
    // and on the page: the same page for a locked number that exists and one that does not
    const lockedKnown = await page(known, rightLetters);
    const lockedUnknown = await page(unknown, rightLetters);
    expect([lockedKnown.status, lockedUnknown.status]).toEqual([429, 429]);
    const strip = (html: string, number: string) => html.replaceAll(number, 'NUMBER').replace(/value="[^"]*"/g, '');
    expect(strip(await lockedKnown.text(), known)).toEqual(strip(await lockedUnknown.text(), unknown));
  });

  it('per client every attempt counts, correct ones included: the 31st check from one client is a 429', async () => {
    const number = await freshNumber();
    const client = '192.0.2.77';
    expect(await statuses(LETTERS_LIMIT_PER_CLIENT.limit, (i) => (i % 2 ? page(number, rightLetters, client) : api(number, rightLetters, client)))).toEqual(times(30, 200));
    const limited = await api(number, rightLetters, client);
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBe(600);
    // the number itself is not locked by that client's checks
    expect((await api(number, rightLetters)).status).toBe(200);
  });
});
