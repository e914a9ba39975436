/**
 * The sequence diagram in Chromium, beside the playground's frame list, fed by the page's own
 * socket through the real server: the same frames as the list in the same order (with the opening
 * handshake and the end of TCP around them), control frames included, the server's TCP reads as
 * brackets, a violation in red; keyboard and click select a frame and open its grid; the SVG export.
 */
import { readFile } from 'node:fs/promises';
import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createFramescopeServer, type FramescopeServer } from '../../server/server';
import { builtAppDir } from './app';
import { describeBrowser } from './browser';
import { screenshotDir } from './screenshots';

function frameList(page: Page): Locator {
  return page.getByRole('listbox', { name: /^Frames on the wire/ });
}

function diagram(page: Page): Locator {
  return page.getByRole('listbox', { name: /^Sequence diagram/ });
}

/** The frame numbers the list shows, top to bottom. */
async function listNumbers(page: Page): Promise<number[]> {
  const cells = await frameList(page).getByRole('option').locator('.c-num').allInnerTexts();
  return cells.map((text) => Number(text.replace(/,/g, '')));
}

/** The frame numbers the diagram's arrows stand for, top to bottom. */
async function diagramNumbers(page: Page): Promise<number[]> {
  const seqs = await diagram(page).locator('[data-kind="frame"]').evaluateAll((rows) => rows.map((row) => Number((row as HTMLElement).dataset.seq)));
  return seqs.map((seq) => seq + 1);
}

describeBrowser('sequence diagram', (suite) => {
  let server: FramescopeServer;
  let port = 0;

  beforeAll(async () => {
    server = createFramescopeServer({ quiet: true, staticDir: builtAppDir(), pingInterval: 0, idleTimeout: 0 });
    port = (await server.listen(0, '127.0.0.1')).port;
  });
  afterAll(async () => {
    await server?.close({ timeout: 500 });
  });

  for (const scheme of ['light', 'dark'] as const) {
    it(`shows the same frames as the list, in the same order (${scheme})`, async () => {
      const { page, errors } = await suite.open(`http://127.0.0.1:${port}/index.html#/`, { colorScheme: scheme, acceptDownloads: true });
      await page.getByRole('heading', { level: 1, name: 'Playground' }).waitFor();
      await page.getByRole('button', { name: /^(Connect|Reconnect)$/ }).click();
      await expect.poll(() => page.getByRole('status').filter({ hasText: /^Connection \d+: OPEN/ }).count()).toBe(1);
      const box = page.getByRole('textbox', { name: 'Text message' });
      await box.fill('Hello');
      await box.press('Enter');
      await page.getByRole('button', { name: 'Ask the server to ping' }).click();
      await page.getByRole('spinbutton', { name: 'fragments' }).fill('3');
      await page.getByRole('button', { name: 'Echo the next message in fragments' }).click();
      await page.getByRole('status').filter({ hasText: /^Server: / }).waitFor();
      await box.fill('in three pieces');
      await box.press('Enter');
      await frameList(page).getByRole('option', { name: /continuation, FIN 1/ }).waitFor();
      // 2 (Hello) + ping + pong + 1 + 3 fragments = 8 frames.
      await expect.poll(() => listNumbers(page)).toHaveLength(8);
      await expect.poll(() => diagramNumbers(page)).toEqual(await listNumbers(page));
      // The handshake opens the diagram; control frames have their arrows.
      const rows = diagram(page).getByRole('option');
      expect(await rows.first().getAttribute('data-kind')).toBe('request');
      expect(await rows.nth(1).getAttribute('data-kind')).toBe('response');
      await diagram(page).getByRole('option', { name: /server to client, .*ping/i }).waitFor();
      await diagram(page).getByRole('option', { name: /client to server, .*pong/i }).waitFor();
      // The server's TCP reads bracket the browser's frames.
      expect(await diagram(page).locator('.bracket').count()).toBeGreaterThan(0);

      // A click on an arrow selects its frame in the list and opens its grid.
      await diagram(page).getByRole('option', { name: /server to client, .*“Hello”/ }).click();
      await frameList(page).getByRole('option', { name: /server to client, .*“Hello”/, selected: true }).waitFor();
      await page.getByRole('region', { name: 'Selected frame' }).getByRole('group', { name: /Frame header bits/ }).getByRole('button', { name: /^MASK\s*:\s*0/ }).waitFor();
      // The keyboard: Home goes to the handshake, ArrowDown twice to the first frame (client "Hello").
      await diagram(page).focus();
      await page.keyboard.press('Home');
      await page.keyboard.press('ArrowDown');
      await page.keyboard.press('ArrowDown');
      await frameList(page).getByRole('option', { name: /client to server, .*“Hello”/, selected: true }).waitFor();
      // The frame list and the diagram under it, together (page coordinates).
      const clip = await page.evaluate(() => {
        const a = document.querySelector('section[aria-labelledby="frames-title"]')!.getBoundingClientRect();
        const b = document.querySelector('section[aria-labelledby="sequence-title"]')!.getBoundingClientRect();
        return { x: a.x - 4, y: a.y + window.scrollY - 4, width: a.width + 8, height: b.bottom - a.top + 8 };
      });
      await page.screenshot({ path: `${screenshotDir}sequence${scheme === 'dark' ? '-dark' : ''}.png`, fullPage: true, clip });

      if (scheme === 'light') {
        // Export as SVG: a file with the lanes and one arrow per row.
        const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Export as SVG' }).click()]);
        expect(download.suggestedFilename()).toBe('framescope-sequence.svg');
        const svg = await readFile((await download.path())!, 'utf8');
        expect(svg).toMatch(/^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
        expect(svg).toContain('>Browser</text>');
        expect(svg.match(/marker-end=/g)).toHaveLength(10); // request, 101, 8 frames
        expect(svg).toContain('ping');

        // A violation: its arrow in red, then the end of TCP.
        await page.getByRole('button', { name: 'RSV1 set' }).click();
        const broken = diagram(page).locator('.tone-fault').first();
        await broken.waitFor();
        expect(await broken.getAttribute('data-kind')).toBe('frame');
        await diagram(page).locator('[data-kind="closed"]').waitFor();
        await expect.poll(() => diagramNumbers(page)).toEqual(await listNumbers(page));
      }
      // The browser logs the violation it failed the connection for: expected.
      expect(errors.filter((e) => !/One or more reserved bits are on/.test(e))).toEqual([]);
      await page.close();
    });
  }
});
