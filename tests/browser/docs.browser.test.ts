// The first hour in a real browser (Debian's Chromium): the API reference and the development
// login page reflow at 320 px (nothing scrolls sideways) and pass axe-core's WCAG 2.1 A/AA rules.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDevOpenIdProvider, type DevOpenIdProvider } from '../../dev/oidc-provider.ts';
import { demoAccounts } from '../../dev/demo-accounts.ts';
import { freshDatabase, type FreshDatabase } from '../support/databases.ts';
import { startApp, type RunningApp } from '../support/app.ts';
import { freePort } from '../support/process.ts';
import { BROWSER_TEST_TIMEOUT, publicAssets, reflowProblems, runAxe, useChromium } from '../support/chromium.ts';

// PGlite only: nothing here depends on the database kind.
describe('the reference and the development login in Chromium', { timeout: BROWSER_TEST_TIMEOUT }, () => {
  const chromium = useChromium();
  let database: FreshDatabase;
  let app: RunningApp;
  let provider: DevOpenIdProvider;
  let base: string;

  beforeAll(async () => {
    database = await freshDatabase('pglite');
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    app = await startApp(database, { staticAssets: publicAssets(), env: { PUBLIC_BASE_URL: base }, port });
    provider = await startDevOpenIdProvider({
      clients: [{ clientId: 'docs-browser-test', redirectUris: [`${base}/auth/callback`] }],
      accounts: await demoAccounts(database.db),
    });
  });
  afterAll(async () => {
    await provider?.stop();
    await app?.close();
    await database?.dispose();
  });

  it('/docs reflows at 320 px and has no WCAG 2.1 AA violations axe can find', async () => {
    const page = await chromium.newPage({ device: 'phone', locale: 'en-GB' });
    await page.goto(`${base}/docs`);
    expect(await reflowProblems(page, [320, 390])).toEqual([]);
    expect(await runAxe(page)).toEqual([]);
    expect(chromium.problems(page)).toEqual([]);
  });

  it('the development login page lists what each account holds, and reflows at 320 px', async () => {
    const page = await chromium.newPage({ device: 'phone', locale: 'en-GB' });
    const authorize = new URL('/auth', provider.issuer);
    authorize.search = new URLSearchParams({
      client_id: 'docs-browser-test',
      redirect_uri: `${base}/auth/callback`,
      response_type: 'code',
      scope: 'openid profile',
      ui_locales: 'en',
      code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
      code_challenge_method: 'S256',
    }).toString();
    await page.goto(authorize.href);
    expect(await page.getByRole('radio', { name: /vwo with grade list: .*\(with grade list\)/ }).isVisible()).toBe(true);
    expect(await reflowProblems(page, [320])).toEqual([]);
    expect(await runAxe(page)).toEqual([]);
  });
});
