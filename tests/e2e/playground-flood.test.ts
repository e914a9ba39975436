/**
 * A flood through the page's own socket, as a student's console loop makes one
 * (`for (…) ws.send('m' + i)`: `ws` is the playground's WebSocket): 50,000 messages go out and
 * come back through the real server and its tap. The page must keep answering, count every echo,
 * list what the tap reported (and say how many events the server's budget skipped), and show the
 * newest frame. The longest main-thread task (PerformanceObserver 'longtask') is printed as a
 * figure, never asserted: timing on a shared machine is not a test (npm run bench measures it).
 * Also: Pause capture, and the follow-newest rule of terminals.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createFramescopeServer, type FramescopeServer } from '../../server/server';
import { builtAppDir } from './app';
import { describeBrowser } from './browser';
import { floodThroughPage } from './flood';

describeBrowser('the playground under a flood from its own socket', (suite) => {
  let server: FramescopeServer;
  let port = 0;

  beforeAll(async () => {
    server = createFramescopeServer({ quiet: true, staticDir: builtAppDir(), pingInterval: 0, idleTimeout: 0 });
    port = (await server.listen(0, '127.0.0.1')).port;
  });
  afterAll(async () => {
    await server?.close({ timeout: 500 });
  });

  async function connected(viewport = { width: 1280, height: 720 }): Promise<{ page: Page; errors: string[] }> {
    const opened = await suite.open(`http://127.0.0.1:${port}/index.html#/`, { viewport });
    await opened.page.getByRole('button', { name: 'Connect', exact: true }).click();
    await opened.page.getByRole('status').filter({ hasText: /^Connection 1: OPEN \(frames/ }).waitFor();
    return opened;
  }

  it('answers while 50,000 messages go out and come back, counts them all, and shows the newest', { timeout: 300_000 }, async () => {
    const { page, errors } = await connected();
    const list = page.getByRole('listbox', { name: /^Frames on the wire/ });
    const pause = page.getByRole('button', { name: /^(Pause|Resume) capture$/ });

    const flood = floodThroughPage(page, 50_000);
    // While it runs, the page answers: a click toggles Pause capture and the page shows it.
    await expect.poll(() => page.evaluate(() => (window as unknown as { floodStarted?: boolean }).floodStarted === true)).toBe(true);
    await pause.click();
    await expect.poll(() => pause.getAttribute('aria-pressed'), { timeout: 60_000 }).toBe('true');
    await page.getByText(/^Paused:/).first().waitFor({ timeout: 60_000 });
    await pause.click();
    await expect.poll(() => pause.getAttribute('aria-pressed'), { timeout: 60_000 }).toBe('false');
    const result = await flood;
    process.stdout.write(
      `flood through the page's socket: 50,000 echoed in ${(result.echoedMs / 1000).toFixed(1)} s, newest shown after ${(result.shownMs / 1000).toFixed(1)} s; ` +
        `longest main-thread task ${result.longestTask.toFixed(0)} ms (${result.longTasks} tasks over 50 ms)\n`,
    );

    // Every echo counted by the page (the timeline's message events: 50,000 and the marker's).
    const facts = await page.getByRole('region', { name: 'readyState timeline' }).innerText();
    const received = Number(/([\d,]+) received/.exec(facts)?.[1]?.replace(/,/g, ''));
    expect(result.received).toBeGreaterThanOrEqual(50_000);
    expect(received).toBeGreaterThanOrEqual(50_001);
    // Listed, or counted as skipped by the server's budget: never silently lost.
    const counts = await page.evaluate(() => {
      const label = document.querySelector('[role="listbox"]')?.getAttribute('aria-label') ?? '';
      const skipped = /([\d,]+) inspector events skipped/.exec(document.body.innerText)?.[1] ?? '0';
      return { listed: Number(label.replace(/\D/g, '')), skipped: Number(skipped.replace(/,/g, '')) };
    });
    expect(counts.listed).toBeGreaterThan(0);
    expect(counts.listed).toBeLessThanOrEqual(100_002);
    // The page's frames and reads for 100,000 frames: what is not listed, the server reported skipping.
    expect(counts.listed + counts.skipped).toBeGreaterThanOrEqual(100_002);
    // The newest frame (the marker's echo) is the selected one, following, and the list is at its end.
    const selected = list.locator('[role="option"][aria-selected="true"]');
    expect(await selected.innerText()).toMatch(/server to client.*the end/s);
    expect(await selected.getAttribute('aria-posinset')).toBe(String(counts.listed));
    // And the list still draws a window of rows, not tens of thousands.
    expect(await list.getByRole('option').count()).toBeLessThan(60);
    // Five-digit frame numbers fit their column (the column grows with the newest number).
    const cut = await list.evaluate((el) =>
      [...el.querySelectorAll<HTMLElement>('.c-num, .c-time')].filter((cell) => cell.offsetWidth > 0 && cell.scrollWidth > cell.clientWidth).map((cell) => cell.textContent),
    );
    expect(cut).toEqual([]);
    expect(errors).toEqual([]);
  });

  it('pauses the capture (frames counted, the view still) and follows the newest as a terminal does', { timeout: 120_000 }, async () => {
    const { page } = await connected();
    const list = page.getByRole('listbox', { name: /^Frames on the wire/ });
    const send = async (n: number, prefix: string): Promise<void> => {
      await page.evaluate(
        ([count, p]) => {
          const ws = (window as unknown as { ws: WebSocket }).ws;
          for (let i = 0; i < count; i++) ws.send(`${p}${i}`);
        },
        [n, prefix] as const,
      );
    };
    await send(20, 'a');
    await expect.poll(async () => Number(((await list.getAttribute('aria-label')) ?? '').replace(/\D/g, ''))).toBe(40);

    // Pause: new frames are counted, the list and the selected frame stay as they were.
    await page.getByRole('button', { name: 'Pause capture' }).click();
    const before = await page.getByText(/^Frame \d+ of \d+$/).innerText();
    await send(10, 'b');
    await page.getByText(/^Paused: 20 new frames captured and counted/).waitFor();
    expect(await list.getAttribute('aria-label')).toBe('Frames on the wire: 40 frames');
    expect(await page.getByText(/^Frame \d+ of \d+$/).innerText()).toBe(before);
    await page.getByRole('button', { name: 'Resume capture' }).click();
    await expect.poll(() => list.getAttribute('aria-label')).toBe('Frames on the wire: 60 frames');
    await page.getByText(/^Frame 60 of 60$/).waitFor();

    // Scrolling up stops following; new frames then leave the selection and the scroll alone.
    const follow = page.getByRole('checkbox', { name: 'Follow newest' });
    expect(await follow.isChecked()).toBe(true);
    await list.hover();
    await page.mouse.wheel(0, -600);
    await expect.poll(() => follow.isChecked()).toBe(false);
    const top = await list.evaluate((el) => el.scrollTop);
    await send(5, 'c');
    await expect.poll(() => list.getAttribute('aria-label')).toBe('Frames on the wire: 70 frames');
    expect(await list.evaluate((el) => el.scrollTop)).toBe(top);
    expect(await page.getByText(/^Frame 60 of 70$/).count()).toBe(1);
    // Back at the end, it follows again.
    await page.mouse.wheel(0, 10_000);
    await expect.poll(() => follow.isChecked()).toBe(true);
    await send(5, 'd');
    await page.getByText(/^Frame 80 of 80$/).waitFor();
    // Selecting a row stops following too.
    await list.getByRole('option').first().click();
    expect(await follow.isChecked()).toBe(false);
  });
});
