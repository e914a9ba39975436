/**
 * The page: the built app in Chromium (playwright-core, Debian's /usr/bin/chromium), its
 * playground connected to a fake server that streams 100,000 captured frames through `/inspect`.
 * Measured: the time until the page shows all of them, the frame rate while the virtualized list
 * is scrolled from top to bottom, and the JS heap after a garbage collection.
 */
import { chromium, type Browser } from 'playwright-core';
import { CHROMIUM_ARGS, findChromium } from '../../tests/e2e/chromium';
import { ms as formatMs } from '../lib/format';
import { judge, type Row } from '../lib/report';
import { summarize } from '../lib/stats';
import { startFakeServer } from './fake-server';

export interface PageOptions {
  /** The built app (vite build output). */
  dist: string;
  rounds: number;
  frames: number;
  /** How long to scroll, ms. */
  scrollMs: number;
  log: (line: string) => void;
}

interface PageRound {
  renderMs: number;
  /** When the fake server had handed the last message to its socket (the browser was reading that far). */
  sentMs: number;
  fps: number;
  worstFrameMs: number;
  heapMB: number;
}

export async function runPage(options: PageOptions): Promise<Row[]> {
  const executablePath = findChromium();
  const names = ['render 100,000 frames', 'scroll', 'JS heap'];
  if (!executablePath) {
    const reason = 'no Chromium found (set CHROME_PATH or apt-get install chromium)';
    options.log(`page: skipped, ${reason}`);
    return names.map((name) => skipped(name, reason));
  }
  const browser = await chromium.launch({ executablePath, headless: true, args: [...CHROMIUM_ARGS] });
  const results: PageRound[] = [];
  try {
    for (let round = 0; round < options.rounds; round++) {
      const r = await pageRound(browser, options);
      options.log(`page round ${round + 1}: ${r.renderMs.toFixed(0)} ms to show ${options.frames} frames, scroll ${r.fps.toFixed(1)} FPS (worst frame ${r.worstFrameMs.toFixed(0)} ms), heap ${r.heapMB.toFixed(1)} MB`);
      results.push(r);
    }
  } finally {
    await browser.close();
  }
  const count = options.frames.toLocaleString('en-US');
  const worst = summarize(results.map((r) => r.worstFrameMs));
  return [
    judge({
      section: 'page',
      name: `render ${count} frames`,
      format: formatMs,
      unit: 'ms',
      higherIsBetter: false,
      ours: summarize(results.map((r) => r.renderMs)),
      against: [],
      target: null,
      detail: `from the first frame message sent to the list showing the last one (the last was sent after ${formatMs(summarize(results.map((r) => r.sentMs)).median)})`,
    }),
    judge({
      section: 'page',
      name: `scroll ${count} frames`,
      format: (v) => `${v.toFixed(1)} FPS`,
      unit: 'FPS',
      higherIsBetter: true,
      ours: summarize(results.map((r) => r.fps)),
      against: [],
      target: { value: 50, kind: 'min', text: '≥50 FPS' },
      detail: `worst frame ${formatMs(worst.median)} (median of rounds)`,
    }),
    judge({
      section: 'page',
      name: `JS heap, ${count} frames`,
      format: (v) => `${v.toFixed(1)} MB`,
      unit: 'MB',
      higherIsBetter: false,
      ours: summarize(results.map((r) => r.heapMB)),
      against: [],
      target: { value: 300, kind: 'max', text: '<300 MB' },
    }),
  ];
}

function skipped(name: string, reason: string): Row {
  return { section: 'page', name, format: String, unit: '', higherIsBetter: true, ours: null, against: [], target: null, met: null, skipped: reason };
}

/**
 * Scroll the list from the top to the bottom, one step per animation frame, counting frames: a
 * fast fling over the whole list in DURATION ms, whatever frame rate the page manages. (A string,
 * not a function: tsx would wrap a function's inner arrows in a helper the page does not have.)
 */
const SCROLL_SCRIPT = `(async () => {
  const duration = DURATION;
  const viewport = document.querySelector('.frame-list .viewport');
  if (!viewport) throw new Error('no frame list');
  const nextFrame = () => new Promise((resolve) => requestAnimationFrame(resolve));
  viewport.scrollTop = 0;
  await nextFrame();
  await nextFrame();
  const range = viewport.scrollHeight - viewport.clientHeight;
  const start = await nextFrame();
  let frames = 0;
  let last = start;
  let worst = 0;
  let now = start;
  while (now - start < duration) {
    viewport.scrollTop = Math.min(range, ((now - start) / duration) * range);
    now = await nextFrame();
    frames++;
    worst = Math.max(worst, now - last);
    last = now;
  }
  return { fps: (frames * 1000) / (now - start), worst };
})()`;

async function pageRound(browser: Browser, options: PageOptions): Promise<PageRound> {
  const fake = await startFakeServer(options.dist, options.frames);
  const context = await browser.newContext({ viewport: { width: 1280, height: 720 } });
  try {
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    await page.goto(`${fake.url}#/`);
    await page.getByRole('button', { name: 'Connect', exact: true }).click();
    const start = await fake.streaming;
    const total = options.frames.toLocaleString('en-US');
    // The page says "100,000 / 100,000 kept" once every frame is in the list.
    await page.waitForFunction(
      (expected) => {
        const count = document.querySelector('[aria-labelledby="frames-title"] .count');
        return count !== null && (count.textContent ?? '').trim().startsWith(`${expected} /`);
      },
      total,
      { polling: 'raf', timeout: 120_000 },
    );
    const renderMs = performance.now() - start;
    const sentMs = (await fake.sent) - start;
    if (errors.length > 0) throw new Error(`the page failed: ${errors.join('; ')}`);

    // Scroll the list from the top to the bottom, one step per animation frame, and count frames.
    const scroll = (await page.evaluate(SCROLL_SCRIPT.replace('DURATION', String(options.scrollMs)))) as { fps: number; worst: number };

    const cdp = await context.newCDPSession(page);
    await cdp.send('HeapProfiler.collectGarbage');
    const heap = (await cdp.send('Runtime.getHeapUsage')) as { usedSize: number };
    return { renderMs, sentMs, fps: scroll.fps, worstFrameMs: scroll.worst, heapMB: heap.usedSize / 1e6 };
  } finally {
    await context.close();
    await fake.close();
  }
}
