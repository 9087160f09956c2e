// The graduate portal in a real browser (Debian's Chromium): no WCAG 2.1 A/AA violations that
// axe-core can find, in Dutch and English, on a phone and a desktop; and the whole flow — log in
// through the OpenID provider's own pages, open a diploma, download an extract, withdraw it,
// switch language, log out — with the keyboard alone.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq, sql } from 'drizzle-orm';
import type { Page } from 'playwright-core';
import { diplomas, holders, programmes, verificationEvents } from '../../db/schema.ts';
import { holderWithSameProgrammeCorrection } from '../support/demo-holders.ts';
import { startDevOpenIdProvider, type DevOpenIdProvider } from '../../dev/oidc-provider.ts';
import { issueExtract } from '../../src/extracts/extract-service.ts';
import { withdrawExtract } from '../../src/extracts/extract-status.ts';
import { systemClock } from '../../src/clock.ts';
import { freshDatabase, type FreshDatabase } from '../support/databases.ts';
import { startApp, type RunningApp } from '../support/app.ts';
import { testDocumentDeps } from '../support/documents.ts';
import { freePort } from '../support/process.ts';
import { BROWSER_TEST_TIMEOUT, describeFocus, publicAssets, reflowProblems, runAxe, tabTo, useChromium, type Device } from '../support/chromium.ts';

const langs = ['nl', 'en'] as const;
const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** What keeps a phone page usable: no sideways scrolling, and every link and button fully on screen. */
async function offScreen(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const scroller = document.scrollingElement!;
    const found: string[] = [];
    if (scroller.scrollWidth > scroller.clientWidth) found.push(`the page is ${scroller.scrollWidth} px wide in a ${scroller.clientWidth} px window`);
    for (const control of document.querySelectorAll<HTMLElement>('main a, main button')) {
      if (control.closest('.table-scroll, .skip')) continue; // a wide table scrolls in its own box
      const box = control.getBoundingClientRect();
      if (box.left < 0 || box.right > scroller.clientWidth) found.push(`"${control.textContent!.trim()}" is at ${Math.round(box.left)}–${Math.round(box.right)} px`);
    }
    return found;
  });
}
const devices: Device[] = ['phone', 'desktop'];

// PGlite only: the pages read the same rows on either database, and the portal's queries run on
// PostgreSQL in tests/portal; a second browser pass would double the time and test nothing new.
describe('graduate portal in Chromium', { timeout: BROWSER_TEST_TIMEOUT }, () => {
  const chromium = useChromium();
  let database: FreshDatabase;
  let app: RunningApp;
  let provider: DevOpenIdProvider;
  let base: string;
  let holder: typeof holders.$inferSelect;
  let diploma: { id: string; nameNl: string; nameEn: string };
  let activeExtractId: string;
  // someone with a corrected diploma and its correction: two diplomas of one programme and year
  let twice: typeof holders.$inferSelect;
  let issuer: Parameters<typeof issueExtract>[1];

  beforeAll(async () => {
    database = await freshDatabase('pglite');
    const db = database.db;
    // a holder with a valid vo diploma (grade list) and a non-ASCII name, and someone else
    const [row] = await db
      .select({ holder: holders, id: diplomas.id, nameNl: programmes.nameNl, nameEn: programmes.nameEn })
      .from(diplomas)
      .innerJoin(holders, eq(holders.id, diplomas.holderId))
      .innerJoin(programmes, eq(programmes.id, diplomas.programmeId))
      .where(and(eq(programmes.sector, 'vo'), eq(diplomas.state, 'valid'), sql`${holders.familyName} ~ '[^ -~]'`))
      .limit(1);
    holder = row!.holder;
    diploma = { id: row!.id, nameNl: row!.nameNl, nameEn: row!.nameEn };
    const [other] = await db.select().from(holders).where(sql`${holders.id} <> ${holder.id}`).limit(1);
    twice = await holderWithSameProgrammeCorrection(db);
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    provider = await startDevOpenIdProvider({
      clients: [{ clientId: 'browser-test', clientSecret: 'browser-test-secret', redirectUris: [`${base}/auth/callback`] }],
      // the holder first: the login page preselects the first account
      accounts: [holder, other!, twice].map((h) => ({ sub: h.subjectId, givenName: h.givenNames, familyName: h.familyName, birthdate: h.birthDate })),
    });
    const documents = await testDocumentDeps();
    app = await startApp(database, {
      ...documents,
      staticAssets: publicAssets(),
      oidc: { issuer: provider.issuer, clientId: 'browser-test', clientSecret: 'browser-test-secret' },
      env: { PUBLIC_BASE_URL: base },
      port,
      // the provider signs tokens with the real time, and a browser test takes real time
      clock: systemClock,
    });

    // every section of the portal filled: an active and a withdrawn extract, and who looked
    issuer = { signingKeys: documents.signingKeys!, seal: documents.documents!.seal, documentAssets: documents.documents!.assets, publicBaseUrl: base, did: app.deps.config.did };
    const now = new Date();
    const active = await issueExtract(db, issuer, { diplomaId: diploma.id, lang: 'nl', issuedBy: 'holder', holderSubjectId: holder.subjectId, now });
    const withdrawn = await issueExtract(db, issuer, { diplomaId: diploma.id, lang: 'en', issuedBy: 'holder', holderSubjectId: holder.subjectId, now });
    await withdrawExtract(db, { extractId: withdrawn.id, holderSubjectId: holder.subjectId, now });
    activeExtractId = active.id;
    await db.insert(verificationEvents).values([
      { extractId: active.id, at: new Date(now.getTime() - 86_400_000), entrance: 'qr' },
      { extractId: active.id, at: new Date(now.getTime() - 3_600_000), entrance: 'number' },
    ]);
  });
  afterAll(async () => {
    await app?.close();
    await provider?.stop();
    await database?.dispose();
  });

  /** Logs the holder (or `who`) in with the keyboard on the provider's own login page; ends on /portal/. */
  async function logIn(page: Page, lang: 'nl' | 'en', who = holder) {
    await page.goto(`${base}/portal/?lang=${lang}`);
    await expect.poll(() => page.url()).toMatch(new RegExp(`^${provider.issuer}/interaction/`));
    await page.getByRole('heading', { level: 1 }).waitFor();
    if (who !== holder) await page.locator(`input[name="account"][value="${who.subjectId}"]`).check();
    await tabTo(page, 'button', lang === 'nl' ? 'Inloggen' : 'Log in');
    await page.keyboard.press('Enter');
    await page.waitForURL(`${base}/portal/`);
  }

  /**
   * axe on each page; on a phone also WCAG 1.4.10 (reflow): at its own width and at 320 CSS px the
   * page does not scroll sideways (wide tables scroll inside their own box).
   */
  async function expectNoViolations(page: Page, device: Device, pages: Array<[label: string, path: string]>) {
    const found: string[] = [];
    for (const [label, path] of pages) {
      const response = await page.goto(base + path);
      found.push(...(await runAxe(page)).map((violation) => `${label} (HTTP ${response?.status()}): ${violation}`));
      if (device === 'phone') found.push(...(await reflowProblems(page, [page.viewportSize()!.width, 320])).map((problem) => `${label}: ${problem}`));
    }
    expect(found).toEqual([]);
    expect(chromium.problems(page)).toEqual([]);
  }

  it.for(devices)('home page on a %s: styled, no violations in Dutch and English', async (device) => {
    const page = await chromium.newPage({ device });
    await page.goto(`${base}/`);
    // the stylesheet is served and applied (contrast is checked on the real colours)
    expect(await page.locator('header.site').evaluate((header) => getComputedStyle(header).backgroundColor)).toBe('rgb(1, 104, 155)');
    await expectNoViolations(page, device, langs.map((lang) => [`home ${lang} ${device}`, `/?lang=${lang}`]));
  });

  it.for(langs)('login [%s]: the provider’s login page (through /login) and the cancelled-login page have no violations', async (lang) => {
    const page = await chromium.newPage({ locale: lang === 'nl' ? 'nl-NL' : 'en-GB' });
    await page.goto(`${base}/login?lang=${lang}`);
    await expect.poll(() => page.url()).toMatch(new RegExp(`^${provider.issuer}/interaction/`));
    expect(await page.locator('html').getAttribute('lang')).toBe(lang);
    expect(await runAxe(page)).toEqual([]);
    // cancelling there brings the person back to the register's own error page, in their language
    await tabTo(page, 'button', lang === 'nl' ? 'Annuleren' : 'Cancel');
    await page.keyboard.press('Enter');
    await page.waitForURL(new RegExp(`^${base}/auth/callback`));
    await expect.poll(() => page.getByRole('alert').textContent()).toBe(lang === 'nl' ? 'U hebt het inloggen afgebroken.' : 'You cancelled logging in.');
    expect(await page.locator('html').getAttribute('lang')).toBe(lang);
    expect(await runAxe(page)).toEqual([]);
    // the callback cannot be opened twice: the language switch shows the same message at its own address
    await page.getByRole('link', { name: lang === 'nl' ? 'English' : 'Nederlands' }).click();
    await page.waitForURL(`${base}/error/login-cancelled?lang=${lang === 'nl' ? 'en' : 'nl'}`);
    expect(await page.getByRole('alert').textContent()).toBe(lang === 'nl' ? 'You cancelled logging in.' : 'U hebt het inloggen afgebroken.');
    expect(await runAxe(page)).toEqual([]);
  });

  it.for(devices)('portal on a %s: my diplomas, my extracts, who looked, a diploma, withdrawing and the 404 page have no violations in Dutch and English', async (device) => {
    const page = await chromium.newPage({ device });
    await logIn(page, 'nl');
    const unknown = crypto.randomUUID();
    await expectNoViolations(
      page,
      device,
      langs.flatMap((lang): Array<[string, string]> => [
        [`my diplomas, extracts, who looked ${lang} ${device}`, `/portal/?lang=${lang}`],
        [`a diploma ${lang} ${device}`, `/portal/diplomas/${diploma.id}?lang=${lang}`],
        [`withdraw? ${lang} ${device}`, `/portal/extracts/${activeExtractId}/withdraw?lang=${lang}`],
        [`404 ${lang} ${device}`, `/portal/diplomas/${unknown}?lang=${lang}`],
      ]),
    );
    // the pages really had their content: diplomas and extracts as lists of cards, who looked as a
    // table in its own scroll box, the 404
    await page.goto(`${base}/portal/?lang=en`);
    expect(await page.getByRole('list', { name: 'My diplomas' }).getByRole('listitem').count()).toBeGreaterThanOrEqual(1);
    expect(await page.getByRole('list', { name: 'My extracts' }).getByRole('listitem').count()).toBeGreaterThanOrEqual(2);
    expect(await page.getByRole('table').count()).toBe(1);
    expect(await page.getByRole('region', { name: 'Who looked at my data' }).getByRole('table', { name: 'Who looked at my data' }).count()).toBe(1);
    expect(await page.getByRole('cell', { name: 'QR code scanned' }).count()).toBe(1);
    expect(await page.getByRole('list', { name: 'My extracts' }).getByText('Withdrawn by you').count()).toBeGreaterThanOrEqual(1); // the keyboard test withdraws one more
    const missing = await page.goto(`${base}/portal/diplomas/${unknown}?lang=nl`);
    expect(missing?.status()).toBe(404);
    expect(await page.getByRole('alert').textContent()).toContain('niet op uw naam');
  });

  it.for([320, 390])('on a %i px phone: no sideways scrolling, every action on screen, one name per diploma, and an error takes the focus', async (width) => {
    const page = await chromium.newPage({ device: 'phone', locale: 'en-GB' });
    await page.setViewportSize({ width, height: 844 });
    await logIn(page, 'en', twice);
    const mine = await database.db.select({ id: diplomas.id, state: diplomas.state }).from(diplomas).where(eq(diplomas.holderId, twice.id));
    const valid = mine.find((d) => d.state === 'valid')!;
    const extract = await issueExtract(database.db, issuer, { diplomaId: valid.id, lang: 'en', issuedBy: 'holder', holderSubjectId: twice.subjectId, now: new Date() });

    await page.goto(`${base}/portal/?lang=en`);
    expect(await offScreen(page)).toEqual([]);
    // every View says which diploma, also the corrected one and its correction (same programme and year)
    const views = await page.locator('.cards a[href^="/portal/diplomas/"]').allTextContents();
    expect(views).toHaveLength(mine.length);
    expect(new Set(views).size).toBe(views.length);
    for (const name of views) {
      expect(name).toMatch(/^View — \S.*, \d{4}/);
      expect(await page.getByRole('link', { name, exact: true }).count(), name).toBe(1); // what a screen reader hears
    }
    expect(await page.getByRole('button', { name: `Withdraw extract ${extract.number.replace(/^(.{4})(.{4})(.{4})(.{2})$/, '$1-$2-$3-$4')}`, exact: true }).count()).toBe(1);

    await page.goto(`${base}/portal/diplomas/${valid.id}?lang=en`);
    expect(await offScreen(page)).toEqual([]);
    expect(await page.getByRole('button', { name: /^Download extract/ }).count()).toBe(2);

    // the extract is withdrawn elsewhere (another tab) while this confirmation page is open
    await page.goto(`${base}/portal/extracts/${extract.id}/withdraw?lang=en`);
    expect(await offScreen(page)).toEqual([]);
    await withdrawExtract(database.db, { extractId: extract.id, holderSubjectId: twice.subjectId, now: new Date() });
    await page.getByRole('button', { name: 'Yes, withdraw' }).click();
    await expect.poll(() => page.title()).toBe('Error: Already withdrawn — Diplomaregister');
    await expect.poll(() => page.evaluate(() => document.activeElement?.id)).toBe('error-summary');
    expect(await page.locator('#error-summary').textContent()).toBe('Already withdrawnThis extract has already been withdrawn or superseded.');
    expect(await offScreen(page)).toEqual([]);
    expect(await runAxe(page)).toEqual([]);
    // switching language keeps the result, without posting the form again
    const posts: string[] = [];
    page.on('request', (request) => request.method() === 'POST' && posts.push(request.url()));
    await page.getByRole('link', { name: 'Nederlands' }).click();
    await page.waitForURL(`${base}/error/not-active?lang=nl`);
    await expect.poll(() => page.evaluate(() => document.activeElement?.id)).toBe('error-summary');
    expect(await page.title()).toBe('Fout: Al ingetrokken — Diplomaregister');
    expect(await page.getByRole('alert').textContent()).toBe('Dit uittreksel is al ingetrokken of vervangen.');
    expect(posts).toEqual([]);
    expect(chromium.problems(page)).toEqual([]);
  });

  it('keyboard only: skip link, log in, switch language, open a diploma, download an extract, withdraw it, log out', async () => {
    const page = await chromium.newPage({ device: 'desktop', locale: 'nl-NL' });
    await page.goto(`${base}/`);
    expect(await page.locator('html').getAttribute('lang')).toBe('nl');

    // the first Tab reaches the skip link, which is then on screen; it leads into the main content
    await tabTo(page, 'link', 'Naar de inhoud', { maxTabs: 1 });
    await page.keyboard.press('Enter');
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.querySelector('main')!.contains(document.activeElement))).toBe(true);

    // home → the provider's login page → back in the portal, logged in
    await tabTo(page, 'link', 'Mijn diploma’s');
    await page.keyboard.press('Enter');
    await page.waitForURL(new RegExp(`^${provider.issuer}/interaction/`));
    expect(await page.locator('html').getAttribute('lang')).toBe('nl');
    await tabTo(page, 'radio', new RegExp(holder.familyName));
    expect(await page.getByRole('radio', { name: new RegExp(holder.familyName) }).isChecked()).toBe(true);
    await tabTo(page, 'button', 'Inloggen');
    await page.keyboard.press('Enter');
    await page.waitForURL(`${base}/portal/`);
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Mijn diploma’s');

    // the language switch
    await tabTo(page, 'link', 'English');
    await page.keyboard.press('Enter');
    await page.waitForURL(`${base}/portal/?lang=en`);
    expect(await page.locator('html').getAttribute('lang')).toBe('en');
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('My diplomas');

    // open the diploma, download a Dutch extract
    await tabTo(page, 'link', new RegExp(`^View — \\S+ ${escapeRegExp(diploma.nameEn)}, \\d{4}`));
    await page.keyboard.press('Enter');
    await page.waitForURL(`${base}/portal/diplomas/${diploma.id}`);
    await tabTo(page, 'button', 'Download extract (Dutch)');
    const served = page.waitForResponse((response) => response.url() === `${base}/portal/diplomas/${diploma.id}/extract` && response.request().method() === 'POST');
    const downloaded = page.waitForEvent('download');
    await page.keyboard.press('Enter');
    const [response, download] = await Promise.all([served, downloaded]);
    expect(response.status()).toBe(200);
    expect(response.headers()['content-type']).toBe('application/pdf');
    const number = /^uittreksel-([0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{2})\.pdf$/.exec(download.suggestedFilename())?.[1];
    expect(number, download.suggestedFilename()).toBeDefined();
    const file = await download.path();
    expect(readFileSync(file).subarray(0, 5).toString('latin1')).toBe('%PDF-');
    expect(execFileSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' })).toContain(holder.familyName);
    expect(await describeFocus(page)).toBe('<button> "Download extract (Dutch)"'); // a download leaves the page (and focus) as it was

    // back to the list (Shift+Tab: the link is above), withdraw that extract: a page asks to
    // confirm (it cannot be undone), then its CSRF form does it
    await tabTo(page, 'link', 'Back to my diplomas', { backwards: true });
    await page.keyboard.press('Enter');
    await page.waitForURL(`${base}/portal/`);
    await tabTo(page, 'button', `Withdraw extract ${number}`, { maxTabs: 60 });
    await page.keyboard.press('Enter');
    await page.waitForURL(new RegExp(`^${base}/portal/extracts/[0-9a-f-]{36}/withdraw`));
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe(`Withdraw extract ${number}?`);
    await tabTo(page, 'button', 'Yes, withdraw');
    await page.keyboard.press('Enter');
    await page.waitForURL(`${base}/portal/?withdrawn=${number!.replace(/-/g, '')}`);
    expect(await page.title()).toBe('Extract withdrawn — My diplomas — Diplomaregister');
    expect(await page.getByRole('status').textContent()).toBe(`Extract ${number} has been withdrawn. Anyone who checks it will see it is no longer valid.`);
    const card = page.getByRole('listitem').filter({ hasText: number! });
    expect(await card.getByText('Withdrawn by you').count()).toBe(1);
    expect(await page.getByRole('button', { name: `Withdraw extract ${number}` }).count()).toBe(0);
    // the focus starts on the notice, so a screen reader says it first
    await expect.poll(() => describeFocus(page)).toMatch(new RegExp(`^<p role=status> "Extract ${number} has been withdrawn\\.`));

    // log out (Shift+Tab: the button is above the notice): the provider asks to end its session
    // too, then the register says so; the portal asks for a login again (page.request shares the
    // browser's cookies), and the provider really asks who is logging in
    await tabTo(page, 'button', 'Log out', { backwards: true });
    await page.keyboard.press('Enter');
    await page.waitForURL(new RegExp(`^${escapeRegExp(provider.issuer)}/session/end`));
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Log out (development)');
    await tabTo(page, 'button', 'Log out');
    await page.keyboard.press('Enter');
    await page.waitForURL(new RegExp(`^${base}/logged-out\\?state=`));
    expect(await page.title()).toBe('You are logged out — Diplomaregister');
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('You are logged out');
    expect(await page.getByText('You are also logged out at the login service').count()).toBe(1);
    expect(await page.getByRole('button', { name: 'Log out' }).count()).toBe(0);
    expect(await runAxe(page)).toEqual([]);
    await page.getByRole('link', { name: 'Nederlands' }).click();
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe('U bent uitgelogd');
    expect(await page.getByText('Ook bij de inlogdienst bent u uitgelogd').count()).toBe(1);
    const again = await page.request.get(`${base}/portal/`, { maxRedirects: 0 });
    expect(again.status()).toBe(302);
    expect(again.headers().location).toBe('/login?returnTo=%2Fportal%2F');
    await tabTo(page, 'link', 'Opnieuw inloggen');
    await page.keyboard.press('Enter');
    await page.waitForURL(new RegExp(`^${provider.issuer}/interaction/`));
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Inloggen (ontwikkelomgeving)');
    expect(await page.getByRole('radio', { name: new RegExp(holder.familyName) }).count()).toBe(1);
    expect(chromium.problems(page)).toEqual([]);
  });

  it('keyboard only on a phone: the language switch on the home page and in the portal', async () => {
    const page = await chromium.newPage({ device: 'phone', locale: 'en-GB' });
    await page.goto(`${base}/`);
    expect(await page.locator('html').getAttribute('lang')).toBe('en');
    await tabTo(page, 'link', 'Nederlands');
    await page.keyboard.press('Enter');
    await page.waitForURL(`${base}/?lang=nl`);
    expect(await page.locator('html').getAttribute('lang')).toBe('nl');
    // the choice is remembered: the portal (and the provider's login page) follow it
    await tabTo(page, 'link', 'Mijn diploma’s');
    await page.keyboard.press('Enter');
    await page.waitForURL(new RegExp(`^${provider.issuer}/interaction/`));
    expect(await page.locator('html').getAttribute('lang')).toBe('nl');
    await tabTo(page, 'button', 'Inloggen');
    await page.keyboard.press('Enter');
    await page.waitForURL(`${base}/portal/`);
    expect(await page.locator('html').getAttribute('lang')).toBe('nl');
    await tabTo(page, 'link', 'English');
    await page.keyboard.press('Enter');
    await page.waitForURL(`${base}/portal/?lang=en`);
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('My diplomas');
    expect(chromium.problems(page)).toEqual([]);
  });
});
