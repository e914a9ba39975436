/**
 * Issue 21 on the user's path (`npm run dev`): the playground's frame list filtered while frames
 * keep arriving (the pings among thousands of messages, a search for "alice"), the filter in the
 * URL, subprotocols offered and chosen, the browser failing a connection whose server names one not
 * offered, and the binaryType switch. Screenshots at 390, 1280 and 1920 px.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { createServer, type ViteDevServer } from 'vite';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeBrowser } from './browser';
import { screenshotDir } from './screenshots';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));

describeBrowser('finding frames, subprotocols and binaryType through npm run dev', (suite) => {
  let vite: ViteDevServer;
  let port = 0;
  let cacheDir = '';

  beforeAll(async () => {
    cacheDir = mkdtempSync(path.join(tmpdir(), 'framescope-find-e2e-'));
    process.env['FRAMESCOPE_QUIET'] = '1';
    try {
      vite = await createServer({
        root: repoRoot,
        configFile: path.join(repoRoot, 'vite.config.ts'),
        cacheDir,
        logLevel: 'silent',
        clearScreen: false,
        server: { host: '127.0.0.1', port: 0, strictPort: false },
      });
      await vite.listen();
    } finally {
      delete process.env['FRAMESCOPE_QUIET'];
    }
    port = (vite.httpServer!.address() as AddressInfo).port;
  }, 120_000);
  afterAll(async () => {
    await vite?.close();
    if (cacheDir) rmSync(cacheDir, { recursive: true, force: true });
  });

  async function connect(page: Page, protocols = ''): Promise<void> {
    await page.getByRole('heading', { level: 1, name: 'Playground' }).waitFor({ timeout: 90_000 });
    if (protocols) await page.getByLabel('Subprotocols').fill(protocols);
    await page.getByRole('button', { name: 'Connect', exact: true }).click();
    await page.getByRole('status').filter({ hasText: /^Connection 1: OPEN \(frames/ }).waitFor();
  }

  it('filters the list to the pings during a flood, searches text, and keeps the filter in the URL', { timeout: 240_000 }, async () => {
    const { page, errors } = await suite.open(`http://127.0.0.1:${port}/#/`, { viewport: { width: 1280, height: 900 } });
    await connect(page);
    const box = page.getByRole('textbox', { name: 'Text message' });
    await box.fill('hello alice');
    await box.press('Enter');
    const ping = page.getByRole('button', { name: 'Ask the server to ping' });
    await ping.click();
    await ping.click();
    const list = page.getByRole('listbox', { name: /^Frames on the wire/ });
    await list.getByRole('option', { name: /server to client, .*, ping,/ }).nth(1).waitFor();

    // A flood from the page's own socket, and the filter set while it runs.
    await page.evaluate(() => {
      const ws = (window as unknown as { ws: WebSocket }).ws;
      void (async () => {
        for (let i = 0; i < 20_000; i++) {
          ws.send('m' + i);
          if (i % 500 === 499) await new Promise((r) => setTimeout(r, 0));
        }
      })();
    });
    await page.getByRole('combobox', { name: 'Kind' }).selectOption('control');
    await page.getByRole('combobox', { name: 'Kind' }).selectOption('ping');
    const count = page.getByTestId('filter-count');
    await expect.poll(() => count.innerText(), { timeout: 60_000 }).toMatch(/^2 of [\d,]+ frames/);
    // Exactly the pings, while frames keep arriving (M grows, N stays 2).
    const options = list.getByRole('option');
    expect(await options.count()).toBe(2);
    for (const name of await options.evaluateAll((rows) => rows.map((row) => row.textContent ?? ''))) expect(name).toMatch(/server to client, .*, ping,/);
    expect(decodeURIComponent(await page.evaluate(() => location.hash))).toContain('kind=ping');
    // ↓ in the search box steps to a match: the selected frame is a ping.
    await page.getByRole('searchbox').press('ArrowDown');
    await expect.poll(() => page.getByRole('region', { name: 'Selected frame' }).innerText()).toMatch(/ping/i);
    await page.screenshot({ path: path.join(screenshotDir, 'find-pings-1280.png') });

    // A text search over every kind: the frame with "alice" (sent and echoed).
    await page.getByRole('combobox', { name: 'Kind' }).selectOption('all');
    await page.getByRole('searchbox').fill('ALICE');
    await expect.poll(() => count.innerText(), { timeout: 60_000 }).toMatch(/^2 of /);
    const hash = await page.evaluate(() => location.hash);
    expect(hash).toContain('find=ALICE');

    // The link shows the same view in a new tab.
    const other = await suite.open(`http://127.0.0.1:${port}/${hash.replace('find=ALICE', 'find=de+ad').replace(/$/, '&in=hex&dir=c2s')}`);
    await connect(other.page);
    expect(await other.page.getByRole('searchbox').inputValue()).toBe('de ad');
    expect(await other.page.getByRole('combobox', { name: 'Search as' }).inputValue()).toBe('hex');
    expect(await other.page.getByRole('combobox', { name: 'Direction' }).inputValue()).toBe('client-to-server');
    expect(other.errors).toEqual([]);
    expect(errors).toEqual([]);
  });

  it('offers subprotocols, shows the server’s choice and socket.protocol', { timeout: 120_000 }, async () => {
    const { page, errors } = await suite.open(`http://127.0.0.1:${port}/#/`);
    await connect(page, 'echo.v1, echo.v2');
    expect(await page.evaluate(() => (window as unknown as { ws: WebSocket }).ws.protocol)).toBe('echo.v2');
    const handshake = page.getByRole('region', { name: 'Opening handshake' });
    await handshake.getByTestId('subprotocol-chosen').filter({ hasText: 'echo.v2' }).waitFor();
    expect(await handshake.innerText()).toMatch(/Sec-WebSocket-Protocol: echo\.v1, echo\.v2/);
    expect(await handshake.innerText()).toMatch(/the client listed echo\.v1 first, but the choice is the server's/);
    for (const width of [390, 1920]) {
      await page.setViewportSize({ width, height: 900 });
      expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);
      await page.screenshot({ path: path.join(screenshotDir, `find-subprotocol-${width}.png`), fullPage: false });
    }
    expect(errors).toEqual([]);
  });

  it('a server naming a subprotocol not offered: the browser fails the connection', { timeout: 120_000 }, async () => {
    const { page } = await suite.open(`http://127.0.0.1:${port}/#/`);
    await page.getByRole('heading', { level: 1, name: 'Playground' }).waitFor({ timeout: 90_000 });
    const url = page.getByLabel('WebSocket URL');
    await url.fill(`${await url.inputValue()}?demo=wrong-subprotocol`);
    await page.getByLabel('Subprotocols').fill('echo.v1');
    await page.getByRole('button', { name: 'Connect', exact: true }).click();
    await page.getByRole('status').filter({ hasText: /^Connection 1: CLOSED/ }).waitFor();
    const handshake = page.getByRole('region', { name: 'Opening handshake' });
    await handshake.getByText(/The browser fails this connection/).waitFor();
  });

  it('binaryType: an ArrayBuffer or a Blob in the message event', { timeout: 120_000 }, async () => {
    const { page, errors } = await suite.open(`http://127.0.0.1:${port}/#/`);
    await connect(page);
    await page.getByLabel('binaryType').selectOption('blob');
    const carried = await page.evaluate(
      () =>
        new Promise<string>((resolve) => {
          const ws = (window as unknown as { ws: WebSocket }).ws;
          ws.addEventListener('message', (event) => resolve(Object.prototype.toString.call(event.data)), { once: true });
          ws.send(new Uint8Array([1, 2, 3]));
        }),
    );
    expect(carried).toBe('[object Blob]');
    await page.getByText('binary event.data is a Blob: await data.arrayBuffer() to read it').waitFor();
    await page.getByLabel('binaryType').selectOption('arraybuffer');
    expect(await page.evaluate(() => (window as unknown as { ws: WebSocket }).ws.binaryType)).toBe('arraybuffer');
    expect(errors).toEqual([]);
  });
});
