/**
 * The guided lesson in Chromium (#/lesson), against the built app on the real server, in English
 * and in Simplified Chinese: every step's buttons drive the playground beside it, the frame each
 * step looks at is selected and its field highlighted in the grid, answers open on request;
 * progress survives a reload and any step can be opened directly. Every sentence the test looks
 * for comes from the catalogues in the language of the run (the test's message functions follow
 * `runLocale`); the playground's parts (other areas) are found by structure, not by words.
 */
import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createFramescopeServer, type FramescopeServer } from '../../server/server';
import { LESSON_STEPS, LESSON_TEXT } from '../../src/app/lesson/steps';
import { overwriteGetLocale, type Locale } from '../../src/paraglide/runtime.js';
import { builtAppDir } from './app';
import { describeBrowser } from './browser';
import { screenshotDir } from './screenshots';

/** The language of the run now: the catalogue's message functions called here speak it. */
let runLocale: Locale = 'en';
overwriteGetLocale(() => runLocale);

const CJK = /[\u3400-\u9fff]/;

function escape(text: string): RegExp {
  return new RegExp(`^${text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`);
}

function panel(page: Page): Locator {
  return page.getByRole('complementary', { name: LESSON_TEXT.title() });
}

/** The playground's selected frame (its section, whatever its heading says) and the frame's bit grid. */
function grid(page: Page): Locator {
  return page.locator("section[aria-labelledby='frame-title'] .grid[role='group']");
}

/** The bits a field of the selected frame's grid shows ("1001" for opcode 0x9). */
async function bits(page: Page, field: string): Promise<string> {
  const cell = grid(page).locator(`[data-field="${field}"] .bits`).first();
  await cell.waitFor();
  return (await cell.textContent())?.replace(/\s+/g, '') ?? '';
}

async function waitForBits(page: Page, field: string, want: string): Promise<void> {
  await expect.poll(() => bits(page, field), { timeout: 10_000 }).toBe(want);
}

/** The browser logs the violation of step 9 when it fails the connection: expected. */
const expected = /One or more reserved bits are on/;

/** The address of the lesson in `locale`: English by the browser's language, Chinese by `?lang=`. */
function lessonUrl(port: number, locale: Locale): string {
  return `http://127.0.0.1:${port}/${locale === 'en' ? '' : `?lang=${locale}`}#/lesson`;
}

describeBrowser('the guided lesson', (suite) => {
  let server: FramescopeServer;
  let port = 0;

  beforeAll(async () => {
    server = createFramescopeServer({ quiet: true, staticDir: builtAppDir(), pingInterval: 0, idleTimeout: 0 });
    port = (await server.listen(0, '127.0.0.1')).port;
  });
  afterAll(async () => {
    runLocale = 'en';
    await server?.close({ timeout: 500 });
  });

  for (const locale of ['en', 'zh-CN'] as const) {
    it(`runs start to end in ${locale}, keeps its progress, and opens any step`, async () => {
      runLocale = locale;
      const { page, errors } = await suite.open(lessonUrl(port, locale), { viewport: { width: 1920, height: 1080 } });
      const lesson = panel(page);
      await lesson.getByRole('heading', { level: 1, name: LESSON_TEXT.title() }).waitFor();
      expect(await page.evaluate(() => document.documentElement.lang)).toBe(locale);
      // The playground is beside it, the real one.
      await page.locator('h1#playground-title').waitFor();

      for (const [i, step] of LESSON_STEPS.entries()) {
        await lesson.getByText(LESSON_TEXT.stepOf(i + 1, LESSON_STEPS.length), { exact: true }).waitFor();
        const title = lesson.getByRole('heading', { level: 2, name: step.title(), exact: true });
        await title.waitFor();
        if (locale === 'zh-CN') {
          // The step is shown in Chinese: its title and what to look at, as the catalogue says.
          expect(step.title()).toMatch(CJK);
          expect(step.explain()).toMatch(CJK);
          await lesson.getByText(step.explain(), { exact: true }).waitFor();
        }
        for (const button of step.buttons) {
          await lesson.getByRole('button', { name: button.label(), exact: true }).click();
          await lesson.getByRole('status').filter({ hasText: escape(LESSON_TEXT.done()) }).waitFor({ timeout: 20_000 });
        }
        // What to look at: the step's fields are highlighted in the selected frame's grid.
        const look = await page.locator('[data-lesson-look]').getAttribute('data-lesson-look');
        if ('fields' in step.look) {
          expect(look).toBe(step.look.fields.join(' '));
          for (const field of step.look.fields.filter((f) => f !== 'extended-payload-length' || step.id === 'lengths')) {
            const cell = grid(page).locator(`[data-field="${field}"]`).first();
            await cell.waitFor();
            expect(await cell.evaluate((el) => getComputedStyle(el).boxShadow)).toMatch(/rgba?\(217, 119, 6\b/);
          }
        } else {
          expect(look).toBe(`panel-${step.look.panel}`);
        }
        // The question, and its answer on request.
        const answer = lesson.getByText(step.answer(), { exact: true });
        expect(await answer.isVisible()).toBe(false);
        await lesson.getByRole('button', { name: LESSON_TEXT.showAnswer() }).click();
        await answer.waitFor();
        if (step.id === 'control-between') {
          // The ping the server put between the fragments is the frame shown: opcode 0x9.
          await waitForBits(page, 'opcode', '1001');
          await page.screenshot({ path: `${screenshotDir}${locale === 'en' ? 'lesson' : `lesson-${locale}`}.png` });
        }
        if (step.id === 'compression') {
          // The server's second "Hello", compressed: RSV1 = 1.
          await waitForBits(page, 'rsv1', '1');
        }
        if (step.id === 'violation') {
          // The server's frame with RSV1 set, marked as at fault; the browser failed the connection.
          await waitForBits(page, 'rsv1', '1');
          await grid(page).locator('[data-field="rsv1"].fault').first().waitFor();
          if (locale === 'en') await page.getByRole('status').filter({ hasText: /^Chromium \d+ failed the connection, as the RFC requires\./ }).waitFor();
        }
        if (i < LESSON_STEPS.length - 1) await lesson.getByRole('button', { name: LESSON_TEXT.next() }).click();
      }
      await lesson.getByText(LESSON_TEXT.finished(), { exact: true }).waitFor();

      // Progress is kept: after a reload, the last step and every tick (and the language).
      await page.reload();
      await panel(page).getByRole('heading', { level: 2, name: LESSON_STEPS.at(-1)!.title(), exact: true }).waitFor();
      await panel(page).getByText(LESSON_TEXT.finished(), { exact: true }).waitFor();
      // A teacher may jump to any step.
      const fourth = LESSON_STEPS[3]!;
      await panel(page).getByRole('button', { name: LESSON_TEXT.jump(4, fourth.title(), true), exact: true }).click();
      await panel(page).getByRole('heading', { level: 2, name: fourth.title(), exact: true }).waitFor();
      expect(await panel(page).getByRole('button', { name: LESSON_TEXT.jump(4, fourth.title(), true), exact: true }).getAttribute('aria-current')).toBe('step');
      expect(errors.filter((e) => !expected.test(e))).toEqual([]);
      await page.close();
    });

    it(`fits a phone (390 px) in ${locale}: the lesson above the playground, nothing of it wider than the screen`, async () => {
      runLocale = locale;
      const { page, errors } = await suite.open(lessonUrl(port, locale), { viewport: { width: 390, height: 844 } });
      await panel(page).getByRole('heading', { level: 1, name: LESSON_TEXT.title() }).waitFor();
      const wide = await page.evaluate(() =>
        [...document.querySelectorAll('aside.lesson, aside.lesson *')]
          .filter((el) => el.getBoundingClientRect().right > 391)
          .map((el) => `${el.tagName}.${el.className} ${Math.round(el.getBoundingClientRect().right)}`)
          .slice(0, 8),
      );
      expect(wide).toEqual([]);
      // Above the playground, not beside it.
      const lessonBox = (await panel(page).boundingBox())!;
      const playgroundBox = (await page.locator('h1#playground-title').boundingBox())!;
      expect(playgroundBox.y).toBeGreaterThan(lessonBox.y + lessonBox.height - 1);
      // Step 4's frames with a 16-bit and a 64-bit length: the field table's long names
      // ("Extended payload length（扩展载荷长度）") wrap; the page does not scroll sideways.
      const lengths = LESSON_STEPS.findIndex((step) => step.id === 'lengths');
      await panel(page).locator('button', { hasText: new RegExp(`^${lengths + 1}$`) }).click();
      for (const button of LESSON_STEPS[lengths]!.buttons.slice(1)) {
        await panel(page).getByRole('button', { name: button.label(), exact: true }).click();
        await panel(page).getByRole('status').filter({ hasText: escape(LESSON_TEXT.done()) }).waitFor({ timeout: 20_000 });
        await page.locator('tr[data-field="extended-payload-length"]').first().waitFor();
        expect(await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)).toBeLessThanOrEqual(0);
      }
      expect(errors).toEqual([]);
      await page.close();
    });
  }
});
