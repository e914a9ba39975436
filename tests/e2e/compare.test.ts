/**
 * `#/compare` in Chromium against the built app served by the real server (one port, as with
 * `npm start`): the page runs the conversation over all four transports with the browser's own
 * fetch, EventSource and WebSocket, and the numbers it shows are measured. WebSocket's overhead
 * per small message must come out an order of magnitude below short polling's. It also works at
 * 390 px without sideways scrolling, in the dark scheme. Screenshots (npm run screenshots):
 * docs/screenshots/compare-*.png.
 */
import { mkdir } from 'node:fs/promises';
import { pathToFileURL } from 'node:url';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createFramescopeServer, type FramescopeServer } from '../../server/server';
import { builtAppDir } from './app';
import { describeBrowser } from './browser';
import { screenshotDir } from './screenshots';

const SMALL = 40;
const POLL_MS = 250;

/** Fill the settings (small messages only, so "per message" is per small message) and run. */
async function runComparison(page: Page, large = 0): Promise<void> {
  await page.getByRole('heading', { level: 1, name: 'Why WebSocket' }).waitFor();
  await page.getByLabel('Small messages').fill(String(SMALL));
  await page.getByLabel('Bytes each').first().fill('20');
  await page.getByLabel('Then large messages').fill(String(large));
  await page.getByLabel('Messages a second').fill('40');
  await page.getByLabel('Short polling asks every (ms)').fill(String(POLL_MS));
  await page.getByRole('button', { name: 'Run the comparison' }).click();
  await page.getByRole('status').getByText('Done: 4 transports measured.').waitFor({ timeout: 60_000 });
}

/** The table's row `key`, one number per transport column (thousands separators and units dropped). */
async function row(page: Page, key: string): Promise<number[]> {
  const cells = await page.locator(`tr[data-row="${key}"] td`).allTextContents();
  return cells.map((cell) => Number(cell.replace(/[^\d.]/g, '')));
}

describeBrowser('why WebSocket (#/compare)', (suite) => {
  let server: FramescopeServer;
  let port = 0;

  beforeAll(async () => {
    server = createFramescopeServer({ quiet: true, staticDir: builtAppDir(), pingInterval: 0, idleTimeout: 0 });
    port = (await server.listen(0, '127.0.0.1')).port;
  });
  afterAll(async () => {
    await server?.close({ timeout: 500 });
  });

  it('runs the conversation over all four transports; WebSocket spends a tenth of short polling\'s overhead per message, or less', async () => {
    const { page, errors } = await suite.open(`http://127.0.0.1:${port}/index.html#/compare`);
    await runComparison(page);

    const headers = await page.locator('thead th').allTextContents();
    expect(headers.map((h) => h.trim())).toEqual(['Figure', 'Short polling', 'Long polling', 'SSE', 'WebSocket']);
    expect(await row(page, 'messages')).toEqual([SMALL, SMALL, SMALL, SMALL]);
    expect(await row(page, 'delivered')).toEqual([SMALL, SMALL, SMALL, SMALL]);
    expect(await row(page, 'lost')).toEqual([0, 0, 0, 0]);
    // Every message's 20 bytes, each way, counted by the server.
    expect(await row(page, 'up-payload')).toEqual([SMALL * 20, SMALL * 20, SMALL * 20, SMALL * 20]);
    expect(await row(page, 'down-payload')).toEqual([SMALL * 20, SMALL * 20, SMALL * 20, SMALL * 20]);
    const requests = await row(page, 'requests');
    expect(requests[3]).toBe(1);
    expect(requests[0]).toBeGreaterThan(SMALL);

    const [shortPolling, , , webSocket] = await row(page, 'overhead-per-message');
    expect(webSocket).toBeGreaterThan(0);
    expect(
      shortPolling! / webSocket!,
      `WebSocket's overhead per small message (${webSocket} B: a 6-byte masked frame header up and 2 down, plus one handshake shared by ${SMALL} messages) ` +
        `should be an order of magnitude below short polling's (${shortPolling} B: every message is a POST with all its request headers and a 204 with its own, ` +
        `and every ${POLL_MS} ms a GET and its response, whether or not there is news)`,
    ).toBeGreaterThanOrEqual(10);

    // The same measurement drawn: a chart with its numbers in its accessible name, and the class of 1,000.
    const bytes = page.getByRole('img', { name: /^Bytes on the wire: Short polling, up \(to the server\), .* overhead \+ 800 B payload;/ });
    expect(await bytes.count()).toBe(1);
    await page.getByRole('heading', { level: 2, name: 'What would this cost for 1,000 students?' }).waitFor();
    await page.getByText(new RegExp(`^Per message, short polling put ${shortPolling!.toLocaleString('en-US')} bytes`)).waitFor();
    await page.getByRole('heading', { level: 2, name: 'How this is measured' }).waitFor();
    await page.getByText(/TCP\/IP headers \(40 to 60 bytes on every packet/).waitFor();

    // README's picture: from the headline to the small charts.
    await mkdir(screenshotDir, { recursive: true });
    const top = (await page.locator('.headline').boundingBox())!;
    const bottom = (await page.locator('.small-charts').boundingBox())!;
    await page.setViewportSize({ width: 1280, height: Math.ceil(bottom.y + bottom.height + 24) });
    await page.screenshot({ path: `${screenshotDir}compare-charts.png`, clip: { x: 0, y: top.y - 16, width: 1280, height: bottom.y + bottom.height - top.y + 32 } });
    expect(errors).toEqual([]);
  });

  it('fits a 390 px phone without sideways scrolling, in the dark scheme, with the keyboard', async () => {
    const { page, errors } = await suite.open(`http://127.0.0.1:${port}/index.html#/compare`, {
      viewport: { width: 390, height: 844 },
      colorScheme: 'dark',
    });
    await page.getByRole('heading', { level: 1, name: 'Why WebSocket' }).waitFor();
    // Keyboard: the settings are reachable and the run starts with Enter in a field.
    await page.getByLabel('Small messages').focus();
    await page.keyboard.press('Control+A');
    await page.keyboard.type('10');
    await page.getByLabel('Then large messages').fill('1');
    await page.getByLabel('Messages a second').fill('50');
    await page.getByLabel('Messages a second').press('Enter');
    await page.getByRole('status').getByText('Done: 4 transports measured.').waitFor({ timeout: 60_000 });
    const widths = await page.evaluate(() => ({ scroll: document.documentElement.scrollWidth, client: document.documentElement.clientWidth }));
    expect(widths.scroll, 'the page must not scroll sideways at 390 px (the table scrolls in its own region)').toBeLessThanOrEqual(widths.client);
    const background = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
    expect(background).toBe('rgb(15, 18, 22)');
    // The table's region scrolls by itself and can be reached from the keyboard.
    const region = page.getByRole('region', { name: /Every figure measured/ });
    expect(await region.getAttribute('tabindex')).toBe('0');
    await page.locator('.headline').evaluate((element) => element.scrollIntoView());
    await page.screenshot({ path: `${screenshotDir}compare-phone-dark.png` });
    expect(errors).toEqual([]);
  });

  it('names a setting it cannot use', async () => {
    const { page } = await suite.open(`http://127.0.0.1:${port}/index.html#/compare`);
    await page.getByRole('heading', { level: 1, name: 'Why WebSocket' }).waitFor();
    await page.getByLabel('Messages a second').fill('0');
    await page.getByRole('button', { name: 'Run the comparison' }).click();
    // The browser's own validation (min) stops the form first; clear it and go around it to see ours.
    await page.evaluate(() => document.querySelector('form')?.setAttribute('novalidate', ''));
    await page.getByRole('button', { name: 'Run the comparison' }).click();
    await page.getByRole('alert').getByText(/Check the settings: messages per second must be a number from 0\.1 to 1000 \(got 0\)/).waitFor();
  });

  it('says there is nothing to measure when opened from a file', async () => {
    const { page, errors } = await suite.open(`${pathToFileURL(`${builtAppDir()}/index.html`).href}#/compare`);
    await page.getByRole('alert').getByText(/opened without a Framescope server behind it/).waitFor();
    expect(await page.getByRole('button', { name: 'Run the comparison' }).isDisabled()).toBe(true);
    expect(errors).toEqual([]);
  });
});
