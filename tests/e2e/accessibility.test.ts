/**
 * The axe-core audit (WCAG 2.1 A and AA) of every page: the lesson (with the playground beside it),
 * the class view, the decoder, the chat, the comparison and the grader, in English and in
 * Simplified Chinese, light and dark, in Chromium against the built app on the real server: each
 * page with something on it (the lesson after its first step connected; the class view with a
 * student's frames), so the rules see the real markup, not an empty page.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createFramescopeServer, type FramescopeServer } from '../../server/server';
import { overwriteGetLocale, type Locale } from '../../src/paraglide/runtime.js';
import { CLASS_TEXT } from '../../src/app/class/strings';
import { LESSON_STEPS, LESSON_TEXT } from '../../src/app/lesson/steps';
import { builtAppDir } from './app';
import { describeBrowser } from './browser';
import { screenshotDir } from './screenshots';

const AXE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

let runLocale: Locale = 'en';
overwriteGetLocale(() => runLocale);

interface Violation {
  id: string;
  impact: string | null;
  help: string;
  nodes: string[];
}

/** Runs axe-core on the page as it is now: the WCAG 2.1 A and AA rules. */
async function audit(page: Page): Promise<Violation[]> {
  await page.addScriptTag({ content: AXE });
  return page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run: (context: Document, options: unknown) => Promise<{ violations: { id: string; impact: string | null; help: string; nodes: { target: unknown[] }[] }[] }> } }).axe;
    const result = await axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] }, resultTypes: ['violations'] });
    return result.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.slice(0, 5).map((n) => n.target.join(' ')) }));
  });
}

describeBrowser('the accessibility audit (axe-core, WCAG 2.1 A/AA)', (suite) => {
  let server: FramescopeServer;
  let port = 0;
  const url = (locale: Locale, hash: string): string => `http://127.0.0.1:${port}/${locale === 'en' ? '' : `?lang=${locale}`}${hash}`;

  beforeAll(async () => {
    server = createFramescopeServer({ classMode: true, staticDir: builtAppDir(), quiet: true, pingInterval: 0, idleTimeout: 0 });
    port = (await server.listen(0, '127.0.0.1')).port;
  });
  afterAll(async () => {
    runLocale = 'en';
    await server?.close({ timeout: 500 });
  });

  for (const locale of ['en', 'zh-CN'] as const) {
    for (const colorScheme of ['light', 'dark'] as const) {
      it(`the lesson, ${locale}, ${colorScheme}: no violation`, async () => {
        runLocale = locale;
        const { page, errors } = await suite.open(url(locale, '#/lesson'), { colorScheme, viewport: { width: 1920, height: 1080 } });
        const lesson = page.getByRole('complementary', { name: LESSON_TEXT.title() });
        // The second step: connect and send, so the frame list, the grid and the diagram have content.
        await lesson.getByRole('button', { name: LESSON_TEXT.jump(2, LESSON_STEPS[1]!.title(), false), exact: true }).click();
        await lesson.getByRole('button', { name: LESSON_STEPS[1]!.buttons[0]!.label(), exact: true }).click();
        await lesson.getByRole('status').filter({ hasText: LESSON_TEXT.done() }).waitFor({ timeout: 20_000 });
        await lesson.getByRole('button', { name: LESSON_TEXT.showAnswer() }).click();
        expect(await page.evaluate(() => document.documentElement.lang)).toBe(locale);
        expect(await audit(page)).toEqual([]);
        expect(errors).toEqual([]);
        await page.close();
      });

      it(`the class view, ${locale}, ${colorScheme}: no violation`, async () => {
        runLocale = locale;
        const teacher = await suite.open(url(locale, `#/class?teacher=${server.teacherToken}`), { colorScheme });
        await teacher.page.getByRole('heading', { level: 1, name: CLASS_TEXT.title() }).waitFor();
        await teacher.page.getByRole('status').filter({ hasText: new RegExp(`^${CLASS_TEXT.watching(0, 0).split(/[:：]/)[0]}`) }).waitFor();
        // A student sends "Hello" (the lesson's second step: connect, send).
        const student = await suite.open(url(locale, '#/lesson'), { colorScheme });
        const lesson = student.page.getByRole('complementary', { name: LESSON_TEXT.title() });
        await lesson.getByRole('button', { name: LESSON_TEXT.jump(2, LESSON_STEPS[1]!.title(), false), exact: true }).click();
        await lesson.getByRole('button', { name: LESSON_STEPS[1]!.buttons[0]!.label(), exact: true }).click();
        await lesson.getByRole('status').filter({ hasText: LESSON_TEXT.done() }).waitFor({ timeout: 20_000 });
        // The student is listed, with frames, and one of them is selected (its grid open).
        await teacher.page.getByRole('listbox', { name: new RegExp(`^${CLASS_TEXT.framesTitle()}`) }).getByRole('option').first().click();
        await teacher.page.locator('.selected .grid[role="group"]').waitFor();
        expect(await audit(teacher.page)).toEqual([]);
        // README's picture of the class view in Chinese (class.png, in English, comes from class-mode.test.ts).
        if (locale === 'zh-CN' && colorScheme === 'light') {
          await teacher.page.evaluate(() => window.scrollTo(0, 0));
          await teacher.page.screenshot({ path: `${screenshotDir}class-zh-CN.png` });
        }
        expect(student.errors).toEqual([]);
        expect(teacher.errors).toEqual([]);
        await teacher.page.close();
        await student.page.close();
      });
    }
  }

  // The other pages, each with something on it: the decoder with a frame (a fault too), the chat
  // after joining, the comparison and the grader as they open.
  const pages: { name: string; hash: string; ready: (page: Page) => Promise<void> }[] = [
    { name: 'the decoder with a masked frame and a broken one', hash: '#/decode?role=any&hex=818537fa213d7f9f4d5158%20890100', ready: (page) => page.locator('[role="listbox"], [role="grid"]').first().waitFor() },
    { name: 'the chat room', hash: '#/chat', ready: (page) => page.getByRole('heading', { level: 1 }).waitFor() },
    { name: 'why WebSocket', hash: '#/compare', ready: (page) => page.getByRole('heading', { level: 1 }).waitFor() },
    { name: 'the conformance grader', hash: '#/conformance', ready: (page) => page.getByRole('heading', { level: 1 }).waitFor() },
  ];
  for (const locale of ['en', 'zh-CN'] as const) {
    for (const colorScheme of ['light', 'dark'] as const) {
      for (const { name, hash, ready } of pages) {
        it(`${name}, ${locale}, ${colorScheme}: no violation`, async () => {
          const { page } = await suite.open(url(locale, hash), { colorScheme });
          await ready(page);
          await page.waitForTimeout(300); // the page's first answers from the server (chat's hello)
          expect(await page.evaluate(() => document.documentElement.lang)).toBe(locale);
          expect(await audit(page)).toEqual([]);
          await page.close();
        });
      }
    }
  }

  it('the class view refused (no token), zh-CN, dark: no violation', async () => {
    runLocale = 'zh-CN';
    const { page, errors } = await suite.open(url('zh-CN', '#/class'), { colorScheme: 'dark' });
    await page.getByRole('alert').getByText(CLASS_TEXT.teacherOnlyTitle(), { exact: true }).waitFor();
    expect(await audit(page)).toEqual([]);
    expect(errors.filter((e) => !/403/.test(e))).toEqual([]);
    await page.close();
  });
});
