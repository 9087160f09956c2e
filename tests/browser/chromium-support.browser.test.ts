// The browser-test helpers themselves: each one fails, and says why, when the page is wrong.
import { describe, expect, it } from 'vitest';
import { freePort } from '../support/process.ts';
import { BROWSER_TEST_TIMEOUT, expectFocusVisible, reflowProblems, runAxe, tabTo, useChromium } from '../support/chromium.ts';

const page = (body: string, style = '') =>
  `<!doctype html><html lang="en"><head><meta name="viewport" content="width=device-width, initial-scale=1"><title>t</title><style>${style}</style></head><body><main>${body}</main></body></html>`;

describe('browser test support', { timeout: BROWSER_TEST_TIMEOUT }, () => {
  const chromium = useChromium();

  it('runAxe lists each WCAG violation with its rule, impact and the element', async () => {
    const tab = await chromium.newPage();
    await tab.setContent(page('<h1>Fine</h1><p>Fine text.</p>'));
    expect(await runAxe(tab)).toEqual([]);

    await tab.setContent(page('<h1>Broken</h1><img src="data:image/gif;base64,R0lGODlhAQABAAAAACw="><p style="color:#bbb">faint</p><input id="q">'));
    const violations = await runAxe(tab);
    expect(violations.map((v) => v.split(' ')[0]).sort()).toEqual(['color-contrast', 'image-alt', 'label']);
    const image = violations.find((v) => v.startsWith('image-alt'))!;
    expect(image).toMatch(/^image-alt \(critical\): Images must have alternative text \[about:blank\]\n {4}at img: /);
    expect(image).toContain('<img src="data:image/gif');
  });

  it('tabTo reaches a control by role and name with Tab alone, and explains where the focus went when it cannot', async () => {
    const tab = await chromium.newPage({ device: 'phone' });
    await tab.setContent(page('<a href="#a">First</a> <button>Second</button> <button aria-label="Third thing">3</button>', ':focus-visible{outline:2px solid #000}'));
    const third = await tabTo(tab, 'button', 'Third thing');
    expect(await third.textContent()).toBe('3');
    const second = await tabTo(tab, 'button', 'Second', { backwards: true });
    expect(await second.evaluate((element) => element === document.activeElement)).toBe(true);

    await tab.setContent(page('<a href="#a">First</a> <button>Second</button>'));
    const error = await tabTo(tab, 'button', 'Missing', { maxTabs: 3 }).catch((e: Error) => e);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toContain('Tab never reached button "Missing" on about:blank (no such element on the page); the focus went:\n  <a> "First"\n  <button> "Second"');
  });

  it('tabTo and expectFocusVisible refuse a focus without a visible indicator', async () => {
    const tab = await chromium.newPage();
    await tab.setContent(page('<button>Plain</button>', 'button:focus{outline:none}'));
    await expect(tabTo(tab, 'button', 'Plain')).rejects.toThrow('focus not visible on about:blank: <button> "Plain" has the focus without a visible indicator (no outline, no box-shadow)');
    await tab.setContent(page('<button>Ringed</button>', 'button:focus-visible{outline:none;box-shadow:0 0 0 3px #000}'));
    await tabTo(tab, 'button', 'Ringed');
    await expectFocusVisible(tab);
  });

  it('reflowProblems finds a page that scrolls sideways at 320 px, and passes one that wraps', async () => {
    const tab = await chromium.newPage({ device: 'phone' });
    await tab.setContent(page('<p>Words that wrap.</p><div style="overflow-x:auto"><table><tr><td style="min-width:600px">wide, in its own box</td></tr></table></div>'));
    expect(await reflowProblems(tab)).toEqual([]);
    await tab.setContent(page('<table><tr><td style="min-width:600px">wide</td></tr></table>'));
    const [problem, ...more] = await reflowProblems(tab);
    expect(more).toEqual([]);
    expect(problem).toMatch(/^about:blank: at 320 px wide the page is 6\d\d px wide \(it scrolls sideways\)$/);
    expect(tab.viewportSize()).toEqual({ width: 390, height: 844 });
  });

  it('problems(page) collects script errors and failed resources', async () => {
    const tab = await chromium.newPage();
    await tab.setContent(page('<p>x</p>'));
    await tab.evaluate(() => setTimeout(() => { throw new Error('boom'); }));
    await expect.poll(() => chromium.problems(tab).join('\n')).toContain('boom');
    const closed = await freePort(); // nothing listens there
    await tab.setContent(page(`<img alt="" src="http://127.0.0.1:${closed}/nothing.png">`), { waitUntil: 'load' });
    await expect.poll(() => chromium.problems(tab).join('\n')).toContain(`image http://127.0.0.1:${closed}/nothing.png failed: net::ERR_CONNECTION_REFUSED`);
  });
});
