/**
 * The playground in Simplified Chinese (`?lang=zh-CN`), in Chromium against the built app served
 * by the real server: connect, send, run a demonstration, and read it all in Chinese; then switch
 * the header to English while connected: the socket stays OPEN and the page speaks English
 * without a reload. At 390 px the Chinese text wraps instead of pushing the page sideways.
 * Screenshots (npm run screenshots): docs/screenshots/playground-zh-1280.png, playground-zh-390.png.
 */
import { screenshotDir } from './screenshots';
import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createFramescopeServer, type FramescopeServer } from '../../server/server';
import { builtAppDir } from './app';
import { describeBrowser } from './browser';

/** The status line under the connection bar ("连接 1：OPEN（帧来自 inspector 监听）。"). */
function status(page: Page): Locator {
  return page.getByRole('status').filter({ hasText: /^(连接|Connection) \d+[：:]/ });
}

async function sendText(page: Page, label: string, text: string): Promise<void> {
  const box = page.getByRole('textbox', { name: label });
  await box.fill(text);
  await box.press('Enter');
  await expect.poll(() => box.inputValue()).toBe('');
}

/** The browser logs each connection it fails on purpose; anything else is the page's fault. */
function pageErrors(errors: string[]): string[] {
  return errors.filter((error) => !/WebSocket connection to .* failed/.test(error));
}

describeBrowser('playground in Simplified Chinese', (suite) => {
  let server: FramescopeServer;
  let port = 0;
  const url = (): string => `http://127.0.0.1:${port}/index.html?lang=zh-CN#/`;

  beforeAll(async () => {
    server = createFramescopeServer({ quiet: true, staticDir: builtAppDir(), pingInterval: 0, idleTimeout: 0 });
    port = (await server.listen(0, '127.0.0.1')).port;
  });
  afterAll(async () => {
    await server?.close({ timeout: 500 });
  });

  it('connects, sends and runs a demonstration in Chinese, then switches to English while connected without a reload', async () => {
    const { page, errors } = await suite.open(url(), { viewport: { width: 1280, height: 900 } });
    await page.getByRole('heading', { level: 1, name: '实验台' }).waitFor();
    expect(await page.evaluate(() => document.documentElement.lang)).toBe('zh-CN');
    await page.getByText('未连接。').waitFor();

    await page.getByRole('button', { name: '连接', exact: true }).click();
    await expect.poll(() => status(page).innerText()).toBe('连接 1：OPEN（帧来自 inspector 监听）。');
    await sendText(page, '文本消息', '你好');

    // The frame list, named in Chinese with its count: the client's frame and the server's echo.
    const list = page.getByRole('listbox', { name: /^线路上的帧/ });
    await expect.poll(async () => /(\d+)/.exec((await list.getAttribute('aria-label')) ?? '')?.[1]).toBe('2');
    const kept = page.locator('section.frames .toolbar > .count');
    expect(await kept.innerText()).toMatch(/^保留 2 \/ [\d,]+$/);
    expect(await page.getByRole('heading', { level: 2, name: '线路上的帧' }).count()).toBe(1);

    // A demonstration: its explanation beside the button, then the page's words for what the browser did.
    const demos = page.getByRole('region', { name: '服务器演示' });
    const masked = demos.getByRole('button', { name: '服务器帧带掩码' });
    const why = '服务器给一个文本帧加了掩码。服务器绝不能加掩码，客户端一旦看到带掩码的帧，就必须让连接失败。';
    expect(await demos.getByText(why).count()).toBe(1);
    await masked.click();
    // Chromium fails the connection (RFC 6455 §5.1): the page says so, quoting the rule in Chinese.
    await expect.poll(() => status(page).innerText(), { timeout: 10_000 }).toMatch(/^连接 1：CLOSED/);
    const explanation = page.locator('.explain');
    await expect.poll(() => explanation.innerText(), { timeout: 10_000 }).toContain('服务器帧带掩码');
    expect(await explanation.innerText()).toContain(why);
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.screenshot({ path: `${screenshotDir}playground-zh-1280.png` });

    // Connected again, then the header's switch to English: the same page, the same open socket.
    await page.getByRole('button', { name: /^(连接|重新连接)$/ }).click();
    await expect.poll(() => status(page).innerText()).toBe('连接 2：OPEN（帧来自 inspector 监听）。');
    await page.evaluate(() => ((window as unknown as { stayed: boolean }).stayed = true));
    await page.getByRole('combobox', { name: '语言' }).selectOption('en');

    await page.getByRole('heading', { level: 1, name: 'Playground' }).waitFor();
    expect(await status(page).innerText()).toBe('Connection 2: OPEN (frames from the inspector tap).');
    expect(await page.evaluate(() => (window as unknown as { stayed?: boolean }).stayed)).toBe(true);
    expect(await page.evaluate(() => (window as unknown as { ws: WebSocket }).ws.readyState)).toBe(WebSocketOpen);
    expect(await page.getByRole('region', { name: 'Server demonstrations' }).getByText('The server masks a text frame. A server must never mask').count()).toBe(1);
    expect(await page.getByRole('heading', { level: 2, name: 'Frames on the wire' }).count()).toBe(1);
    expect(await page.getByRole('listbox', { name: /^Frames on the wire/ }).count()).toBe(1);
    expect(await kept.innerText()).toMatch(/^[\d,]+ \/ [\d,]+ kept$/);
    expect(await page.getByText('线路上的帧').count()).toBe(0);

    // Still the same connection: a message goes through it, counted in English.
    await sendText(page, 'Text message', 'Hello');
    await page.getByText('Sent a text message of 5 bytes.').waitFor({ state: 'attached' });
    expect(await status(page).innerText()).toBe('Connection 2: OPEN (frames from the inspector tap).');
    expect(pageErrors(errors)).toEqual([]);
  });

  it('fits Chinese text in 390 px without sideways scrolling', async () => {
    const { page, errors } = await suite.open(url(), { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
    await page.getByRole('heading', { level: 1, name: '实验台' }).waitFor();
    await page.getByRole('button', { name: '连接', exact: true }).click();
    await expect.poll(() => status(page).innerText()).toMatch(/^连接 1：OPEN/);
    await sendText(page, '文本消息', '你好，WebSocket');
    const list = page.getByRole('listbox', { name: /^线路上的帧/ });
    await expect.poll(async () => /(\d+)/.exec((await list.getAttribute('aria-label')) ?? '')?.[1]).toBe('2');
    await page.getByRole('button', { name: '服务器帧带掩码' }).click();
    await expect.poll(() => page.locator('.explain').innerText(), { timeout: 10_000 }).toContain('服务器帧带掩码');

    const overflow = await page.evaluate(() => {
      const width = document.documentElement.clientWidth;
      const wide = [...document.querySelectorAll('body *')]
        .filter((element) => element.getBoundingClientRect().right > width + 1 && getComputedStyle(element).position !== 'fixed')
        .filter((element) => !element.closest('[class*="scroll"], pre, .hex, .bar'))
        .map((element) => `${element.tagName.toLowerCase()}.${element.className}`);
      return { scroll: document.documentElement.scrollWidth, width, wide: wide.slice(0, 5) };
    });
    expect(overflow.scroll, `wider than the screen: ${overflow.wide.join(', ')}`).toBeLessThanOrEqual(overflow.width);
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.screenshot({ path: `${screenshotDir}playground-zh-390.png`, fullPage: false });
    expect(pageErrors(errors)).toEqual([]);
  });
});

/** `WebSocket.OPEN`, for the page's socket read from Node. */
const WebSocketOpen = 1;
