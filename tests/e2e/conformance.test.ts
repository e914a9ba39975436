/**
 * #/conformance in Chromium against the built app served by the real server (as `npm start`):
 * a report opened from a file, from a link and by a drop, each case's wire log in the playground's
 * frame list and grid with the first wrong byte marked; and a run started from the page against a
 * loopback server with a flaw, its progress live, and another loopback port refused because the
 * server's allow list (--allow-upstream, shared with /proxy) names only the flawed one. Screenshots: docs/screenshots/conformance-*.png
 * (npm run screenshots).
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { CASES, parseTarget, runConformance, selectCases } from '../../conformance/index';
import { createFramescopeServer, type FramescopeServer } from '../../server/server';
import type { ConformanceReport } from '../../src/wire/conformance';
import { builtAppDir } from './app';
import { describeBrowser } from './browser';
import { startPingAsTextServer, type Running } from './ping-as-text-server';
import { screenshotDir } from './screenshots';

async function grade(port: number, spec: string): Promise<ConformanceReport> {
  const target = parseTarget(`ws://127.0.0.1:${port}/`);
  const selection = selectCases(CASES, spec);
  if (!target.ok || !selection.ok) throw new Error('bad test setup');
  return (await runConformance({ target: target.target, cases: selection.cases })).report;
}

const cases = (page: Page) => page.getByRole('navigation', { name: 'Cases' });
const caseButton = (page: Page, id: string) => cases(page).getByRole('button', { name: new RegExp(`^${id.replace(/\./g, '\\.')} `) });

describeBrowser('the conformance page', (suite) => {
  let server: FramescopeServer;
  let flawed: Running;
  let port = 0;
  let reportFile = '';
  let reportJson = '';
  const url = (hash = '#/conformance'): string => `http://127.0.0.1:${port}/index.html${hash}`;

  beforeAll(async () => {
    flawed = await startPingAsTextServer();
    // As `npm start -- --allow-upstream 127.0.0.1:PORT`: the grader may grade the flawed server only.
    server = createFramescopeServer({ quiet: true, staticDir: builtAppDir(), pingInterval: 0, idleTimeout: 0, allowUpstream: `127.0.0.1:${flawed.port}` });
    port = (await server.listen(0, '127.0.0.1')).port;
    reportJson = JSON.stringify(await grade(flawed.port, '1.1.1,2.2,2.5,3.1'));
    reportFile = join(mkdtempSync(join(tmpdir(), 'framescope-report-')), 'report.json');
    writeFileSync(reportFile, reportJson);
  });
  afterAll(async () => {
    flawed?.close();
    await server?.close({ timeout: 500 });
  });

  it('opens a report from a file: verdicts by section, the first FAILED case with its first wrong byte', async () => {
    const { page, errors } = await suite.open(url());
    await page.getByRole('heading', { level: 1, name: 'Conformance' }).waitFor();
    await page.getByLabel('Report file (JSON)').setInputFiles(reportFile);
    await page.getByRole('heading', { name: /^Report: ws:\/\/127\.0\.0\.1:\d+\/$/ }).waitFor();
    await expect.poll(() => page.getByRole('list', { name: 'Verdicts' }).innerText()).toMatch(/OK 3\s+NON-STRICT 0\s+INFORMATIONAL 0\s+UNIMPLEMENTED 0\s+FAILED 1/);
    expect(await cases(page).getByRole('heading', { level: 3 }).allInnerTexts()).toEqual(['1 Framing (1 case)', '2 Pings/Pongs (1 of 2 failed)', '3 Reserved bits (1 case)']);
    // The first FAILED case is open: 2.2, a text frame where the pong belongs.
    expect(await caseButton(page, '2.2').getAttribute('aria-current')).toBe('true');
    await page.getByRole('heading', { level: 2, name: /^Case 2\.2 FAILED$/ }).waitFor();
    const wrong = page.getByRole('note', { name: 'First wrong byte' });
    await expect.poll(() => wrong.innerText()).toMatch(/First wrong byte, at byte 0:\s+Expected a pong here/);
    const list = page.getByRole('listbox', { name: /^Frames of case 2\.2/ });
    expect(await list.getByRole('option').count()).toBe(4);
    expect(await list.getByRole('option', { selected: true }).innerText()).toMatch(/server to client.*text, FIN 1/s);
    const frame = page.getByRole('region', { name: 'Selected frame of case 2.2' });
    await frame.getByRole('button', { name: /^Opcode\s*:\s*[01]+ = 0x1/ }).waitFor();
    // Opening a report moves to it.
    expect(await page.evaluate(() => document.activeElement?.textContent)).toMatch(/^Report: ws:/);
    await mkdirScreens();
    await page.evaluate(() => document.querySelector('.report-head')!.scrollIntoView());
    await page.screenshot({ path: `${screenshotDir}conformance-report.png`, fullPage: false });
    await page.getByRole('heading', { level: 3, name: 'Wire log' }).evaluate((h) => h.scrollIntoView());
    await page.screenshot({ path: `${screenshotDir}conformance-wire.png`, fullPage: false });
    // The grader's own broken frame, in 3.1: shown as broken on purpose, the fault on RSV3.
    await caseButton(page, '3.1').click();
    await page.getByRole('heading', { level: 2, name: /^Case 3\.1 OK$/ }).waitFor();
    await expect.poll(() => page.getByText(/The grader broke this frame on purpose/).innerText()).toMatch(/RSV3 is set but no extension/);
    // The filter.
    await page.getByLabel('FAILED only').check();
    expect(await cases(page).getByRole('button').allInnerTexts()).toEqual([expect.stringMatching(/^2\.2\s+FAILED\s+Send ping with small text payload\.$/)]);
    expect(errors).toEqual([]);
  });

  it('opens a report from a link (#/conformance?report=…) and from a drop; a broken file gets a message', async () => {
    const { page, errors } = await suite.newPage();
    await page.route('**/reports/run.json', (route) => route.fulfill({ status: 200, contentType: 'application/json', body: reportJson }));
    await page.goto(url('#/conformance?report=reports/run.json'));
    await page.getByRole('heading', { level: 2, name: /^Case 2\.2 FAILED$/ }).waitFor();
    await expect.poll(() => page.getByText(/^From http:\/\/127\.0\.0\.1:\d+\/reports\/run\.json;/).count()).toBe(1);

    // A dropped file that is not a report.
    await page.evaluate(() => {
      const data = new DataTransfer();
      data.items.add(new File(['<!doctype html><p>not json'], 'report.html', { type: 'text/html' }));
      const zone = document.querySelector('section.open')!;
      zone.dispatchEvent(new DragEvent('drop', { dataTransfer: data, bubbles: true, cancelable: true }));
    });
    await expect.poll(() => page.getByRole('alert').innerText()).toMatch(/^report\.html: This file is not JSON .*It looks like HTML: open the JSON report/);
    // The report shown stays.
    expect(await page.getByRole('heading', { level: 2, name: /^Case 2\.2 FAILED$/ }).count()).toBe(1);
    expect(errors).toEqual([]);
  });

  it('runs the grader from the page against a loopback server, with live progress', async () => {
    const { page, errors } = await suite.open(url());
    await page.getByLabel('Server to grade').fill(`ws://127.0.0.1:${flawed.port}/`);
    await page.getByLabel(/^Cases/).fill('2.*,5.19,5.20');
    await page.getByRole('button', { name: 'Run' }).click();
    const progress = page.getByRole('progressbar', { name: 'Cases graded' });
    // Live: part of the run is shown before the end (5.19 and 5.20 take a second each).
    await expect.poll(async () => Number(await progress.getAttribute('value')), { timeout: 20_000 }).toBeGreaterThan(0);
    const midway = Number(await progress.getAttribute('value'));
    expect(midway).toBeLessThan(13);
    expect(await page.getByRole('status').filter({ hasText: /^Grading ws:\/\/127\.0\.0\.1:\d+\/: \d+ of 13 cases/ }).count()).toBe(1);
    expect(await page.getByRole('button', { name: 'Stop' }).isEnabled()).toBe(true);
    await page.getByRole('status').filter({ hasText: /^Done: 13 cases in [\d.]+ s, 3 OK, 0 NON-STRICT, 10 FAILED\.$/ }).waitFor({ timeout: 30_000 });
    expect(await progress.getAttribute('value')).toBe('13');
    // The first FAILED case opens by itself.
    await page.getByRole('heading', { level: 2, name: /^Case 2\.1 FAILED$/ }).waitFor();
    await caseButton(page, '5.19').click();
    await page.getByRole('heading', { level: 2, name: /^Case 5\.19 FAILED$/ }).waitFor();
    await expect.poll(() => page.getByRole('note', { name: 'First wrong byte' }).innerText()).toMatch(/Expected a pong here/);
    await page.screenshot({ path: `${screenshotDir}conformance-run.png`, fullPage: false });
    expect(errors).toEqual([]);
  });

  it('a target the allow list does not name is refused with the reason; at 390 px nothing scrolls sideways', async () => {
    const { page, errors } = await suite.open(url(), { viewport: { width: 390, height: 844 }, colorScheme: 'dark' });
    // Another loopback port (this Framescope server's own): not on the list, so never contacted.
    await page.getByLabel('Server to grade').fill(`ws://127.0.0.1:${port}/echo`);
    await page.getByRole('button', { name: 'Run' }).click();
    await page
      .getByRole('status')
      .filter({ hasText: `127.0.0.1 port ${port} is not an allowed target. This Framescope server connects only to: 127.0.0.1:${flawed.port} (--allow-upstream).` })
      .waitFor();
    await page.getByLabel('Report file (JSON)').setInputFiles(reportFile);
    await page.getByRole('heading', { level: 2, name: /^Case 2\.2 FAILED$/ }).waitFor();
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await page.screenshot({ path: `${screenshotDir}conformance-phone-dark.png`, fullPage: false });
    expect(errors).toEqual([]);
  });

  it('in Chinese at 390 px: the Open button on one line, verdicts and a mistyped address in Chinese', async () => {
    const { page, errors } = await suite.open(url('?lang=zh-CN#/conformance'), { viewport: { width: 390, height: 844 } });
    const open = page.getByRole('button', { name: '打开', exact: true });
    await open.waitFor();
    // One line: no taller than the Run button beside the target field, and its text not cut.
    const box = await open.evaluate((el) => ({ height: el.getBoundingClientRect().height, line: parseFloat(getComputedStyle(el).lineHeight) || 24, fits: el.scrollWidth <= el.clientWidth }));
    expect(box.fits).toBe(true);
    expect(box.height).toBeLessThan(box.line * 2);
    const target = page.locator('input[type="text"]').first();
    await target.fill('127.0.0.1:9001');
    await target.press('Enter');
    await page.getByRole('status').filter({ hasText: '"127.0.0.1:9001" 不是一个 URL；请按 ws://主机:端口/路径 的格式填写服务器地址' }).waitFor();
    await page.locator('input[type="file"]').setInputFiles(reportFile);
    await page.getByRole('heading', { level: 2, name: /^用例 2\.2 失败$/ }).waitFor();
    expect(await page.locator('.counts').innerText()).toMatch(/通过 3\s+不严格 0/);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await page.screenshot({ path: `${screenshotDir}conformance-phone-zh.png`, fullPage: false });
    expect(errors).toEqual([]);
  });
});

async function mkdirScreens(): Promise<void> {
  const { mkdir } = await import('node:fs/promises');
  await mkdir(screenshotDir, { recursive: true });
}
