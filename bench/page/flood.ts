/**
 * The page on the real path under a flood: the built app served by Framescope's own server, the
 * playground connected (its `/echo` socket and its `/inspect?batch` tap), and N messages sent
 * through the page's own WebSocket (`ws` in the console, as a student's loop) and echoed back,
 * every frame reported by the tap within its budget. Not the fake `/inspect` feed of section.ts.
 *
 * Measured per round (tests/e2e/flood.ts runs it in the page): the time from the first send until
 * the page shows the newest frame (a marker sent after the last echo, selected and drawn), the
 * time until every echo arrived, and the longest main-thread task seen by a PerformanceObserver
 * ('longtask'); the target is that the page answers within 200 ms.
 */
import { chromium, type Browser } from 'playwright-core';
import { createFramescopeServer } from '../../server/server';
import { CHROMIUM_ARGS, findChromium } from '../../tests/e2e/chromium';
import { floodThroughPage, type FloodResult } from '../../tests/e2e/flood';
import { ms as formatMs } from '../lib/format';
import { judge, type Row } from '../lib/report';
import { summarize } from '../lib/stats';

export interface FloodOptions {
  dist: string;
  rounds: number;
  counts: readonly number[];
  log: (line: string) => void;
}

interface FloodRound extends FloodResult {
  skipped: number;
}

export async function runPageFlood(options: FloodOptions): Promise<Row[]> {
  const executablePath = findChromium();
  if (!executablePath) {
    const reason = 'no Chromium found (set CHROME_PATH or apt-get install chromium)';
    options.log(`page flood: skipped, ${reason}`);
    return options.counts.map((count) => skipped(`${count.toLocaleString('en-US')} messages through the page's socket`, reason));
  }
  const server = createFramescopeServer({ quiet: true, staticDir: options.dist, pingInterval: 0, idleTimeout: 0 });
  const { port } = await server.listen(0, '127.0.0.1');
  const browser = await chromium.launch({ executablePath, headless: true, args: [...CHROMIUM_ARGS] });
  const rows: Row[] = [];
  try {
    for (const count of options.counts) {
      const results: FloodRound[] = [];
      for (let round = 0; round < options.rounds; round++) {
        const r = await floodRound(browser, port, count);
        options.log(
          `page flood ${count} round ${round + 1}: echoed in ${r.echoedMs.toFixed(0)} ms, newest shown after ${r.shownMs.toFixed(0)} ms, ` +
            `longest task ${r.longestTask.toFixed(0)} ms (${r.longTasks} over 50 ms), ${r.skipped} inspector events skipped by the budget`,
        );
        results.push(r);
      }
      rows.push(...floodRows(count, results));
    }
  } finally {
    await browser.close();
    await server.close({ timeout: 500 });
  }
  return rows;
}

async function floodRound(browser: Browser, port: number, count: number): Promise<FloodRound> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 720 } });
  try {
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    await page.goto(`http://127.0.0.1:${port}/index.html#/`);
    await page.getByRole('button', { name: 'Connect', exact: true }).click();
    await page.getByRole('status').filter({ hasText: /^Connection 1: OPEN \(frames/ }).waitFor({ timeout: 30_000 });
    const result = await floodThroughPage(page, count);
    const skipped = (await page.evaluate(`(() => {
      const m = /([\\d,]+) inspector events skipped/.exec(document.body.innerText);
      return m ? Number(m[1].replace(/,/g, '')) : 0;
    })()`)) as number;
    if (errors.length > 0) throw new Error(`the page failed: ${errors.join('; ')}`);
    return { ...result, skipped };
  } finally {
    await context.close();
  }
}

function floodRows(count: number, results: readonly FloodRound[]): Row[] {
  const n = count.toLocaleString('en-US');
  const echoed = summarize(results.map((r) => r.echoedMs));
  const skippedMedian = summarize(results.map((r) => r.skipped)).median;
  return [
    judge({
      section: 'page',
      name: `${n} messages through the page's own socket: newest frame shown`,
      format: formatMs,
      unit: 'ms',
      higherIsBetter: false,
      ours: summarize(results.map((r) => r.shownMs)),
      against: [],
      target: null,
      detail: `real path: page socket → server → tap (/inspect?batch) → page; every echo after ${formatMs(echoed.median)}; ${Math.round(skippedMedian).toLocaleString('en-US')} tap events skipped by the server's budget (counted on the page)`,
    }),
    judge({
      section: 'page',
      name: `${n} messages through the page's own socket: longest main-thread task`,
      format: formatMs,
      unit: 'ms',
      higherIsBetter: false,
      ours: summarize(results.map((r) => r.longestTask)),
      against: [],
      target: { value: 200, kind: 'max', text: '<200 ms' },
      detail: `PerformanceObserver 'longtask'; tasks over 50 ms: ${summarize(results.map((r) => r.longTasks)).median.toFixed(0)} (median)`,
    }),
  ];
}

function skipped(name: string, reason: string): Row {
  return { section: 'page', name, format: String, unit: '', higherIsBetter: true, ours: null, against: [], target: null, met: null, skipped: reason };
}
