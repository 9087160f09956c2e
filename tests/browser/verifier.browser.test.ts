// The public verifier in a real browser (Debian's Chromium), on a phone-sized window, as an
// employer uses it: the QR path (the QR URL itself, a photo of the printed extract, and the camera
// fed a QR code through Chromium's fake capture device), the number path with the keyboard alone,
// the upload path for genuine, withdrawn and edited PDFs, "report suspected forgery", and axe-core
// on every page.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import QRCode from 'qrcode';
import { chromium as playwright, type Page } from 'playwright-core';
import { diplomas, forgeryReports, holders } from '../../db/schema.ts';
import { issueExtract, type ExtractIssuer, type IssuedExtract } from '../../src/extracts/extract-service.ts';
import { withdrawExtract } from '../../src/extracts/extract-status.ts';
import { freshDatabase, type FreshDatabase } from '../support/databases.ts';
import { startApp, type RunningApp } from '../support/app.ts';
import { testDocumentDeps } from '../support/documents.ts';
import { freePort } from '../support/process.ts';
import { BROWSER_TEST_TIMEOUT, publicAssets, runAxe, tabTo, useChromium } from '../support/chromium.ts';

const verdictOf = (page: Page) => page.locator('[data-verdict]').getAttribute('data-verdict');

/** A YUV4MPEG2 clip of one frame: the QR code of `text` on white, for Chromium's fake camera. */
function qrClip(text: string): string {
  const qr = QRCode.create(text, { errorCorrectionLevel: 'M' });
  const size = qr.modules.size;
  const [width, height, scale] = [640, 480, 6];
  const y = new Uint8Array(width * height).fill(235);
  const left = Math.floor((width - size * scale) / 2);
  const top = Math.floor((height - size * scale) / 2);
  for (let row = 0; row < size; row++)
    for (let col = 0; col < size; col++)
      if (qr.modules.get(row, col))
        for (let dy = 0; dy < scale; dy++) y.fill(16, (top + row * scale + dy) * width + left + col * scale, (top + row * scale + dy) * width + left + (col + 1) * scale);
  const chroma = new Uint8Array((width / 2) * (height / 2)).fill(128);
  const file = join(mkdtempSync(join(tmpdir(), 'cam-')), 'qr.y4m');
  writeFileSync(file, Buffer.concat([Buffer.from(`YUV4MPEG2 W${width} H${height} F10:1 Ip A1:1 C420jpeg\nFRAME\n`), y, chroma, chroma]));
  return file;
}

// PGlite only: the verifier's queries run on PostgreSQL in tests/verifier; the browser adds nothing there.
describe('public verifier in Chromium', { timeout: BROWSER_TEST_TIMEOUT }, () => {
  const chromium = useChromium();
  let database: FreshDatabase;
  let app: RunningApp;
  let issuer: ExtractIssuer;
  let genuine: IssuedExtract;
  let withdrawn: IssuedExtract;
  let familyName: string;
  let dir: string;

  beforeAll(async () => {
    database = await freshDatabase('pglite');
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    const documents = await testDocumentDeps();
    app = await startApp(database, { ...documents, staticAssets: publicAssets(), env: { PUBLIC_BASE_URL: base }, port });
    issuer = { signingKeys: documents.signingKeys!, seal: documents.documents!.seal, documentAssets: documents.documents!.assets, publicBaseUrl: base, did: app.deps.config.did };
    const [row] = await database.db
      .select({ id: diplomas.id, subject: holders.subjectId, familyName: holders.familyName })
      .from(diplomas)
      .innerJoin(holders, eq(holders.id, diplomas.holderId))
      .where(and(eq(diplomas.state, 'valid'), eq(diplomas.kind, 'diploma')))
      .limit(1);
    familyName = row!.familyName;
    const now = app.clock.now();
    genuine = await issueExtract(database.db, issuer, { diplomaId: row!.id, lang: 'nl', issuedBy: 'holder', now });
    withdrawn = await issueExtract(database.db, issuer, { diplomaId: row!.id, lang: 'en', issuedBy: 'holder', now });
    await withdrawExtract(database.db, { extractId: withdrawn.id, holderSubjectId: row!.subject, now });
    dir = mkdtempSync(join(tmpdir(), 'verifier-browser-'));
  });
  afterAll(async () => {
    await app?.close();
    await database?.dispose();
  });

  it('the start page has no WCAG 2.1 A/AA violations in Dutch and English, and no broken resources', async () => {
    for (const lang of ['nl', 'en']) {
      const page = await chromium.newPage({ device: 'phone' });
      await page.goto(`${app.url}/v?lang=${lang}`);
      // the script took over the scan section (jsQR loaded under the CSP)
      await expect.poll(() => page.locator('[data-scanner]').isVisible()).toBe(true);
      expect(await runAxe(page)).toEqual([]);
      expect(chromium.problems(page)).toEqual([]);
    }
  });

  it('QR path: opening the QR URL shows the result directly, and the secret leaves the address bar', async () => {
    const page = await chromium.newPage({ device: 'phone' });
    await page.goto(genuine.verifyUrl);
    await page.waitForURL(/\/v\/check/);
    expect(await verdictOf(page)).toBe('authentic');
    await expect.poll(() => page.getByRole('heading', { level: 1 }).innerText()).toBe('Echt');
    expect(page.url()).not.toContain(new URL(genuine.verifyUrl).hash.slice(1));
    expect(await page.getByText(familyName, { exact: false }).count()).toBeGreaterThan(0);
    expect(await runAxe(page)).toEqual([]);
    expect(chromium.problems(page)).toEqual([]);
  });

  it('QR path: a photo of the printed extract is decoded in the browser and checked', async () => {
    const pdf = join(dir, 'genuine.pdf');
    writeFileSync(pdf, genuine.pdf);
    execFileSync('pdftoppm', ['-r', '110', '-png', '-f', '1', '-l', '1', '-singlefile', pdf, join(dir, 'page')]);
    const page = await chromium.newPage({ device: 'phone', locale: 'en-GB' });
    await page.goto(`${app.url}/v?lang=en`);
    await page.getByLabel('Or choose a photo of the QR code').setInputFiles(join(dir, 'page.png'));
    await page.waitForURL(/\/v\/check/);
    expect(await verdictOf(page)).toBe('authentic');
    await expect.poll(() => page.getByRole('heading', { level: 1 }).innerText()).toBe('Authentic');
    expect(chromium.problems(page)).toEqual([]);
  });

  it('QR path: a QR code that is not ours is refused with an explanation', async () => {
    const png = join(dir, 'foreign.png');
    await QRCode.toFile(png, 'https://diploma-check.example/v/7KQ4M2XP9TJHRC#abcdefghijklmnopqrstuv');
    const page = await chromium.newPage({ device: 'phone', locale: 'en-GB' });
    await page.goto(`${app.url}/v?lang=en`);
    await page.getByLabel('Or choose a photo of the QR code').setInputFiles(png);
    await expect.poll(() => page.getByRole('status').first().innerText()).toContain('does not belong to an extract from the diploma register');
    expect(new URL(page.url()).pathname).toBe('/v');
  });

  it('QR path: the camera (Chromium’s fake capture device showing the QR code) finds it and checks', async () => {
    const clip = qrClip(genuine.verifyUrl);
    const browser = await playwright.launch({
      executablePath: '/usr/bin/chromium',
      args: ['--headless', '--no-sandbox', '--disable-background-networking', '--disable-gpu', '--use-fake-ui-for-media-stream', '--use-fake-device-for-media-stream', `--use-file-for-fake-video-capture=${clip}`],
    });
    try {
      const context = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
      await context.grantPermissions(['camera'], { origin: app.url });
      const page = await context.newPage();
      await page.goto(`${app.url}/v?lang=nl`);
      await page.getByRole('button', { name: 'Camera starten' }).click();
      await page.waitForURL(/\/v\/check/, { timeout: 20_000 });
      expect(await verdictOf(page)).toBe('authentic');
    } finally {
      await browser.close();
    }
  });

  it('number path with the keyboard alone: type the number and two letters, read the verdict', async () => {
    const page = await chromium.newPage({ device: 'phone' });
    await page.goto(`${app.url}/v?lang=nl`);
    await tabTo(page, 'textbox', 'Uittrekselnummer');
    await page.keyboard.type(genuine.number.toLowerCase());
    await tabTo(page, 'textbox', 'Eerste twee letters van de achternaam');
    await page.keyboard.type(familyName.normalize('NFD').replace(/\p{M}/gu, '').slice(0, 2));
    await page.keyboard.press('Enter');
    await page.waitForURL(/\/v\/check/);
    expect(await verdictOf(page)).toBe('authentic');
    expect(await runAxe(page)).toEqual([]);
  });

  it('number path: wrong letters move the focus to the error summary and say "Error:" in the title; the number is kept, without violations', async () => {
    const page = await chromium.newPage({ device: 'phone', locale: 'en-GB' });
    await page.goto(`${app.url}/v?lang=en`);
    await page.getByLabel('Extract number').fill(genuine.number);
    await page.getByLabel('First two letters of the surname').fill('Qx');
    await page.getByRole('button', { name: 'Check', exact: true }).click();
    await page.waitForURL(/\/v\/check/);
    // what a screen reader announces as the page opens: the title, then the focused summary
    await expect.poll(() => page.evaluate(() => document.activeElement?.id)).toBe('error-summary');
    expect(await page.title()).toMatch(/^Error: /);
    expect(await page.locator('#error-summary').innerText()).toContain('There is no extract with this number and these letters');
    // the summary's link leads to the field, which says it is invalid and why
    await page.locator('#error-summary a').click();
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('number');
    for (const label of ['Extract number', 'First two letters of the surname']) {
      const field = page.getByLabel(label);
      expect(await field.getAttribute('aria-invalid')).toBe('true');
      expect((await field.getAttribute('aria-describedby'))?.split(' ')).toContain('number-error');
    }
    expect(await page.getByLabel('Extract number').inputValue()).toBe(genuine.number);
    expect(await runAxe(page)).toEqual([]);
  });

  it('upload path: genuine is Echt; withdrawn is Ingetrokken; both pages pass axe', async () => {
    for (const [extract, verdict, heading] of [
      [genuine, 'authentic', 'Echt'],
      [withdrawn, 'revoked', 'Ingetrokken'],
    ] as const) {
      const file = join(dir, `${verdict}.pdf`);
      writeFileSync(file, extract.pdf);
      const page = await chromium.newPage({ device: 'phone' });
      await page.goto(`${app.url}/v?lang=nl`);
      await page.getByLabel('PDF-bestand').setInputFiles(file);
      await page.getByRole('button', { name: 'Uploaden en controleren' }).click();
      await page.waitForURL(/\/v\/upload/);
      expect(await verdictOf(page)).toBe(verdict);
      expect(await page.getByRole('heading', { level: 1 }).innerText()).toBe(heading);
      expect(await runAxe(page)).toEqual([]);
      expect(chromium.problems(page)).toEqual([]);
    }
  });

  it('upload path: an edited PDF is Niet echt, and the forgery report is sent with the keyboard alone', async () => {
    const edited = Buffer.from(genuine.pdf);
    const at = edited.indexOf('stream') + 40;
    edited[at] = edited[at]! ^ 0x01;
    const file = join(dir, 'edited.pdf');
    writeFileSync(file, edited);
    const page = await chromium.newPage({ device: 'phone' });
    await page.goto(`${app.url}/v?lang=nl`);
    await page.getByLabel('PDF-bestand').setInputFiles(file);
    await page.getByRole('button', { name: 'Uploaden en controleren' }).click();
    await page.waitForURL(/\/v\/upload/);
    expect(await verdictOf(page)).toBe('not_authentic');
    expect(await runAxe(page)).toEqual([]);

    await tabTo(page, 'textbox', 'Uw melding', { maxTabs: 60 });
    await page.keyboard.type('Ontvangen bij een sollicitatie; de cijfers leken aangepast.');
    await tabTo(page, 'button', 'Melding versturen');
    await page.keyboard.press('Enter');
    await page.waitForURL(/\/v\/report/);
    const reference = await page.locator('[data-report-reference]').getAttribute('data-report-reference');
    expect(reference).toMatch(/^MR-/);
    expect(await runAxe(page)).toEqual([]);
    const [report] = await database.db.select().from(forgeryReports).where(eq(forgeryReports.reference, reference!));
    expect(report).toMatchObject({ entrance: 'upload', verdict: 'not_authentic', message: 'Ontvangen bij een sollicitatie; de cijfers leken aangepast.' });
    expect(Buffer.from(report!.file!).equals(edited)).toBe(true);
  });

  it('upload path: a picture could not be checked — no "not authentic", no report form; the page passes axe', async () => {
    const file = join(dir, 'photo.png');
    writeFileSync(file, Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==', 'base64'));
    const page = await chromium.newPage({ device: 'phone' });
    await page.goto(`${app.url}/v?lang=nl`);
    await page.getByLabel('PDF-bestand').setInputFiles(file);
    await page.getByRole('button', { name: 'Uploaden en controleren' }).click();
    await page.waitForURL(/\/v\/upload/);
    expect(await verdictOf(page)).toBe('unreadable');
    expect(await page.getByRole('heading', { level: 1 }).innerText()).toBe('Kon niet worden gecontroleerd');
    expect(await page.getByRole('textbox', { name: 'Uw melding' }).count()).toBe(0);
    expect(await runAxe(page)).toEqual([]);
    expect(chromium.problems(page)).toEqual([]);
  });

  it('upload path: a file over 5 MB is stopped in the browser with an announced message', async () => {
    const file = join(dir, 'big.pdf');
    writeFileSync(file, Buffer.concat([readFileSync(join(dir, 'edited.pdf')), Buffer.alloc(5 * 1024 * 1024)]));
    const page = await chromium.newPage({ device: 'phone', locale: 'en-GB' });
    await page.goto(`${app.url}/v?lang=en`);
    await page.getByLabel('PDF file').setInputFiles(file);
    await page.getByRole('button', { name: 'Upload and check' }).click();
    await expect.poll(() => page.getByRole('alert').innerText()).toContain('larger than 5 MB');
    expect(new URL(page.url()).pathname).toBe('/v');
    // the field is invalid and its description carries the message
    const field = page.getByLabel('PDF file');
    expect(await field.getAttribute('aria-invalid')).toBe('true');
    const described = (await field.getAttribute('aria-describedby'))!.split(' ');
    expect(await page.locator(`#${described.at(-1)}`).innerText()).toContain('larger than 5 MB');
  });

  it('the QR landing without its secret (no script or a cut-off link) asks for the letters, without violations', async () => {
    const page = await chromium.newPage({ device: 'phone' });
    await page.goto(`${app.url}/v/${genuine.number}`);
    expect(await page.getByLabel('Uittrekselnummer').inputValue()).toBe(genuine.number);
    expect(await runAxe(page)).toEqual([]);
  });
});
