/**
 * Class mode in Chromium: a server started with `classMode: true` (what `npm start -- --class`
 * does) lets the teacher's playground (`#/?watch=class`, or the "Watch the whole class" toggle)
 * watch every student's connection; a server without it, and a static host, are refused with
 * what to do about it. Screenshots (npm run screenshots): docs/screenshots/playground-class*.png.
 */
import { screenshotDir } from './screenshots';
import { mkdir } from 'node:fs/promises';
import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFramescopeServer, type FramescopeServer } from '../../server/server';
import { builtAppDir, useBuiltApp } from './app';
import { describeBrowser, type BrowserSuite, type OpenedPage } from './browser';

const screenshots = screenshotDir;

/** The browser itself logs each refused WebSocket handshake; anything else is our fault. */
const refusedHandshake = /^console\.error: WebSocket connection to 'ws:\/\/127\.0\.0\.1:\d+\/inspect\?[^']*' failed/;

async function openPlayground(suite: BrowserSuite, url: string, colorScheme: 'light' | 'dark' = 'light'): Promise<OpenedPage> {
  const opened = await suite.open(url, { colorScheme });
  await opened.page.getByRole('heading', { level: 1, name: 'Playground' }).waitFor();
  return opened;
}

async function studentSends(page: Page, text: string): Promise<void> {
  await page.getByRole('button', { name: /^(Connect|Reconnect)$/ }).click();
  await expect.poll(() => page.getByRole('status').filter({ hasText: /^Connection \d+: OPEN/ }).count()).toBe(1);
  const box = page.getByRole('textbox', { name: 'Text message' });
  await box.fill(text);
  await box.press('Enter');
  // The student's own view is unchanged: its own frames only.
  const own = page.getByRole('listbox', { name: /^Frames on the wire/ });
  await own.getByRole('option', { name: new RegExp(`server to client, .*“${text}”`) }).waitFor();
}

function classList(page: Page): Locator {
  return page.getByRole('listbox', { name: /^Frames of the whole class/ });
}

function classView(page: Page): Locator {
  return page.getByRole('region', { name: 'The whole class' });
}

describeBrowser('class mode', (suite) => {
  describe('with npm start -- --class', () => {
    let server: FramescopeServer;
    let port = 0;
    const url = (hash = '#/'): string => `http://127.0.0.1:${port}/index.html${hash}`;

    beforeAll(async () => {
      server = createFramescopeServer({ classMode: true, staticDir: builtAppDir(), quiet: true, pingInterval: 0, idleTimeout: 0 });
      port = (await server.listen(0, '127.0.0.1')).port;
      await mkdir(screenshots, { recursive: true });
    });
    afterAll(async () => {
      await server?.close({ timeout: 500 });
    });

    for (const scheme of ['light', 'dark'] as const) {
      it(`the teacher\u2019s page sees both students\u2019 frames (${scheme})`, async () => {
        // The teacher turns the view on with the toggle in "For teachers".
        const teacher = await openPlayground(suite, url(), scheme);
        const { page } = teacher;
        await page.getByText('For teachers', { exact: true }).click();
        const toggle = page.getByRole('button', { name: 'Watch the whole class' });
        expect(await toggle.getAttribute('aria-pressed')).toBe('false');
        await toggle.click();
        expect(await toggle.getAttribute('aria-pressed')).toBe('true');
        await classView(page).getByRole('status').filter({ hasText: /^Watching every connection on this server/ }).waitFor();
        expect(new URL(page.url()).hash).toBe('#/?watch=class');
        // The disclosure folds away again; the view stays on.
        await page.getByText('For teachers', { exact: true }).click();
        await expect.poll(() => toggle.isVisible()).toBe(false);

        const a = await openPlayground(suite, url(), scheme);
        const b = await openPlayground(suite, url(), scheme);
        await studentSends(a.page, 'from student A');
        await studentSends(b.page, 'from student B');

        const list = classList(page);
        await list.getByRole('option', { name: /client to server, .*MASK 1, .*“from student A”/ }).waitFor();
        await list.getByRole('option', { name: /client to server, .*MASK 1, .*“from student B”/ }).waitFor();
        await list.getByRole('option', { name: /server to client, .*MASK 0, .*“from student B”/ }).waitFor();
        // Each student saw only their own frames.
        for (const [student, other] of [[a, 'B'], [b, 'A']] as const) {
          const own = student.page.getByRole('listbox', { name: /^Frames on the wire/ });
          expect(await own.getByRole('option', { name: new RegExp(`from student ${other}`) }).count()).toBe(0);
        }

        // Both connections listed, by the server's number, with the session shortened.
        const select = classView(page).getByRole('combobox', { name: 'Connection' });
        const options = (await select.locator('option').allInnerTexts()).map((t) => t.trim());
        expect(options[0]).toBe('All connections (2)');
        expect(options.slice(1)).toHaveLength(2);
        for (const option of options.slice(1)) expect(option).toMatch(/^#\d+ \/echo · session [A-Za-z0-9_-]{6}… · 127\.0\.0\.1:\d+ · open$/);
        const table = classView(page).getByRole('table', { name: 'Connections' });
        expect(await table.getByRole('row').count()).toBe(3);
        // The connection column holds the server's ids, not the students' own "1".
        const ids = options.slice(1).map((o) => o.match(/^#(\d+)/)![1]!);
        expect(new Set(ids).size).toBe(2);

        // The filter: student A's connection only.
        const aOption = await list.getByRole('option', { name: /client to server, .*“from student A”/ }).first();
        await aOption.click();
        const heading = classView(page).getByRole('heading', { level: 3, name: /^Selected frame: connection #\d+, \/echo, session / });
        await heading.waitFor();
        const aId = (await heading.innerText()).match(/#(\d+)/)![1]!;
        await select.selectOption(aId);
        await expect.poll(() => list.getByRole('option', { name: /from student B/ }).count()).toBe(0);
        expect(await list.getByRole('option', { name: /from student A/ }).count()).toBe(2);
        // The selected frame, bit by bit, with the shared FrameView.
        const grid = classView(page).getByRole('group', { name: /Frame header bits/ });
        await grid.getByRole('button', { name: /^MASK: 1, bit 8$/ }).waitFor();
        expect(await grid.getByText('Masking key', { exact: true }).count()).toBeGreaterThan(0);
        await select.selectOption('all');
        await list.getByRole('option', { name: /from student B/ }).first().waitFor();

        // Every control of the class view has a name a screen reader can say.
        const cdp = await page.context().newCDPSession(page);
        const { nodes } = (await cdp.send('Accessibility.getFullAXTree')) as {
          nodes: { ignored: boolean; role?: { value: string }; name?: { value: string } }[];
        };
        const interactive = new Set(['button', 'textbox', 'combobox', 'checkbox', 'radio', 'spinbutton', 'listbox', 'option', 'link']);
        const unnamed = nodes
          .filter((node) => !node.ignored && interactive.has(node.role?.value ?? ''))
          .filter((node) => (node.name?.value ?? '').trim() === '')
          .map((node) => node.role?.value);
        expect(unnamed).toEqual([]);

        await page.evaluate(() => window.scrollTo(0, 0));
        await page.screenshot({ path: `${screenshots}playground-class${scheme === 'dark' ? '-dark' : ''}.png` });

        // Turning it off restores the plain playground and the address.
        await classView(page).getByRole('button', { name: 'Stop watching' }).click();
        await expect.poll(() => classView(page).count()).toBe(0);
        expect(new URL(page.url()).hash).toBe('#/');
        await page.getByText('For teachers', { exact: true }).click();
        expect(await toggle.getAttribute('aria-pressed')).toBe('false');
        for (const p of [teacher, a, b]) expect(p.errors).toEqual([]);
        await Promise.all([a.page.close(), b.page.close(), page.close()]);
      });
    }

    it('#/?watch=class opens the view directly', async () => {
      const { page, errors } = await openPlayground(suite, url('#/?watch=class'));
      await classView(page).getByRole('status').filter({ hasText: /^Watching every connection on this server/ }).waitFor();
      await page.getByText('For teachers', { exact: true }).click();
      expect(await page.getByRole('button', { name: 'Watch the whole class' }).getAttribute('aria-pressed')).toBe('true');
      expect(errors).toEqual([]);
      await page.close();
    });
  });

  describe('without --class', () => {
    let server: FramescopeServer;
    let port = 0;

    beforeAll(async () => {
      server = createFramescopeServer({ staticDir: builtAppDir(), quiet: true, pingInterval: 0, idleTimeout: 0 });
      port = (await server.listen(0, '127.0.0.1')).port;
    });
    afterAll(async () => {
      await server?.close({ timeout: 500 });
    });

    it('says the server refused (403) and how to start it with --class', async () => {
      const { page, errors } = await openPlayground(suite, `http://127.0.0.1:${port}/index.html#/?watch=class`);
      const alert = classView(page).getByRole('alert');
      await alert.waitFor();
      const text = await alert.innerText();
      expect(text).toMatch(/The server refused \/inspect\?all \(403 Forbidden\): it was not started with --class/);
      expect(text).toContain('npm start -- --class');
      expect(text).toContain('FRAMESCOPE_CLASS=1 npm run dev');
      await page.evaluate(() => window.scrollTo(0, 0));
      await page.screenshot({ path: `${screenshots}playground-class-refused.png` });
      // The student's own view still works on this server.
      await studentSends(page, 'still mine');
      expect(errors.filter((error) => !refusedHandshake.test(error))).toEqual([]);
      await page.close();
    });
  });

  describe('on a static host', () => {
    const app = useBuiltApp();

    it('says there is no Framescope server (404) and how to start one', async () => {
      const { page, errors } = await openPlayground(suite, app.url('#/?watch=class'));
      const alert = classView(page).getByRole('alert');
      await alert.waitFor({ timeout: 15_000 });
      const text = await alert.innerText();
      expect(text).toMatch(/No Framescope server here \(404\)/);
      expect(text).toContain('npm start -- --class');
      expect(errors.filter((error) => !refusedHandshake.test(error))).toEqual([]);
      await page.close();
    });
  });
});
