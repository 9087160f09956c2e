// The graduate portal as a person uses it: log in through the real dev OpenID provider over HTTP,
// see the diplomas, download extracts in both languages, withdraw one, log out.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { and, eq, sql } from 'drizzle-orm';
import { diplomas, extracts, holders, programmes, verificationEvents } from '../../db/schema.ts';
import { holderWithSameProgrammeCorrection } from '../support/demo-holders.ts';
import { startDevOpenIdProvider, type DevOpenIdProvider } from '../../dev/oidc-provider.ts';
import { describeEachDatabase } from '../support/databases.ts';
import { startApp, type RunningApp } from '../support/app.ts';
import { testDocumentDeps } from '../support/documents.ts';
import { freePort } from '../support/process.ts';
import { CookieJar, browse, formAction, hiddenFields } from '../auth/browser.ts';

describeEachDatabase('graduate portal', (getDb) => {
  let app: RunningApp;
  let provider: DevOpenIdProvider;
  let base: string;
  let holder: typeof holders.$inferSelect;
  let other: typeof holders.$inferSelect | undefined;
  // someone with a corrected diploma and its correction: two diplomas of one programme and year
  let twice: typeof holders.$inferSelect;
  const dir = mkdtempSync(join(tmpdir(), 'portal-'));

  beforeAll(async () => {
    const db = getDb().db;
    // a holder with a valid vo diploma (grade list) and a non-ASCII name, and someone else
    const [row] = await db
      .select({ holder: holders })
      .from(diplomas)
      .innerJoin(holders, eq(holders.id, diplomas.holderId))
      .innerJoin(programmes, eq(programmes.id, diplomas.programmeId))
      .where(and(eq(programmes.sector, 'vo'), eq(diplomas.state, 'valid'), sql`${holders.familyName} ~ '[^ -~]'`))
      .limit(1);
    holder = row!.holder;
    [other] = await db.select().from(holders).where(sql`${holders.id} <> ${holder.id}`).limit(1);
    twice = await holderWithSameProgrammeCorrection(db);
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    provider = await startDevOpenIdProvider({
      port: 0,
      clients: [{ clientId: 'portal-test', clientSecret: 'portal-test-secret', redirectUris: [`${base}/auth/callback`] }],
      accounts: [holder, other!, twice].map((h) => ({ sub: h.subjectId, givenName: h.givenNames, familyName: h.familyName, birthdate: h.birthDate })),
    });
    app = await startApp(getDb(), {
      ...(await testDocumentDeps()),
      oidc: { issuer: provider.issuer, clientId: 'portal-test', clientSecret: 'portal-test-secret' },
      env: { PUBLIC_BASE_URL: base },
      port,
    });
  });
  afterAll(async () => {
    await app?.close();
    await provider?.stop();
  });

  /** Logs `who` in through the provider's login page; returns the browser (cookie jar). */
  async function logIn(who: typeof holder, lang: 'nl' | 'en' = 'nl'): Promise<CookieJar> {
    app.clock.set(new Date()); // the provider signs tokens with the real time, however long the file has run
    const jar = new CookieJar();
    const first = await browse(jar, `${base}/portal/?lang=${lang}`, provider.issuer);
    expect(first.kind).toBe('redirected'); // portal → /login → the provider
    const loginPage = await browse(jar, first.url, `${base}/auth/callback`);
    if (loginPage.kind !== 'page') throw new Error('expected the provider login page');
    expect(loginPage.html).toContain(`lang="${lang}"`);
    const action = formAction(loginPage.html, lang === 'nl' ? 'Inloggen' : 'Log in', loginPage.url);
    const back = await browse(jar, action, `${base}/auth/callback`, { method: 'POST', form: { account: who.subjectId } });
    if (back.kind !== 'redirected') throw new Error(`expected the callback, got ${JSON.stringify(back).slice(0, 300)}`);
    const portal = await browse(jar, back.url, 'http://nowhere.invalid');
    if (portal.kind !== 'page') throw new Error('expected the portal');
    expect(portal.status).toBe(200);
    expect(portal.url).toBe(`${base}/portal/`);
    return jar;
  }

  const get = async (jar: CookieJar, path: string) => {
    const res = await fetch(base + path, { headers: { cookie: jar.headerFor(new URL(base + path)) }, redirect: 'manual' });
    jar.store(res);
    return res;
  };
  const post = async (jar: CookieJar, path: string, form: Record<string, string>) => {
    const res = await fetch(base + path, { method: 'POST', headers: { cookie: jar.headerFor(new URL(base + path)), 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(form), redirect: 'manual' });
    jar.store(res);
    return res;
  };
  const csrfOf = (html: string) => /name="csrf" value="([^"]+)"/.exec(html)![1]!;
  /** What a screen reader says for an element's content: its text, hidden context included. */
  const spoken = (inner: string) => inner.replace(/<[^>]+>/g, '').replace(/&amp;/g, '&').replace(/&#39;/g, "'").replace(/&quot;/g, '"').replace(/\s+/g, ' ').trim();
  const titleOf = (html: string) => /<title>([^<]*)<\/title>/.exec(html)![1]!;
  const languageLink = (html: string) => /<nav class="portal-bar"[^>]*><a href="([^"]+)"/.exec(html)![1]!.replace(/&amp;/g, '&');

  it('logs in with the real OpenID provider; the session cookie is HttpOnly and SameSite=Lax', async () => {
    const res = await fetch(`${base}/login`, { redirect: 'manual' });
    expect(res.status).toBe(302);
    const cookie = res.headers.getSetCookie().find((c) => c.startsWith('dr_login='))!;
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Lax/);
    const location = new URL(res.headers.get('location')!);
    expect(location.origin).toBe(provider.issuer);
    expect(location.searchParams.get('code_challenge_method')).toBe('S256');
    await logIn(holder);
  });

  it('shows my diplomas in Dutch and English, a diploma with its grade list, and nobody else’s', async () => {
    const jar = await logIn(holder, 'nl');
    const nl = await (await get(jar, '/portal/')).text();
    expect(nl).toContain('<html lang="nl">');
    expect(nl).toContain('Mijn diploma’s');
    const ids = [...nl.matchAll(/href="\/portal\/diplomas\/([0-9a-f-]{36})"/g)].map((m) => m[1]!);
    const mine = await getDb().db.select({ id: diplomas.id }).from(diplomas).where(eq(diplomas.holderId, holder.id));
    expect(new Set(ids)).toEqual(new Set(mine.map((d) => d.id)));

    const en = await (await get(jar, '/portal/?lang=en')).text();
    expect(en).toContain('<html lang="en">');
    expect(en).toContain('My diplomas');

    const [vo] = await getDb().db.select().from(diplomas).innerJoin(programmes, eq(programmes.id, diplomas.programmeId)).where(and(eq(diplomas.holderId, holder.id), eq(programmes.sector, 'vo'), eq(diplomas.state, 'valid')));
    const detail = await (await get(jar, `/portal/diplomas/${vo!.diplomas.id}?lang=nl`)).text();
    expect(detail).toContain('Cijferlijst');
    expect(detail).toContain(vo!.diplomas.grades![0]!.subjectNl);

    const [foreign] = await getDb().db.select({ id: diplomas.id }).from(diplomas).where(eq(diplomas.holderId, other!.id));
    const notMine = await get(jar, `/portal/diplomas/${foreign!.id}`);
    expect(notMine.status).toBe(404);
    expect(await notMine.text()).toContain('niet op uw naam');
  });

  it('lists diplomas and extracts as cards; every View and Withdraw says which one to a screen reader', async () => {
    const jar = await logIn(twice, 'en');
    const [valid] = await getDb().db.select({ id: diplomas.id }).from(diplomas).where(and(eq(diplomas.holderId, twice.id), eq(diplomas.state, 'valid')));
    const csrf = csrfOf(await (await get(jar, `/portal/diplomas/${valid!.id}`)).text());
    for (const lang of ['nl', 'en']) expect((await post(jar, `/portal/diplomas/${valid!.id}/extract`, { csrf, lang })).status).toBe(200);
    for (const lang of ['nl', 'en'] as const) {
      const html = await (await get(jar, `/portal/?lang=${lang}`)).text();
      expect(html).toContain(`<ul class="cards" aria-label="${lang === 'nl' ? 'Mijn diploma’s' : 'My diplomas'}">`);
      const views = [...html.matchAll(/<a href="\/portal\/diplomas\/[0-9a-f-]{36}">(.*?)<\/a>/g)].map((m) => spoken(m[1]!));
      const mine = await getDb().db.select({ id: diplomas.id }).from(diplomas).where(eq(diplomas.holderId, twice.id));
      expect(views).toHaveLength(mine.length);
      expect(new Set(views).size).toBe(views.length);
      for (const name of views) expect(name).toMatch(lang === 'nl' ? /^Bekijk — \S.*, \d{4}/ : /^View — \S.*, \d{4}/);
      // the corrected diploma and its correction share programme and year; their state tells them apart
      expect(views.filter((name) => name.endsWith(lang === 'nl' ? ', Vervangen door een correctie' : ', Superseded by a correction'))).toHaveLength(1);
      const withdraws = [...html.matchAll(/<button type="submit">((?:Withdraw|Intrekken)<span.*?)<\/button>/g)].map((m) => spoken(m[1]!));
      expect(withdraws).toHaveLength(2);
      expect(new Set(withdraws).size).toBe(2);
      for (const name of withdraws) expect(name).toMatch(lang === 'nl' ? /^Intrekken: uittreksel [0-9A-Z]{4}-/ : /^Withdraw extract [0-9A-Z]{4}-/);
    }
  });

  it('downloads NL and EN extracts as sealed PDFs with my name, lists them, and withdraws one', async () => {
    const jar = await logIn(holder, 'en');
    const [vo] = await getDb().db.select({ id: diplomas.id }).from(diplomas).innerJoin(programmes, eq(programmes.id, diplomas.programmeId)).where(and(eq(diplomas.holderId, holder.id), eq(programmes.sector, 'vo'), eq(diplomas.state, 'valid')));
    const detail = await (await get(jar, `/portal/diplomas/${vo!.id}`)).text();
    const csrf = csrfOf(detail);
    for (const lang of ['nl', 'en'] as const) {
      const res = await post(jar, `/portal/diplomas/${vo!.id}/extract`, { csrf, lang });
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('application/pdf');
      expect(res.headers.get('content-disposition')).toMatch(/attachment; filename="(uittreksel|extract)-[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{2}\.pdf"/);
      const file = join(dir, `${lang}.pdf`);
      writeFileSync(file, new Uint8Array(await res.arrayBuffer()));
      const text = execFileSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' });
      expect(text).toContain(holder.familyName);
      expect(text).toMatch(lang === 'nl' ? /pagina 1 van/ : /page 1 of/);
    }
    const list = await (await get(jar, '/portal/')).text();
    const withdrawActions = [...list.matchAll(/action="(\/portal\/extracts\/[0-9a-f-]{36}\/withdraw)"/g)].map((m) => m[1]!);
    expect(withdrawActions).toHaveLength(2);

    // the list links to a confirmation page; its form carries the token that withdraws
    const confirm = await get(jar, withdrawActions[0]!);
    expect(confirm.status).toBe(200);
    const confirmCsrf = csrfOf(await confirm.text());
    const otherHolder = await logIn(other!, 'en');
    expect((await get(otherHolder, withdrawActions[0]!)).status).toBe(404);
    expect((await post(otherHolder, withdrawActions[0]!, { csrf: csrfOf(await (await get(otherHolder, '/portal/')).text()) })).status).toBe(404);
    const withdrawn = await post(jar, withdrawActions[0]!, { csrf: confirmCsrf });
    expect(withdrawn.status).toBe(303);
    const after = await (await get(jar, withdrawn.headers.get('location')!)).text();
    expect(after).toContain('has been withdrawn');
    expect(after).toContain('Withdrawn by you');
    // the language switch on this result keeps the result: same page, same notice, in Dutch
    const resultInDutch = await (await get(jar, languageLink(after))).text();
    expect(languageLink(after)).toBe(`${withdrawn.headers.get('location')!}&lang=nl`);
    expect(resultInDutch).toMatch(/<p role="status" class="notice" tabindex="-1" autofocus="">Uittreksel [0-9A-Z-]+ is ingetrokken/);
    expect((await get(jar, withdrawActions[0]!)).status).toBe(409);
    const count = async () => (await getDb().db.select({ n: sql<number>`count(*)::int` }).from(extracts))[0]!.n;
    const extractsBefore = await count();
    const again = await post(jar, withdrawActions[0]!, { csrf: confirmCsrf });
    expect(again.status).toBe(409);
    // an error page: "Error:" in its title, the focus starts on the error summary; its language
    // switch shows the same error at a GET address (switching does not post the form again)
    const againHtml = await again.text(); // in Dutch: the switch above was remembered
    expect(titleOf(againHtml)).toBe('Fout: Al ingetrokken — Diplomaregister');
    expect(againHtml).toContain('<div class="error-summary" id="error-summary" tabindex="-1" autofocus=""><h1>Al ingetrokken</h1><p role="alert">Dit uittreksel is al ingetrokken of vervangen.</p></div>');
    expect(languageLink(againHtml)).toBe('/error/not-active?lang=en');
    const inEnglish = await get(jar, languageLink(againHtml));
    expect(inEnglish.status).toBe(409);
    const inEnglishHtml = await inEnglish.text();
    expect(titleOf(inEnglishHtml)).toBe('Error: Already withdrawn — Diplomaregister');
    expect(inEnglishHtml).toContain('<p role="alert">This extract has already been withdrawn or superseded.</p>');
    expect(languageLink(inEnglishHtml)).toBe('/error/not-active?lang=nl');
    expect(await count()).toBe(extractsBefore);
    expect((await get(jar, '/error/no-such-error')).status).toBe(404);

    // "who looked": the verification log (filled by the verifier) shows when and how, never who
    expect(after).toContain('Nobody has verified your extracts.');
    const [mine] = await getDb().db.select({ id: extracts.id, number: extracts.number }).from(extracts).innerJoin(diplomas, eq(diplomas.id, extracts.diplomaId)).where(eq(diplomas.holderId, holder.id)).limit(1);
    await getDb().db.insert(verificationEvents).values({ extractId: mine!.id, at: new Date('2026-11-20T09:30:00Z'), entrance: 'qr' });
    const looked = await (await get(jar, '/portal/')).text();
    expect(looked).toContain('QR code scanned');
    expect(looked).toContain('20 November 2026');
    expect(await (await get(otherHolder, '/portal/')).text()).toContain('Nobody has verified your extracts.');
  });

  it('refuses forms without the CSRF token, an unsupported language and someone else’s diploma, changing nothing', async () => {
    const jar = await logIn(holder, 'nl');
    const [mine] = await getDb().db.select({ id: diplomas.id }).from(diplomas).where(and(eq(diplomas.holderId, holder.id), eq(diplomas.state, 'valid')));
    const csrf = csrfOf(await (await get(jar, `/portal/diplomas/${mine!.id}`)).text());
    const count = async () => (await getDb().db.select({ n: sql<number>`count(*)::int` }).from(extracts))[0]!.n;
    const before = await count();
    expect((await post(jar, `/portal/diplomas/${mine!.id}/extract`, { lang: 'nl' })).status).toBe(403);
    expect((await post(jar, `/portal/diplomas/${mine!.id}/extract`, { lang: 'nl', csrf: 'x'.repeat(csrf.length) })).status).toBe(403);
    const badLang = await post(jar, `/portal/diplomas/${mine!.id}/extract`, { lang: 'de', csrf });
    expect(badLang.status).toBe(400);
    expect(await badLang.text()).toContain('Kies Nederlands of Engels');
    const [foreign] = await getDb().db.select({ id: diplomas.id }).from(diplomas).where(eq(diplomas.holderId, other!.id));
    expect((await post(jar, `/portal/diplomas/${foreign!.id}/extract`, { lang: 'nl', csrf })).status).toBe(404);
    expect(await count()).toBe(before);
  });

  it('logout ends the session: the old cookie no longer opens the portal', async () => {
    const jar = await logIn(holder, 'nl');
    const page = await (await get(jar, '/portal/')).text();
    const stolen = jar.headerFor(new URL(`${base}/portal/`));
    const out = await post(jar, '/logout', { csrf: csrfOf(page) });
    expect(out.status).toBe(303);
    const replay = await fetch(`${base}/portal/`, { headers: { cookie: stolen }, redirect: 'manual' });
    expect(replay.status).toBe(302);
    expect(replay.headers.get('location')).toMatch(/^\/login\?returnTo=/);
  });

  it('logout ends the provider session too: the portal then asks for the account again and says I am logged out', async () => {
    const jar = await logIn(holder, 'nl');
    const page = await (await get(jar, '/portal/')).text();
    const out = await post(jar, '/logout', { csrf: csrfOf(page) });
    expect(out.status).toBe(303);
    const endSession = new URL(out.headers.get('location')!);
    expect(endSession.origin + endSession.pathname).toBe(`${provider.issuer}/session/end`);
    expect(endSession.searchParams.get('id_token_hint')).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/);
    expect(endSession.searchParams.get('post_logout_redirect_uri')).toBe(`${base}/logged-out`);
    const state = endSession.searchParams.get('state')!;
    expect(state).toMatch(/^[\w-]{43}$/);

    const ask = await browse(jar, endSession.href, base);
    if (ask.kind !== 'page') throw new Error(`expected the provider's logout page, got ${JSON.stringify(ask)}`);
    const back = await browse(jar, formAction(ask.html, 'Uitloggen', ask.url), base, { method: 'POST', form: { ...hiddenFields(ask.html), logout: 'yes' } });
    expect(back).toEqual({ kind: 'redirected', url: `${base}/logged-out?state=${state}` });
    const loggedOut = await get(jar, `/logged-out?state=${state}`);
    const html = await loggedOut.text();
    expect(titleOf(html)).toBe('U bent uitgelogd — Diplomaregister');
    expect(html).toContain('<h1>U bent uitgelogd</h1>');
    expect(html).toContain('Ook bij de inlogdienst bent u uitgelogd');
    expect(html).not.toContain('name="csrf"'); // no logout button: nobody is logged in
    const english = await (await get(jar, languageLink(html).replace(/^\//, '/'))).text();
    expect(english).toContain('<h1>You are logged out</h1>');
    expect(english).toContain('You are also logged out at the login service');
    // the page at its address alone (another browser, or a forged state) claims nothing about the provider
    const bare = await (await get(new CookieJar(), `/logged-out?state=${state}`)).text();
    expect(bare).toContain('<h1>U bent uitgelogd</h1>');
    expect(bare).not.toContain('inlogdienst');

    // the portal asks again, and the provider shows its login page instead of logging me in silently
    const again = await browse(jar, `${base}/portal/`, provider.issuer);
    expect(again.kind).toBe('redirected');
    const loginPage = await browse(jar, again.kind === 'redirected' ? again.url : '', `${base}/auth/callback`);
    expect(loginPage.kind).toBe('page');
    expect(loginPage.kind === 'page' && loginPage.html).toContain('<fieldset><legend>Test person</legend>'); // English now, as chosen
  });

  it('an expired session sends me back to login', async () => {
    const jar = await logIn(holder, 'nl');
    app.clock.set(new Date(app.clock.now().getTime() + 31 * 60_000));
    try {
      const res = await get(jar, '/portal/');
      expect(res.status).toBe(302);
      expect(res.headers.get('location')).toMatch(/^\/login/);
    } finally {
      app.clock.set(new Date(app.clock.now().getTime() - 31 * 60_000));
    }
  });
});
