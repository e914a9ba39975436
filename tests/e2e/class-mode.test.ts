/**
 * Class mode in Chromium: the teacher link (`#/class?teacher=TOKEN`, what `npm start -- --class`
 * prints) opens the class view; a student's page without the token is refused (403) with a clear
 * page; students are listed by name; the teacher broadcasts a ping and three student pages show it
 * (and the class view each browser's pong); one student full screen; students who close their tab
 * move under "Left the class" and are not counted; thirty on a projector need no scroll box. A
 * server without --class and a static host say what to do. Screenshots (npm run screenshots): docs/screenshots/class*.png.
 */
import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { createFramescopeServer, type FramescopeServer } from '../../server/server';
import { builtAppDir, useBuiltApp } from './app';
import { describeBrowser, type BrowserSuite, type OpenedPage } from './browser';
import { screenshotDir } from './screenshots';

/** The browser logs the server's 403 to a fetch or a WebSocket handshake: expected where a page is refused. */
const refused403 = /^console\.error: Failed to load resource: the server responded with a status of 403/;

async function openStudent(suite: BrowserSuite, url: string, name: string | null): Promise<OpenedPage> {
  const opened = await suite.open(url);
  const { page } = opened;
  await page.getByRole('heading', { level: 1, name: 'Playground' }).waitFor();
  await page.getByRole('button', { name: /^(Connect|Reconnect)$/ }).click();
  await expect.poll(() => page.getByRole('status').filter({ hasText: /^Connection \d+: OPEN/ }).count()).toBe(1);
  // In class mode the tap's hello brings the name field (typed once, kept in the browser).
  const field = page.getByRole('textbox', { name: 'Your name for the class' });
  await field.waitFor();
  if (name !== null) {
    await field.fill(name);
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await page.getByText(`Saved: your teacher sees you as ${name}.`).waitFor();
  }
  return opened;
}

function ownFrames(page: Page): Locator {
  return page.getByRole('listbox', { name: /^Frames on the wire/ });
}

describeBrowser('class mode', (suite) => {
  describe('with npm start -- --class', () => {
    let server: FramescopeServer;
    let port = 0;
    const url = (hash = '#/'): string => `http://127.0.0.1:${port}/index.html${hash}`;

    beforeAll(async () => {
      server = createFramescopeServer({ classMode: true, staticDir: builtAppDir(), quiet: true, pingInterval: 0, idleTimeout: 0 });
      port = (await server.listen(0, '127.0.0.1')).port;
    });
    afterAll(async () => {
      await server?.close({ timeout: 500 });
    });

    it('a student page without the token is refused the class view (403), with a way back', async () => {
      for (const hash of ['#/class', '#/class?teacher=guessed-by-a-student']) {
        const { page, errors } = await suite.open(url(hash));
        const alert = page.getByRole('alert');
        await alert.waitFor();
        expect(await alert.innerText()).toMatch(/This page is for the teacher only \(403 Forbidden\)/);
        expect(await page.getByRole('listbox', { name: /^Frames of the whole class/ }).count()).toBe(0);
        await alert.getByRole('link', { name: 'Go to the playground' }).waitFor();
        if (hash === '#/class') await page.screenshot({ path: `${screenshotDir}class-refused.png` });
        expect(errors.filter((e) => !refused403.test(e))).toEqual([]);
        await page.close();
      }
      // The class is not in the navigation.
      const { page } = await suite.open(url('#/'));
      expect(await page.getByRole('navigation', { name: 'Pages' }).getByRole('link', { name: 'Class' }).count()).toBe(0);
      await page.close();
    });

    for (const scheme of ['light', 'dark'] as const) {
      it(`the teacher broadcasts a ping and three student pages show it (${scheme})`, async () => {
        const teacher = await suite.open(url(`#/class?teacher=${server.teacherToken}`), { colorScheme: scheme });
        const { page } = teacher;
        await page.getByRole('heading', { level: 1, name: 'The class' }).waitFor();
        // The token leaves the address bar (a projector shows it).
        await expect.poll(() => new URL(page.url()).hash).toBe('#/class');
        await page.getByRole('img', { name: `QR code for http://127.0.0.1:${port}/` }).waitFor();
        await page.getByRole('status').filter({ hasText: /^Watching the class/ }).waitFor();

        const table = page.getByRole('table', { name: 'Students' });
        const maria = `Maria ${scheme}`;
        const students = [
          await openStudent(suite, url(), maria),
          await openStudent(suite, url(), `王小明 ${scheme}`),
          await openStudent(suite, url(), null),
        ];
        await table.getByRole('rowheader', { name: new RegExp(`^${maria}`) }).waitFor();
        await table.getByRole('rowheader', { name: new RegExp(`^王小明 ${scheme}`) }).waitFor();
        // The third gave no name: "student N", one number per student (its inspector socket is not a student of its own).
        await table.getByRole('rowheader', { name: /^student \d+\b/ }).waitFor();
        // Only the students here are listed (and counted): the light run's, in the dark run, left.
        await expect.poll(() => table.getByRole('row').count()).toBe(1 + 3);
        await page.getByRole('status').filter({ hasText: /^Watching the class: 3 students,/ }).waitFor();
        if (scheme === 'dark') {
          await page.getByText(/^Left the class \(\d+\)$/).click();
          const left = page.getByRole('table', { name: 'Left the class' });
          await left.getByRole('rowheader', { name: /^Maria light/ }).first().waitFor();
          expect(await left.getByRole('rowheader', { name: /^Maria light/ }).first().innerText()).toMatch(/page closed/);
        }

        await page.getByRole('button', { name: 'Ping everyone' }).click();
        await page.getByRole('status').filter({ hasText: 'Sent to 3 connections.' }).waitFor();
        for (const student of students) {
          const list = ownFrames(student.page);
          await list.getByRole('option', { name: /server to client, .*ping/i }).first().waitFor();
          await list.getByRole('option', { name: /client to server, .*pong/i }).first().waitFor();
        }
        // The class view shows each browser's reaction.
        await expect.poll(() => table.locator('[data-reaction="reacted"]').count(), { timeout: 10_000 }).toBe(3);
        // The ones who left (the light run's students, in the dark run) were not sent anything.
        expect(await table.locator('[data-reaction="reacted"]').first().innerText()).toMatch(/^pong [\d.,]+ ms after the ping \(server’s clock\)$/);
        await page.getByText(/^Each time is the server’s: from writing that ping to reading its pong\./).waitFor();
        await page.evaluate(() => window.scrollTo(0, 0));
        await page.screenshot({ path: `${screenshotDir}class${scheme === 'dark' ? '-dark' : ''}.png`, fullPage: true });

        // Maria's traffic only, then full screen.
        await table.getByRole('button', { name: `Show only ${maria}` }).click();
        const list = page.getByRole('listbox', { name: new RegExp(`^Frames of ${maria}`) });
        await list.waitFor();
        await table.getByRole('button', { name: `${maria} full screen` }).click();
        const dialog = page.getByRole('dialog', { name: `${maria}\u2019s traffic` });
        await dialog.waitFor();
        await dialog.getByRole('listbox', { name: new RegExp(`^Frames of ${maria}`) }).getByRole('option', { name: /ping/ }).first().waitFor();
        if (scheme === 'light') await page.screenshot({ path: `${screenshotDir}class-fullscreen.png` });
        await page.keyboard.press('Escape');
        await expect.poll(() => dialog.count()).toBe(0);

        // A name typed once is kept: the same browser, a new page, names itself on Connect.
        if (scheme === 'light') {
          const again = await students[0]!.page.context().newPage();
          await again.goto(url());
          await again.getByRole('button', { name: /^(Connect|Reconnect)$/ }).click();
          await expect.poll(() => again.getByRole('textbox', { name: 'Your name for the class' }).inputValue()).toBe(maria);
          await expect.poll(() => table.getByRole('rowheader', { name: new RegExp(`^${maria}`) }).count()).toBe(2);
          await again.close();
        }
        for (const p of [teacher, ...students]) expect(p.errors).toEqual([]);
        await Promise.all([page.close(), ...students.map((s) => s.page.close())]);
      });
    }

    it('a violation for everyone: each browser fails its connection, and the class view says so', async () => {
      const teacher = await suite.open(url(`#/class?teacher=${server.teacherToken}`));
      const { page } = teacher;
      await page.getByRole('status').filter({ hasText: /^Watching the class/ }).waitFor();
      const students = [await openStudent(suite, url(), 'Ana'), await openStudent(suite, url(), 'Ben')];
      await page.getByRole('combobox', { name: 'Violation' }).selectOption('rsv1');
      await page.getByRole('button', { name: 'Send a violation' }).click();
      await page.getByRole('status').filter({ hasText: /^Sent to 2 connections/ }).waitFor();
      const table = page.getByRole('table', { name: 'Students' });
      await expect.poll(() => table.locator('[data-reaction="failed"]').count(), { timeout: 10_000 }).toBe(2).catch(async (error: unknown) => {
        throw new Error(`${String(error)}\n${await table.innerText()}`);
      });
      expect(await table.locator('[data-reaction="failed"]').first().innerText()).toMatch(/1006|1002/);
      for (const s of students) {
        await s.page.getByRole('status').filter({ hasText: /CLOSED/ }).first().waitFor();
      }
      await Promise.all([page.close(), ...students.map((s) => s.page.close())]);
    });

    it('a student who closes the tab and opens a new one: the live one is listed (and counted), the closed ones under "Left the class"', async () => {
      const teacher = await suite.open(url(`#/class?teacher=${server.teacherToken}`));
      const { page } = teacher;
      await page.getByRole('status').filter({ hasText: /^Watching the class/ }).waitFor();
      const table = page.getByRole('table', { name: 'Students' });
      // Three times: a tab, Connect, the tab closed, a new tab in the same browser (the name is kept).
      // One browser (its own context: the name typed once is kept there), tabs opened and closed.
      const browser = await suite.browser.newContext({ locale: 'en-US' });
      let tom = await browser.newPage();
      for (let i = 0; i < 3; i++) {
        if (i > 0) {
          const previous = tom;
          tom = await browser.newPage();
          await previous.close();
        }
        await tom.goto(url());
        await tom.getByRole('button', { name: /^(Connect|Reconnect)$/ }).click();
        await expect.poll(() => tom.getByRole('status').filter({ hasText: /^Connection \d+: OPEN/ }).count()).toBe(1);
        const field = tom.getByRole('textbox', { name: 'Your name for the class' });
        if (i === 0) {
          await field.fill('Tab Tom');
          await tom.getByRole('button', { name: 'Save', exact: true }).click();
        }
        await expect.poll(() => field.inputValue()).toBe('Tab Tom');
      }
      // One Tab Tom here, first; the count is of the students here now.
      await expect.poll(() => table.getByRole('rowheader', { name: /^Tab Tom/ }).count()).toBe(1);
      expect(await table.getByRole('rowheader').first().innerText()).toMatch(/^Tab Tom\s*typed name\s*(·\s*)?page open$/);
      await page.getByRole('status').filter({ hasText: /^Watching the class: 1 student, 1 connection open\./ }).waitFor();
      // The closed tabs stay reachable: their rows, their frames.
      // (The earlier tests' students are there too: they closed their pages.)
      await page.getByText(/^Left the class \(\d+\)$/).click();
      const left = page.getByRole('table', { name: 'Left the class' });
      await expect.poll(() => left.getByRole('rowheader', { name: /^Tab Tom/ }).count()).toBe(2);
      await left.getByRole('button', { name: 'Show only Tab Tom' }).first().click();
      await page.getByRole('listbox', { name: /^Frames of Tab Tom/ }).waitFor();
      expect(teacher.errors).toEqual([]);
      await Promise.all([page.close(), browser.close()]);
    });

    it('thirty on the projector (1920 × 1080): every row shown, no scroll box; the class controls in the page\'s font', async () => {
      const teacher = await suite.open(url(`#/class?teacher=${server.teacherToken}`), { viewport: { width: 1920, height: 1080 } });
      const { page } = teacher;
      await page.getByRole('status').filter({ hasText: /^Watching the class/ }).waitFor();
      // Thirty clients of their own (no page): thirty rows.
      const clients = await Promise.all(
        Array.from({ length: 30 }, () => new Promise<WebSocket>((resolve, reject) => {
          const ws = new WebSocket(`ws://127.0.0.1:${port}/echo`);
          ws.once('open', () => resolve(ws));
          ws.once('error', reject);
        })),
      );
      try {
        const table = page.getByRole('table', { name: 'Students' });
        await expect.poll(() => table.getByRole('rowheader', { name: /^no page/ }).count()).toBe(30);
        const box = await table.evaluate((t) => {
          const wrap = t.parentElement!;
          return { scroll: wrap.scrollHeight, client: wrap.clientHeight, row: t.querySelector('tbody tr')!.getBoundingClientRect().height };
        });
        expect(box.scroll).toBeLessThanOrEqual(box.client + 1);
        // One line per row on a wide screen.
        expect(box.row).toBeLessThan(48);
        // The number field, the checkbox's label and the dropdown in the same font as the buttons beside them.
        const sizes = await page.evaluate(() =>
          ['input[type="number"]', 'select', 'button'].map((q) => getComputedStyle(document.querySelector(`.broadcast ${q}`)!).fontSize),
        );
        expect(new Set(sizes).size).toBe(1);
        await page.screenshot({ path: `${screenshotDir}class-1920.png`, fullPage: true });
      } finally {
        for (const ws of clients) ws.terminate();
      }
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

    it('says the server is not in class mode (403) and how to start it; no name field for students', async () => {
      const { page, errors } = await suite.open(`http://127.0.0.1:${port}/index.html#/class?teacher=whatever-token`);
      const alert = page.getByRole('alert');
      await alert.waitFor();
      const text = await alert.innerText();
      expect(text).toMatch(/The server is not in class mode \(403 Forbidden\)/);
      expect(text).toContain('npm start -- --class');
      expect(text).toContain('FRAMESCOPE_CLASS=1 npm run dev');
      expect(errors.filter((e) => !refused403.test(e))).toEqual([]);
      errors.length = 0;
      await page.goto(`http://127.0.0.1:${port}/index.html#/`);
      await page.getByRole('heading', { level: 1, name: 'Playground' }).waitFor();
      await page.getByRole('button', { name: /^(Connect|Reconnect)$/ }).click();
      await expect.poll(() => page.getByRole('status').filter({ hasText: /^Connection \d+: OPEN/ }).count()).toBe(1);
      expect(await page.getByRole('textbox', { name: 'Your name for the class' }).count()).toBe(0);
      expect(errors).toEqual([]);
      await page.close();
    });
  });

  describe('on a static host', () => {
    const app = useBuiltApp();

    it('says there is no Framescope server (404) and how to start one', async () => {
      const { page } = await suite.open(app.url('#/class?teacher=whatever-token'));
      const alert = page.getByRole('alert');
      await alert.waitFor({ timeout: 15_000 });
      const text = await alert.innerText();
      expect(text).toMatch(/No Framescope server here \(404\)/);
      expect(text).toContain('npm start -- --class');
      await page.close();
    });
  });
});
