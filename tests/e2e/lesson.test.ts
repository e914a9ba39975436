/**
 * The guided lesson in Chromium (#/lesson), against the built app on the real server: every step's
 * buttons drive the playground beside it, the frame each step looks at is selected and its field
 * highlighted in the grid, answers open on request; progress survives a reload and any step can be
 * opened directly. Runs start to end (English; the Chinese run comes with the catalogues).
 */
import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createFramescopeServer, type FramescopeServer } from '../../server/server';
import { LESSON_STEPS } from '../../src/app/lesson/steps';
import { builtAppDir } from './app';
import { describeBrowser } from './browser';
import { screenshotDir } from './screenshots';

function panel(page: Page): Locator {
  return page.getByRole('complementary', { name: 'Lesson' });
}

function selectedFrame(page: Page): Locator {
  return page.getByRole('region', { name: 'Selected frame' });
}

/** The browser logs the violation of step 9 when it fails the connection: expected. */
const expected = /One or more reserved bits are on/;

describeBrowser('the guided lesson', (suite) => {
  let server: FramescopeServer;
  let port = 0;

  beforeAll(async () => {
    server = createFramescopeServer({ quiet: true, staticDir: builtAppDir(), pingInterval: 0, idleTimeout: 0 });
    port = (await server.listen(0, '127.0.0.1')).port;
  });
  afterAll(async () => {
    await server?.close({ timeout: 500 });
  });

  it('runs start to end, keeps its progress, and opens any step', async () => {
    const { page, errors } = await suite.open(`http://127.0.0.1:${port}/index.html#/lesson`, { viewport: { width: 1920, height: 1080 } });
    const lesson = panel(page);
    await lesson.getByRole('heading', { level: 1, name: 'Lesson' }).waitFor();
    // The playground is beside it, the real one.
    await page.getByRole('heading', { level: 1, name: 'Playground' }).waitFor();

    for (const [i, step] of LESSON_STEPS.entries()) {
      await lesson.getByText(`Step ${i + 1} of ${LESSON_STEPS.length}`).waitFor();
      await lesson.getByRole('heading', { level: 2, name: step.title }).waitFor();
      for (const button of step.buttons) {
        await lesson.getByRole('button', { name: button.label, exact: true }).click();
        await lesson.getByRole('status').filter({ hasText: /^Done\.$/ }).waitFor({ timeout: 20_000 });
      }
      // What to look at: the step's fields are highlighted in the selected frame's grid.
      const look = await page.locator('[data-lesson-look]').getAttribute('data-lesson-look');
      if ('fields' in step.look) {
        expect(look).toBe(step.look.fields.join(' '));
        const grid = selectedFrame(page).getByRole('group', { name: /Frame header bits/ });
        for (const field of step.look.fields.filter((f) => f !== 'extended-payload-length' || step.id === 'lengths')) {
          const cell = grid.locator(`[data-field="${field}"]`).first();
          await cell.waitFor();
          expect(await cell.evaluate((el) => getComputedStyle(el).boxShadow)).toMatch(/rgba?\(217, 119, 6\b/);
        }
      } else {
        expect(look).toBe(`panel-${step.look.panel}`);
      }
      // The question, and its answer on request.
      const answer = lesson.getByText(step.answer);
      expect(await answer.isVisible()).toBe(false);
      await lesson.getByRole('button', { name: 'Show the answer' }).click();
      await answer.waitFor();
      if (step.id === 'control-between') {
        // The ping the server put between the fragments is the frame shown.
        await selectedFrame(page).getByRole('group', { name: /Frame header bits/ }).getByRole('button', { name: /^Opcode: \d{4} = 0x9/ }).waitFor();
        await page.screenshot({ path: `${screenshotDir}lesson.png` });
      }
      if (step.id === 'compression') {
        // The server's second "Hello", compressed: RSV1 = 1.
        await selectedFrame(page).getByRole('group', { name: /Frame header bits/ }).getByRole('button', { name: /^RSV1\s*:\s*1/ }).waitFor();
      }
      if (step.id === 'violation') {
        await page.getByRole('status').filter({ hasText: /^Chromium \d+ failed the connection, as the RFC requires\./ }).waitFor();
      }
      if (i < LESSON_STEPS.length - 1) await lesson.getByRole('button', { name: 'Next step' }).click();
    }
    await lesson.getByText('Lesson complete: every step done.').waitFor();

    // Progress is kept: after a reload, the last step and every tick.
    await page.reload();
    await panel(page).getByRole('heading', { level: 2, name: LESSON_STEPS.at(-1)!.title }).waitFor();
    await panel(page).getByText('Lesson complete: every step done.').waitFor();
    // A teacher may jump to any step.
    await panel(page).getByRole('button', { name: 'Step 4: Three length forms (done)' }).click();
    await panel(page).getByRole('heading', { level: 2, name: 'Three length forms' }).waitFor();
    expect(await panel(page).getByRole('button', { name: /^Step 4:/ }).getAttribute('aria-current')).toBe('step');
    expect(errors.filter((e) => !expected.test(e))).toEqual([]);
    await page.close();
  });

  it('fits a phone (390 px): the lesson above the playground, nothing of it wider than the screen', async () => {
    const { page, errors } = await suite.open(`http://127.0.0.1:${port}/index.html#/lesson`, { viewport: { width: 390, height: 844 } });
    await panel(page).getByRole('heading', { level: 1, name: 'Lesson' }).waitFor();
    const wide = await page.evaluate(() =>
      [...document.querySelectorAll('aside.lesson, aside.lesson *')]
        .filter((el) => el.getBoundingClientRect().right > 391)
        .map((el) => `${el.tagName}.${el.className} ${Math.round(el.getBoundingClientRect().right)}`)
        .slice(0, 8),
    );
    expect(wide).toEqual([]);
    // Above the playground, not beside it.
    const lessonBox = (await panel(page).boundingBox())!;
    const playgroundBox = (await page.getByRole('heading', { level: 1, name: 'Playground' }).boundingBox())!;
    expect(playgroundBox.y).toBeGreaterThan(lessonBox.y + lessonBox.height - 1);
    expect(errors).toEqual([]);
    await page.close();
  });
});
