/**
 * The playground watching a student's server through /proxy, in Chromium against the built app
 * and the real server: the "Watch through Framescope" offer, the target's frames in the same list
 * and grid, its fault pinned, the 101 checked step by step; and the clear messages when the target
 * is not allowed or not listening. The students' servers are small raw `node:net` servers written
 * here, each with the flaw a first hand-written server often has.
 * Screenshots (npm run screenshots) go to docs/screenshots/proxy-*.png.
 */
import { createHash } from 'node:crypto';
import net from 'node:net';
import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { computeAccept } from '../../src/protocol';
import { createFramescopeServer, type FramescopeServer } from '../../server/server';
import { builtAppDir } from './app';
import { describeBrowser, type BrowserSuite, type OpenedPage } from './browser';
import { screenshotDir } from './screenshots';

/**
 * A first WebSocket server as students write it: it answers the handshake correctly, then takes
 * each recv() as exactly one frame and "echoes" it by sending the received bytes straight back,
 * still masked. A server must never mask (RFC 6455 §5.1), so the browser fails the connection.
 */
function echoesMaskedFrames(): net.Server {
  return net.createServer((socket) => {
    socket.on('error', () => {});
    let handshaken = false;
    socket.on('data', (chunk: Buffer) => {
      if (!handshaken) {
        const key = /sec-websocket-key:\s*(\S+)/i.exec(chunk.toString('latin1'))?.[1] ?? '';
        socket.write(`HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${computeAccept(key)}\r\n\r\n`);
        handshaken = true;
        return;
      }
      socket.write(chunk); // the bug: the client's masked frame, sent back as it came
    });
  });
}

/** A server whose 101 has the Sec-WebSocket-Accept of the RFC's example key, whatever the key. */
function wrongAccept(): net.Server {
  return net.createServer((socket) => {
    socket.on('error', () => {});
    socket.once('data', () =>
      socket.write('HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n\r\n'),
    );
  });
}

/**
 * PHP's `sha1()` without `true` (Python's `.hexdigest()`): the Sec-WebSocket-Accept is the base64 of
 * the 40-character hex SHA-1, not of its 20 bytes. A long value with no break point in it.
 */
function hexAccept(): net.Server {
  return net.createServer((socket) => {
    socket.on('error', () => {});
    socket.once('data', (chunk: Buffer) => {
      const key = /sec-websocket-key:\s*(\S+)/i.exec(chunk.toString('latin1'))?.[1] ?? '';
      const hex = createHash('sha1').update(`${key}258EAFA5-E914-47DA-95CA-C5AB0DC85B11`).digest('hex');
      socket.write(`HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${Buffer.from(hex).toString('base64')}\r\n\r\n`);
    });
  });
}

async function listen(server: net.Server): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as net.AddressInfo).port;
}

function frameList(page: Page): Locator {
  return page.getByRole('listbox', { name: /^Frames on the wire/ });
}

async function openPlayground(suite: BrowserSuite, url: string, colorScheme: 'light' | 'dark' = 'light'): Promise<OpenedPage> {
  const opened = await suite.open(url, { colorScheme });
  await opened.page.getByRole('heading', { level: 1, name: 'Playground' }).waitFor();
  return opened;
}

/** Console errors other than Chromium's own line about a connection it failed on purpose. */
function unexpected(errors: string[]): string[] {
  return errors.filter((e) => !/WebSocket connection to .* failed/.test(e));
}

describeBrowser('the playground watching your own server through /proxy', (suite) => {
  let server: FramescopeServer;
  let port = 0;
  const targets: net.Server[] = [];
  let maskedPort = 0;
  let acceptPort = 0;
  let hexPort = 0;
  let closedPort = 0;
  let excludedPort = 0;
  const url = (): string => `http://127.0.0.1:${port}/index.html#/`;

  beforeAll(async () => {
    const masked = echoesMaskedFrames();
    const accept = wrongAccept();
    const excluded = echoesMaskedFrames();
    const hex = hexAccept();
    targets.push(masked, accept, excluded, hex);
    hexPort = await listen(hex);
    maskedPort = await listen(masked);
    acceptPort = await listen(accept);
    excludedPort = await listen(excluded);
    const gone = net.createServer();
    closedPort = await listen(gone);
    await new Promise<void>((resolve) => gone.close(() => resolve()));
    server = createFramescopeServer({
      quiet: true,
      staticDir: builtAppDir(),
      pingInterval: 0,
      idleTimeout: 0,
      // Every port of this machine but the one the test keeps out.
      allowUpstream: [`127.0.0.1:${maskedPort}`, `127.0.0.1:${acceptPort}`, `127.0.0.1:${closedPort}`, `127.0.0.1:${hexPort}`],
    });
    port = (await server.listen(0, '127.0.0.1')).port;
  });
  afterAll(async () => {
    await server?.close({ timeout: 500 });
    for (const t of targets) t.close();
  });

  for (const scheme of ['light', 'dark'] as const) {
    it(`shows the server's frames and pins its masked frame (${scheme})`, async () => {
      const { page, errors } = await openPlayground(suite, url(), scheme);
      await page.getByLabel('WebSocket URL').fill(`ws://127.0.0.1:${maskedPort}/`);
      const offer = page.getByRole('checkbox', { name: 'Watch through Framescope' });
      await expect.poll(() => offer.isEnabled()).toBe(true);
      expect(await offer.isChecked()).toBe(true);
      await page.getByText(`opens TCP to 127.0.0.1:${maskedPort} for you`).waitFor();

      await page.getByRole('button', { name: 'Connect', exact: true }).click();
      await expect.poll(() => page.getByRole('status').filter({ hasText: /^Connection 1: OPEN/ }).count()).toBe(1);
      const box = page.getByRole('textbox', { name: 'Text message' });
      await box.fill('Hello');
      await box.press('Enter');

      // The browser's frame, and the server's answer: the same bytes, masked, pinned as a fault.
      const list = frameList(page);
      await list.getByRole('option', { name: /client to server, .*, text, FIN 1, MASK 1, 5 bytes, “Hello”/ }).waitFor();
      const bad = list.getByRole('option', { name: /server to client, .*, text, FIN 1, MASK 1, .*fault, close 1002/ });
      await bad.waitFor();
      await bad.click();
      const selected = page.getByRole('region', { name: 'Selected frame' });
      const fault = selected.getByRole('note', { name: 'Fault' });
      await fault.waitFor();
      expect(await fault.innerText()).toMatch(/Fault at byte 1: close with 1002 Protocol Error/);
      expect(await fault.innerText()).toMatch(/a server must not mask the frames it sends to a client \(RFC 6455 §5\.1\)/);

      // The page says what happened, in the student's words.
      await page.getByRole('status').filter({ hasText: 'Your server broke RFC 6455 §5.1 at byte 1' }).waitFor();
      // The proxy's report: every step of the 101 passed, the fault listed.
      const report = page.getByRole('region', { name: 'Your server, through the proxy' });
      const steps = report.getByRole('list', { name: /Your server’s 101/ });
      expect(await steps.getByRole('listitem').count()).toBe(7);
      expect(await steps.innerText()).not.toMatch(/✗/);
      expect(await report.innerText()).toMatch(/Fault, byte 1 \(your server → browser\), close 1002/);
      expect(await report.innerText()).toMatch(/stopped decoding your server's bytes at byte 0/);
      // Demonstrations need this page's own server: through the proxy Framescope only relays.
      expect(await page.getByText('Through /proxy Framescope only relays').count()).toBeGreaterThan(0);

      // README's picture: the page from the URL to the frame list, the fault explained.
      await page.setViewportSize({ width: 1280, height: 960 });
      await page.evaluate(() => window.scrollTo(0, 0));
      await page.screenshot({ path: `${screenshotDir}proxy-fault-${scheme}.png` });
      await page.evaluate(() => {
        document.getElementById('frame-title')?.closest('section')?.scrollIntoView();
        window.scrollBy(0, -12);
      });
      await page.screenshot({ path: `${screenshotDir}proxy-frame-${scheme}.png` });
      await page.evaluate(() => {
        document.getElementById('proxy-title')?.closest('section')?.scrollIntoView();
        window.scrollBy(0, -12);
      });
      await page.screenshot({ path: `${screenshotDir}proxy-report-${scheme}.png` });
      // A phone: the offer and the report wrap within 390 px (what else the page does at 390 px is
      // the playground layout's business, issue 12).
      await page.setViewportSize({ width: 390, height: 844 });
      const widest = await page.evaluate(() => {
        const offer = document.querySelector('.offer');
        const report = document.getElementById('proxy-title')?.closest('section');
        return Math.max(...[offer, report].flatMap((root) => (root ? [root, ...root.querySelectorAll('*')] : [])).map((e) => e.getBoundingClientRect().right));
      });
      expect(widest).toBeLessThanOrEqual(390);
      expect(unexpected(errors)).toEqual([]);
    });
  }

  it('a wrong Sec-WebSocket-Accept: the page names the step the browser refused', async () => {
    const { page, errors } = await openPlayground(suite, url());
    await page.getByLabel('WebSocket URL').fill(`ws://127.0.0.1:${acceptPort}/chat`);
    await expect.poll(() => page.getByRole('checkbox', { name: 'Watch through Framescope' }).isChecked()).toBe(true);
    await page.getByRole('button', { name: 'Connect', exact: true }).click();
    await page.getByRole('status').filter({ hasText: 'The browser refused your server\'s 101: Sec-WebSocket-Accept' }).waitFor();
    const report = page.getByRole('region', { name: 'Your server, through the proxy' });
    await report.getByText(/✗\s*Sec-WebSocket-Accept/).waitFor();
    expect(unexpected(errors)).toEqual([]);
  });

  it('a hex Sec-WebSocket-Accept, at 390 px: named as such, and the long value wraps (no sideways scroll)', async () => {
    const { page, errors } = await openPlayground(suite, url());
    await page.setViewportSize({ width: 390, height: 844 });
    await page.getByLabel('WebSocket URL').fill(`ws://127.0.0.1:${hexPort}/chat`);
    await expect.poll(() => page.getByRole('checkbox', { name: 'Watch through Framescope' }).isChecked()).toBe(true);
    await page.getByRole('button', { name: 'Connect', exact: true }).click();
    const status = page.getByRole('status').filter({ hasText: 'The browser refused your server\'s 101: Sec-WebSocket-Accept' });
    await status.waitFor();
    expect(await status.innerText()).toMatch(/you encoded the hex digest, not the 20 raw bytes/);
    const report = page.getByRole('region', { name: 'Your server, through the proxy' });
    await report.getByText(/✗\s*Sec-WebSocket-Accept/).waitFor();
    // The handshake panel shows the value the server sent beside the one it should have sent.
    await page.getByText('Server sent').first().waitFor();
    const width = await page.evaluate(() => ({ scroll: document.documentElement.scrollWidth, client: document.documentElement.clientWidth }));
    expect(width.scroll).toBeLessThanOrEqual(width.client);
    await page.screenshot({ path: `${screenshotDir}proxy-hex-accept-390.png`, fullPage: true });
    expect(unexpected(errors)).toEqual([]);
  });

  it('in Chinese (?lang=zh-CN): the refused 101 and every step are told in Chinese, the hex slip named', async () => {
    const { page, errors } = await suite.open(url().replace('index.html#/', 'index.html?lang=zh-CN#/'));
    await page.getByRole('heading', { level: 1 }).first().waitFor();
    await page.getByLabel('WebSocket URL').fill(`ws://127.0.0.1:${hexPort}/chat`);
    await expect.poll(() => page.getByRole('checkbox', { name: '通过 Framescope 监视' }).isChecked()).toBe(true);
    await page.getByRole('button', { name: '连接', exact: true }).click();
    const status = page.getByRole('status').filter({ hasText: '浏览器拒绝了你服务器的 101：Sec-WebSocket-Accept' });
    await status.waitFor();
    const said = await status.innerText();
    expect(said).toContain('你编码的是十六进制摘要，而不是 20 个原始字节');
    expect(said).not.toMatch(/Sec-WebSocket-Accept\. |is '|, but the key|you encoded/);
    const report = page.getByRole('region', { name: '你的服务器（经由代理）' });
    await report.getByText(/✗\s*Sec-WebSocket-Accept/).waitFor();
    const steps = await report.locator('ol.steps').innerText();
    expect(steps).toContain('响应是格式正确的 HTTP/1.1 头部。');
    expect(steps).toContain('没有选择扩展。');
    expect(steps).not.toMatch(/well-formed|No extension chosen|No subprotocol chosen|you encoded/);
    expect(unexpected(errors)).toEqual([]);
  });

  it('a server that is not running: the page says so, no hang', async () => {
    const { page, errors } = await openPlayground(suite, url());
    await page.getByLabel('WebSocket URL').fill(`ws://127.0.0.1:${closedPort}/`);
    await expect.poll(() => page.getByRole('checkbox', { name: 'Watch through Framescope' }).isChecked()).toBe(true);
    await page.getByRole('button', { name: 'Connect', exact: true }).click();
    const explanation = page.getByRole('status').filter({ hasText: 'Framescope could not reach your server (HTTP 502)' });
    await explanation.waitFor();
    expect(await explanation.innerText()).toMatch(/ECONNREFUSED\)\. Is your server running/);
    expect(unexpected(errors)).toEqual([]);
  });

  it('a server the allow list keeps out: the offer is off, with the reason; Connect goes straight (messages only)', async () => {
    const { page, errors } = await openPlayground(suite, url());
    await page.getByLabel('WebSocket URL').fill(`ws://127.0.0.1:${excludedPort}/`);
    await page.getByText(`127.0.0.1 port ${excludedPort} is not an allowed target`).waitFor();
    const offer = page.getByRole('checkbox', { name: 'Watch through Framescope' });
    expect(await offer.isDisabled()).toBe(true);
    expect(await offer.isChecked()).toBe(false);
    await page.getByRole('button', { name: 'Connect', exact: true }).click();
    await page.getByRole('note').filter({ hasText: /Framescope may not watch it/ }).first().waitFor();
    expect(unexpected(errors)).toEqual([]);
  });
});
