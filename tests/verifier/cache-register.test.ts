// The verifier's caches against a real register over real HTTP: verifications that arrive together
// share queries but each gets its own extract's answer; a change to a status list, an extract or a
// key made in this process counts for the very next verification, and one made with plain SQL as
// soon as the register announces it; a list that cannot be read still fails closed.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { eq, inArray, sql } from 'drizzle-orm';
import { diplomas, extracts, holders, verificationEvents } from '../../db/schema.ts';
import { issueExtract, type IssuedExtract } from '../../src/extracts/extract-service.ts';
import { withdrawExtract } from '../../src/extracts/extract-status.ts';
import { setStatusBit } from '../../src/extracts/status-store.ts';
import { insertVerificationEvents } from '../../src/verifier/sources.ts';
import { describeEachDatabase } from '../support/databases.ts';
import { startApp, type RunningApp } from '../support/app.ts';
import { testDocumentDeps } from '../support/documents.ts';
import { TEST_NOW } from '../support/constants.ts';

interface Result {
  verdict: string;
  checks: Array<{ id: string; status: string; code: string }>;
  credential?: { id: string };
}

const code = (result: Result, id: string) => result.checks.find((c) => c.id === id)?.code;

describeEachDatabase('verifier caches', (getDb) => {
  let app: RunningApp;
  let issued: Array<IssuedExtract & { holderSubject: string; credentialId: string }>;

  beforeAll(async () => {
    const docs = await testDocumentDeps();
    app = await startApp(getDb(), docs);
    const issuer = { signingKeys: docs.signingKeys!, seal: docs.documents!.seal, documentAssets: docs.documents!.assets, publicBaseUrl: 'http://register.test', did: 'did:web:register.test' };
    const valid = await getDb()
      .db.select({ id: diplomas.id, subject: holders.subjectId })
      .from(diplomas)
      .innerJoin(holders, eq(holders.id, diplomas.holderId))
      .where(eq(diplomas.state, 'valid'))
      .limit(5);
    expect(valid).toHaveLength(5);
    issued = [];
    for (const d of valid) {
      const e = await issueExtract(getDb().db, issuer, { diplomaId: d.id, lang: 'nl', issuedBy: 'holder', now: new Date(TEST_NOW) });
      const [row] = await getDb().db.select({ credentialId: extracts.credentialId }).from(extracts).where(eq(extracts.id, e.id));
      issued.push({ ...e, holderSubject: d.subject, credentialId: row!.credentialId });
    }
  });
  afterAll(() => app.close());

  let client = 0;
  const post = async (path: string, body: unknown): Promise<Result> => {
    // every request from a client of its own: one client's repeated checks are one "who looked" line
    const res = await app.fetch(`${path}?include=credential`, { method: 'POST', headers: { 'content-type': 'application/json', 'cf-connecting-ip': `198.18.${(client >> 8) & 255}.${client++ & 255}` }, body: JSON.stringify(body) });
    const result = (await res.json()) as Result;
    // the VC-API answers a credential that does not verify with 400 (its problem carries the same verdict and checks)
    expect(res.status).toBe(path === '/credentials/verify' && result.verdict !== 'authentic' ? 400 : 200);
    return result;
  };
  const byCredential = (e: IssuedExtract) => post('/credentials/verify', { verifiableCredential: e.credentialJwt });
  const byQr = (e: IssuedExtract) => {
    const u = new URL(e.verifyUrl);
    return post('/api/v1/verify', { number: u.pathname.split('/').pop(), secret: u.hash.slice(1) });
  };
  /** every extract but the last through both entrances, all requests at once, three times over */
  const all = () => {
    const some = issued.slice(0, 4);
    return Promise.all([...some, ...some, ...some].flatMap((e) => [byCredential(e), byQr(e)]));
  };

  it('verifications that arrive together each get their own extract back, authentic', async () => {
    const results = await all();
    expect(results).toHaveLength(4 * 6);
    results.forEach((result, i) => {
      expect(result.verdict).toBe('authentic');
      expect(result.credential!.id).toBe(issued[Math.floor(i / 2) % 4]!.credentialId);
    });
  });

  it('the QR entrance records one event per verification, also when they arrive together', async () => {
    const ids = issued.map((e) => e.id);
    const count = async () =>
      new Map(
        (
          await getDb()
            .db.select({ extractId: verificationEvents.extractId, n: sql<number>`count(*)::int` })
            .from(verificationEvents)
            .where(inArray(verificationEvents.extractId, ids))
            .groupBy(verificationEvents.extractId)
        ).map((r) => [r.extractId, Number(r.n)]),
      );
    const before = await count();
    await Promise.all([...issued, ...issued, ...issued, ...issued, ...issued].map(byQr));
    const after = await count();
    for (const id of ids) expect((after.get(id) ?? 0) - (before.get(id) ?? 0)).toBe(5);
  });

  // the writer falls back to one statement per event when a batch fails: that must stay a fallback
  it('events that arrive together are written by one statement, on this database too', async () => {
    const at = new Date('2001-02-03T04:05:06Z'); // no other event has these times
    const rows = issued.slice(0, 3).map((e, i) => ({ extractId: e.id, at: new Date(at.getTime() + i), entrance: (['qr', 'api', 'upload'] as const)[i]! }));
    const result = await getDb().db.execute(insertVerificationEvents(rows));
    expect(Array.isArray(result) ? (result as unknown as { count: number }).count : (result as { affectedRows?: number }).affectedRows).toBe(3);
    const stored = await getDb()
      .db.select({ extractId: verificationEvents.extractId, entrance: verificationEvents.entrance, at: verificationEvents.at })
      .from(verificationEvents)
      .where(inArray(verificationEvents.at, rows.map((r) => r.at)));
    expect(stored.map((r) => [r.extractId, r.entrance, r.at.getTime()]).sort()).toEqual(rows.map((r) => [r.extractId, r.entrance, r.at.getTime()]).sort());
  });

  it('a status bit set or cleared counts for the very next verification, while the lists are cached', async () => {
    const [target] = await getDb().db.select({ list: extracts.suspensionList, index: extracts.suspensionIndex }).from(extracts).where(eq(extracts.id, issued[1]!.id));
    const slot = { listId: target!.list, index: target!.index };
    expect((await byCredential(issued[1]!)).verdict).toBe('authentic');

    await setStatusBit(getDb().db, slot, true, new Date(TEST_NOW));
    const suspended = await all();
    suspended.forEach((result, i) => {
      const e = issued[Math.floor(i / 2) % 4]!;
      if (e === issued[1]) {
        expect(result.verdict).toBe('suspended');
        expect([code(result, 'status'), code(result, 'register')]).toEqual(['STATUS_SUSPENDED', 'REGISTER_ACTIVE']);
      } else {
        expect(result.verdict).toBe('authentic');
      }
    });

    await setStatusBit(getDb().db, slot, false, new Date(TEST_NOW));
    expect((await all()).map((r) => r.verdict).every((v) => v === 'authentic')).toBe(true);
  });

  it('a withdrawn extract is revoked at once; the others stay authentic', async () => {
    const withdrawn = issued[2]!;
    await withdrawExtract(getDb().db, { extractId: withdrawn.id, holderSubjectId: withdrawn.holderSubject, now: new Date(TEST_NOW) });
    const results = await all();
    results.forEach((result, i) => {
      const e = issued[Math.floor(i / 2) % 4]!;
      if (e === withdrawn) {
        expect(result.verdict).toBe('revoked');
        expect([code(result, 'status'), code(result, 'register')]).toEqual(['STATUS_REVOKED', 'REGISTER_WITHDRAWN']);
      } else {
        expect(result.verdict).toBe('authentic');
      }
    });
  });

  it('a superseded extract names the award date of the diploma that replaced it', async () => {
    const e = issued[4]!;
    const [own] = await getDb().db.select({ diplomaId: extracts.diplomaId }).from(extracts).where(eq(extracts.id, e.id));
    const [successor] = await getDb()
      .db.select({ id: diplomas.id, awardDate: diplomas.awardDate })
      .from(extracts)
      .innerJoin(diplomas, eq(diplomas.id, extracts.diplomaId))
      .where(eq(extracts.id, issued[0]!.id));
    await getDb().db.update(diplomas).set({ state: 'corrected', supersededBy: successor!.id }).where(eq(diplomas.id, own!.diplomaId));
    await getDb().db.update(extracts).set({ state: 'superseded' }).where(eq(extracts.id, e.id));
    const result = await byCredential(e);
    expect(result.verdict).toBe('superseded');
    const register = result.checks.find((c) => c.id === 'register') as Result['checks'][number] & { details?: Record<string, unknown> };
    expect(register).toMatchObject({ code: 'REGISTER_SUPERSEDED', details: { state: 'superseded', diplomaState: 'corrected', supersededBy: { awardDate: successor!.awardDate } } });
  });

  /**
   * Runs `change` (plain SQL, as from a shell or another instance) and resolves once the register
   * has announced it. PGlite announces while the statement answers: there it must already have been
   * heard when `change` returns. PostgreSQL delivers on the listening connection just after commit.
   */
  const changedOutside = async (change: () => Promise<unknown>) => {
    const feed = app.deps.registerChanges!;
    expect(feed.live).toBe(true);
    let heard = false;
    let resolve!: () => void;
    const announced = new Promise<void>((r) => (resolve = r));
    const stop = feed.subscribe(() => {
      heard = true;
      resolve();
    });
    try {
      await change();
      if (getDb().kind === 'pglite') expect(heard).toBe(true);
      await Promise.race([announced, new Promise((_, reject) => setTimeout(() => reject(new Error('no announcement within 10 s')), 10_000))]);
    } finally {
      stop();
    }
  };

  it('status fails closed when the lists cannot be read and nothing read before may be used', async () => {
    const e = issued[0]!;
    expect((await byCredential(e)).verdict).toBe('authentic');
    // a rename announces nothing: the announcement stands for a change the cache must not outlive
    await getDb().db.execute(sql`alter table status_lists rename to status_lists_away`);
    try {
      await changedOutside(() => getDb().db.execute(sql`select pg_notify('register_changed', 'status_lists')`));
      const result = await byCredential(e);
      expect(result.verdict).toBe('unknown');
      expect(code(result, 'status')).toBe('STATUS_UNKNOWN');
    } finally {
      await getDb().db.execute(sql`alter table status_lists_away rename to status_lists`);
    }
    expect((await byCredential(e)).verdict).toBe('authentic');
  });

  it('a change made with plain SQL outside our services counts once announced (at once on PGlite)', async () => {
    const e = issued[0]!;
    const [own] = await getDb().db.select({ diplomaId: extracts.diplomaId }).from(extracts).where(eq(extracts.id, e.id));
    expect((await byCredential(e)).verdict).toBe('authentic');
    expect((await byQr(e)).verdict).toBe('authentic');
    await changedOutside(() => getDb().db.execute(sql`update diplomas set state = 'annulled', annulled_at = now(), annulment_reason = 'test' where id = ${own!.diplomaId}`));
    for (const result of [await byCredential(e), await byQr(e)]) {
      expect(result.verdict).toBe('revoked');
      expect(code(result, 'register')).toBe('REGISTER_REVOKED');
    }
    await changedOutside(() => getDb().db.execute(sql`update diplomas set state = 'valid', annulled_at = null, annulment_reason = null where id = ${own!.diplomaId}`));
    expect((await byCredential(e)).verdict).toBe('authentic');
  });

  it('a key marked compromised in this process fails the next verification', async () => {
    const e = issued[3]!;
    expect((await byCredential(e)).verdict).toBe('authentic');
    const kid = JSON.parse(Buffer.from(e.credentialJwt.split('.')[0]!, 'base64url').toString()).kid;
    await getDb().db.transaction((tx) => app.app.services.keys.compromise(tx, kid, 'operator:test', new Date(TEST_NOW), 'test'));
    const result = await byCredential(e);
    expect(result.verdict).toBe('not_authentic');
    expect(code(result, 'issuer')).toBe('KEY_COMPROMISED');
  });

  // last: the test key stays unusable
  it('a key marked compromised with plain SQL (keys:compromise from a shell) counts once announced, not after the key cache ages', async () => {
    const e = issued[3]!;
    const kid = JSON.parse(Buffer.from(e.credentialJwt.split('.')[0]!, 'base64url').toString()).kid;
    // undo the previous test's compromise in plain SQL too: the announcement alone must bring it back
    await changedOutside(() => getDb().db.execute(sql`update signing_keys set compromised_at = null where kid = ${kid}`));
    expect((await byCredential(e)).verdict).toBe('authentic');
    await changedOutside(() => getDb().db.execute(sql`update signing_keys set compromised_at = ${new Date(TEST_NOW).toISOString()} where kid = ${kid}`));
    const result = await byCredential(e);
    expect(result.verdict).toBe('not_authentic');
    expect(code(result, 'issuer')).toBe('KEY_COMPROMISED');
  });
});
