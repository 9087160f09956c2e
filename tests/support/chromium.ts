// Real-browser tests: Debian's Chromium driven by playwright-core (never a downloaded browser),
// axe-core for WCAG 2.1 A/AA, and keyboard-only navigation helpers.
//
//   const browser = useChromium();                    // one Chromium per test file
//   const page = await browser.newPage({ device: 'phone', locale: 'en-GB' });
//   await page.goto(app.url + '/v');
//   expect(await runAxe(page)).toEqual([]);
//   expect(await reflowProblems(page)).toEqual([]);  // no sideways scrolling at 320 CSS px
//   await tabTo(page, 'textbox', 'Extract number');   // Tab only; asserts the focus is visible
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { serveStatic } from '@hono/node-server/serve-static';
import { chromium, type Browser, type BrowserContext, type BrowserContextOptions, type Page } from 'playwright-core';
import type { AxeResults, RunOptions } from 'axe-core';
import { afterAll, afterEach, beforeAll } from 'vitest';

/** Per-test timeout for browser tests (pass it to describe/it in the test file). */
export const BROWSER_TEST_TIMEOUT = 60_000;
// Playwright's own waits stay well below it, so a stuck wait fails with Playwright's message
// (what it waited for) instead of vitest's bare timeout.
const ACTION_TIMEOUT = 15_000;
const NAVIGATION_TIMEOUT = 20_000;

const CHROMIUM = '/usr/bin/chromium';
// Without the networking switches Chromium phones home at start (component updates, sync, QUIC
// probes); the sandbox needs user namespaces that containers and CI runners do not give.
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-background-networking',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-component-update',
  '--disable-sync',
];

export type Device = 'phone' | 'desktop';

const devices: Record<Device, BrowserContextOptions> = {
  phone: { viewport: { width: 390, height: 844 }, deviceScaleFactor: 3, isMobile: true, hasTouch: true },
  desktop: { viewport: { width: 1280, height: 800 } },
};

export interface PageOptions {
  /** default desktop */
  device?: Device;
  /** the browser's language (Accept-Language, navigator.language); default nl-NL */
  locale?: string;
}

export interface ChromiumForTests {
  browser(): Browser;
  /** A page in a fresh context (own cookies), closed after the test whatever its outcome. */
  newPage(options?: PageOptions): Promise<Page>;
  /**
   * What went wrong on this page so far: uncaught errors, console errors (CSP refusals show up
   * there) and subresources that failed or answered 4xx/5xx.
   */
  problems(page: Page): string[];
}

/**
 * Registers beforeAll/afterAll (one Chromium for the test file) and afterEach (every context the
 * test opened is closed, passed or failed). Call at the top of a describe block or file.
 */
export function useChromium(): ChromiumForTests {
  let browser: Browser | undefined;
  const open = new Set<BrowserContext>();
  const seen = new WeakMap<Page, string[]>();

  beforeAll(async () => {
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, timeout: NAVIGATION_TIMEOUT });
  });
  afterEach(async () => {
    const contexts = [...open];
    open.clear();
    await Promise.allSettled(contexts.map((context) => context.close()));
  });
  afterAll(async () => {
    await browser?.close();
  });

  return {
    browser() {
      if (!browser) throw new Error('Chromium is not running (useChromium() registers it in beforeAll)');
      return browser;
    },
    async newPage(options = {}) {
      const context = await this.browser().newContext({
        ...devices[options.device ?? 'desktop'],
        locale: options.locale ?? 'nl-NL',
        timezoneId: 'Europe/Amsterdam',
        acceptDownloads: true,
      });
      open.add(context);
      context.setDefaultTimeout(ACTION_TIMEOUT);
      context.setDefaultNavigationTimeout(NAVIGATION_TIMEOUT);
      const page = await context.newPage();
      const problems: string[] = [];
      seen.set(page, problems);
      page.on('pageerror', (error) => problems.push(`${page.url()}: ${error.message}`));
      page.on('console', (message) => {
        // network failures are reported from 'response' below, where a page's own 404 is not one
        if (message.type() === 'error' && !message.text().startsWith('Failed to load resource')) problems.push(`${page.url()}: ${message.text()}`);
      });
      page.on('response', (response) => {
        const request = response.request();
        // the browser asks for /favicon.ico on its own; the page never referred to it
        if (response.status() >= 400 && !request.isNavigationRequest() && new URL(response.url()).pathname !== '/favicon.ico') {
          problems.push(`${page.url()}: ${request.resourceType()} ${response.url()} answered ${response.status()}`);
        }
      });
      page.on('requestfailed', (request) => {
        // a navigation that turns into a download, or is overtaken by another, is "aborted"
        if (!request.isNavigationRequest()) problems.push(`${page.url()}: ${request.resourceType()} ${request.url()} failed: ${request.failure()?.errorText}`);
      });
      return page;
    },
    problems(page) {
      return seen.get(page) ?? [];
    },
  };
}

/** public/ for startApp's staticAssets, so pages get their CSS and scripts as in production. */
export function publicAssets() {
  const root = relative(process.cwd(), fileURLToPath(new URL('../../public', import.meta.url))) || '.';
  return serveStatic({ root });
}

const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
export const WCAG_21_AA = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];

/**
 * Runs axe-core on the page as it is now, for WCAG 2.1 A and AA. Returns one readable line block
 * per violation (rule, impact, what it means, which elements), so `expect(...).toEqual([])` says
 * what is wrong. axe goes in through page.evaluate: the app's CSP (script-src 'self') rightly
 * refuses an injected inline <script>, and the CSP stays on so the tests see the pages as users do.
 */
export async function runAxe(page: Page, options: { exclude?: string[] } = {}): Promise<string[]> {
  if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(axeSource);
  const runOptions: RunOptions = { runOnly: { type: 'tag', values: WCAG_21_AA }, resultTypes: ['violations'] };
  const results = await page.evaluate(
    ([exclude, opts]) => {
      const axe = (window as unknown as { axe: { run(context: unknown, options: unknown): Promise<AxeResults> } }).axe;
      return axe.run(exclude.length ? { exclude: exclude.map((selector) => [selector]) } : document, opts);
    },
    [options.exclude ?? [], runOptions] as const,
  );
  return results.violations.map((violation) => {
    const nodes = violation.nodes.map((node) => {
      const why = (node.failureSummary ?? '').split('\n').slice(1).map((line) => line.trim()).filter(Boolean).join('; ');
      return `    at ${node.target.join(' ')}: ${why}\n       ${node.html.slice(0, 160)}`;
    });
    return `${violation.id} (${violation.impact ?? 'n/a'}): ${violation.help} [${page.url()}]\n${nodes.join('\n')}`;
  });
}

/**
 * WCAG 1.4.10 (reflow): at each width (CSS px; 320 is the criterion's) the page must not scroll
 * sideways; a wide table may scroll inside its own box. Returns what overflowed, [] when nothing
 * did; the viewport is restored afterwards.
 */
export async function reflowProblems(page: Page, widths: number[] = [320]): Promise<string[]> {
  const original = page.viewportSize();
  const problems: string[] = [];
  try {
    for (const width of widths) {
      await page.setViewportSize({ width, height: original?.height ?? 640 });
      const scrollWidth = await page.evaluate(() => document.documentElement.scrollWidth);
      if (scrollWidth > width) problems.push(`${page.url()}: at ${width} px wide the page is ${scrollWidth} px wide (it scrolls sideways)`);
    }
  } finally {
    if (original) await page.setViewportSize(original);
  }
  return problems;
}

export type Role = Parameters<Page['getByRole']>[0];

/**
 * Presses Tab (or Shift+Tab) until the element with this role and accessible name has the focus,
 * at most `maxTabs` times, then checks that the focus is visible. The error lists where the focus
 * went, so a missing or unreachable control explains itself.
 */
export async function tabTo(page: Page, role: Role, name: string | RegExp, options: { maxTabs?: number; backwards?: boolean } = {}) {
  const target = page.getByRole(role, { name, exact: typeof name === 'string' });
  const focused = target.and(page.locator(':focus'));
  const trail: string[] = [];
  for (let presses = 0; presses < (options.maxTabs ?? 40); presses++) {
    await page.keyboard.press(options.backwards ? 'Shift+Tab' : 'Tab');
    if ((await focused.count()) > 0) {
      await expectFocusVisible(page);
      return focused.first();
    }
    trail.push(await describeFocus(page));
  }
  const present = await target.count();
  throw new Error(
    `${options.backwards ? 'Shift+Tab' : 'Tab'} never reached ${role} "${name}" on ${page.url()} ` +
      `(${present ? `${present} such element(s) on the page` : 'no such element on the page'}); the focus went:\n  ${trail.join('\n  ')}`,
  );
}

/** Throws unless the focused element matches :focus-visible, has an outline or box-shadow, and is on screen. */
export async function expectFocusVisible(page: Page): Promise<void> {
  const problem = await page.evaluate(() => {
    const element = document.activeElement;
    if (!element || element === document.body) return 'nothing has the focus';
    const style = getComputedStyle(element);
    const outlined = style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0;
    const shadowed = style.boxShadow !== 'none' && style.boxShadow !== '';
    const box = element.getBoundingClientRect();
    const onScreen = box.width > 0 && box.height > 0 && box.bottom > 0 && box.right > 0 && box.top < innerHeight && box.left < innerWidth;
    const what = `<${element.tagName.toLowerCase()}> "${(element.getAttribute('aria-label') ?? (element as HTMLElement).innerText ?? '').trim().slice(0, 60)}"`;
    if (!element.matches(':focus-visible')) return `${what} has the focus but does not match :focus-visible`;
    if (!outlined && !shadowed) return `${what} has the focus without a visible indicator (no outline, no box-shadow)`;
    if (!onScreen) return `${what} has the focus but is off screen (${Math.round(box.left)},${Math.round(box.top)} ${Math.round(box.width)}×${Math.round(box.height)})`;
    return undefined;
  });
  if (problem) throw new Error(`focus not visible on ${page.url()}: ${problem}`);
}

/** The focused element in a few words: its tag, role and name as a person would read them. */
export async function describeFocus(page: Page): Promise<string> {
  return page.evaluate(() => {
    const element = document.activeElement;
    if (!element || element === document.body) return '(body)';
    const label = element.getAttribute('aria-label') ?? (element as HTMLElement).innerText ?? (element as HTMLInputElement).value ?? '';
    const role = element.getAttribute('role');
    return `<${element.tagName.toLowerCase()}${role ? ` role=${role}` : ''}> "${label.trim().replace(/\s+/g, ' ').slice(0, 60)}"`;
  });
}
