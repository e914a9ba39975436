/**
 * A flood through the playground's own socket, run inside the page: what a student's console loop
 * does (`ws` is the page's WebSocket), measured. Shared by tests/e2e/playground-flood.test.ts and
 * `npm run bench` (bench/page/flood.ts). The script is a string, not a function: tsx (the bench)
 * would wrap a function's inner arrows in a helper the page does not have.
 *
 * It sends `count` text messages (yielding to the page every 500, so the sender's own loop is not
 * the longest task measured), waits for every echo, then sends a marker ("the end") and waits
 * until the page shows the marker's echo as the selected (newest) frame, with a 'longtask'
 * PerformanceObserver running all along.
 */
import type { Page } from 'playwright-core';

export interface FloodResult {
  /** ms from the first send until every echo had arrived (message events). */
  echoedMs: number;
  /** ms from the first send until the page showed the newest frame (the marker's echo). */
  shownMs: number;
  /** The longest main-thread task seen (ms), and how many tasks took over 50 ms. */
  longestTask: number;
  longTasks: number;
  /** Echoes counted by the script's own listener. */
  received: number;
}

const SCRIPT = `(async (count) => {
  window.floodStarted = true;
  const ws = window.ws;
  if (!ws || ws.readyState !== 1) throw new Error('no open playground socket (window.ws)');
  const tasks = [];
  const observer = new PerformanceObserver((list) => { for (const entry of list.getEntries()) tasks.push(entry.duration); });
  observer.observe({ type: 'longtask' });
  let received = 0;
  const onmessage = () => { received++; };
  ws.addEventListener('message', onmessage);
  const start = performance.now();
  const pause = () => new Promise((resolve) => setTimeout(resolve, 0));
  for (let i = 0; i < count; i++) {
    ws.send('m' + i);
    if (i % 500 === 499) await pause();
  }
  const deadline = start + 240000;
  while (received < count) {
    if (performance.now() > deadline) throw new Error('only ' + received + ' of ' + count + ' echoes arrived');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  const echoedMs = performance.now() - start;
  // The newest frame shown: the selected row is the marker's echo (the page follows the newest).
  const shown = () => {
    const row = document.querySelector('[role="listbox"] [aria-selected="true"]');
    const view = document.querySelector('[aria-labelledby="frame-title"]');
    return !!row && !!view && row.textContent.includes('server to client') && row.textContent.includes('the end') &&
      view.textContent.includes('the end');
  };
  let markers = 0;
  let lastMarker = -Infinity;
  while (!shown()) {
    if (performance.now() > deadline) throw new Error('the newest frame was never shown');
    // A marker the server's budget skipped would never show: send another now and then.
    if (performance.now() - lastMarker > 3000) {
      ws.send('the end' + (markers ? ' ' + markers : ''));
      markers++;
      lastMarker = performance.now();
    }
    await new Promise((resolve) => requestAnimationFrame(resolve));
  }
  const shownMs = performance.now() - start;
  observer.disconnect();
  ws.removeEventListener('message', onmessage);
  return { echoedMs, shownMs, longestTask: Math.max(0, ...tasks), longTasks: tasks.length, received };
})(COUNT)`;

/** Runs the flood in `page` (connected playground) and resolves with its figures. */
export async function floodThroughPage(page: Page, count: number): Promise<FloodResult> {
  return (await page.evaluate(SCRIPT.replace('COUNT', String(count)))) as FloodResult;
}
