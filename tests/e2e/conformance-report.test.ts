/**
 * The HTML report (`npm run conformance -- --report FILE.html`) in Chromium with the network cut:
 * it opens from file:// asking for nothing else, shows its sections and marks, fits a phone, and
 * none of a hostile server's strings runs as markup or script.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { CASES, parseTarget, runConformance, selectCases } from '../../conformance/index';
import { renderHtmlReport } from '../../conformance/report-html';
import { hostileReport } from '../conformance/hostile-report';
import { describeBrowser } from './browser';
import { startPingAsTextServer, type Running } from './ping-as-text-server';

describeBrowser('the HTML report, offline', (suite) => {
  const dir = mkdtempSync(join(tmpdir(), 'framescope-html-'));
  let flawed: Running;
  let real = '';
  let hostile = '';

  beforeAll(async () => {
    flawed = await startPingAsTextServer();
    const target = parseTarget(`ws://127.0.0.1:${flawed.port}/`);
    const selection = selectCases(CASES, 'x.0.1,x.0.6,2.2,3.1');
    if (!target.ok || !selection.ok) throw new Error('bad test setup');
    const { report } = await runConformance({ target: target.target, cases: selection.cases });
    real = join(dir, 'real.html');
    writeFileSync(real, renderHtmlReport(report));
    hostile = join(dir, 'hostile.html');
    writeFileSync(hostile, renderHtmlReport(hostileReport()));
  });
  afterAll(() => flawed?.close());

  /** Open `file` with every request other than the file itself refused and recorded. */
  async function openOffline(file: string) {
    const opened = await suite.newPage({ offline: true, javaScriptEnabled: true });
    const requests: string[] = [];
    const href = pathToFileURL(file).href;
    await opened.page.route('**/*', (route) => {
      const url = route.request().url();
      if (url.split('#')[0] === href) return route.continue();
      requests.push(url);
      return route.abort();
    });
    await opened.page.goto(href);
    return { ...opened, requests };
  }

  it('opens with nothing but itself, by section, the failed case open with its first wrong byte marked', async () => {
    const { page, errors, requests } = await openOffline(real);
    await page.getByRole('heading', { level: 1, name: /^Conformance report: ws:\/\/127\.0\.0\.1:\d+\/$/ }).waitFor();
    expect(await page.getByRole('heading', { level: 2 }).allInnerTexts()).toEqual(['What failed', 'x.0 Opening handshake', '2 Pings/Pongs', '3 Reserved bits']);
    const failed = page.locator('details#case-2\\.2');
    expect(await failed.getAttribute('open')).toBe('');
    expect(await failed.locator('mark').first().innerText()).toBe('81');
    expect(await failed.locator('mark').first().getAttribute('title')).toMatch(/^Expected a pong here/);
    expect(await page.locator('details#case-3\\.1').getAttribute('open')).toBeNull();
    expect(requests).toEqual([]);
    expect(errors).toEqual([]);
  });

  it('on a phone (390 px) nothing scrolls sideways, however long the unbroken strings a server sends', async () => {
    const report = hostileReport();
    const long = `Received: a text message of 200 bytes "${'*'.repeat(200)}"; Sec-WebSocket-Accept is '${'K'.repeat(120)}='.`;
    report.cases = report.cases.map((c) => ({ ...c, result: long, description: `${c.description} ${'x'.repeat(150)}` }));
    const file = join(dir, 'long.html');
    writeFileSync(file, renderHtmlReport(report));
    const opened = await suite.newPage({ offline: true, viewport: { width: 390, height: 844 } });
    await opened.page.goto(pathToFileURL(file).href);
    await opened.page.getByRole('heading', { level: 1 }).waitFor();
    expect(await opened.page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    expect(opened.errors).toEqual([]);
  });

  it('shows a hostile server\'s strings as text: no element, no script, no request', async () => {
    const { page, errors, requests } = await openOffline(hostile);
    await page.getByRole('heading', { level: 1 }).waitFor();
    expect(await page.evaluate(() => (globalThis as { pwned?: number }).pwned)).toBeUndefined();
    expect(await page.locator('script, img, a[href^="http"], b').count()).toBe(0);
    expect(await page.locator('details#case-1\\.1\\.2 summary').innerText()).toContain('<img src=x onerror="globalThis.pwned=1"><script>');
    expect(requests).toEqual([]);
    expect(errors).toEqual([]);
  });
});
