/**
 * The lesson in Firefox (Debian's firefox-esr over WebDriver BiDi): the playground's connect, send,
 * frames and handshake panel; the decoder; the chat between a Firefox user and a Chromium user.
 * The demonstrations in Firefox are in browsers-compared.test.ts. One Firefox for the file.
 */
import type { Page } from 'puppeteer-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createFramescopeServer, type FramescopeServer } from '../../server/server';
import { builtAppDir } from './app';
import { clickButton, connect, explanation, labelled, seen, sendText } from './pages';
import { describePuppeteer } from './puppeteer';

/** The accessible names of the frame list's rows (their visually hidden sentence; not the sequence diagram's). */
function rows(page: Page): Promise<string[]> {
  return page.evaluate(() => [...document.querySelectorAll('[role="listbox"][aria-label^="Frames on the wire"] [role="option"] .visually-hidden')].map((r) => r.textContent ?? ''));
}

const text = (page: Page): Promise<string> => page.evaluate(() => document.body.innerText);

describePuppeteer('firefox: playground, decoder, and a chat with a Chromium user', ['firefox', 'chromium'], (suites) => {
  let server: FramescopeServer;
  let port = 0;
  const url = (hash: string): string => `http://127.0.0.1:${port}/index.html${hash}`;

  beforeAll(async () => {
    server = createFramescopeServer({ quiet: true, staticDir: builtAppDir(), pingInterval: 0, idleTimeout: 0 });
    port = (await server.listen(0, '127.0.0.1')).port;
  });
  afterAll(async () => {
    await server?.close({ timeout: 500 });
  });

  it('playground: connects, sends "Hello", shows both frames, the handshake and the close', async () => {
    const { page, errors } = await suites.firefox.open(url('#/'));
    expect(await page.evaluate(() => navigator.userAgent)).toMatch(/Firefox\/\d+/);
    await page.waitForFunction(() => document.querySelector('h1')?.textContent === 'Playground', { timeout: 20_000 });
    expect(await page.$eval(await labelled(page, 'WebSocket URL'), (input) => (input as HTMLInputElement).value)).toBe(`ws://127.0.0.1:${port}/echo`);
    await connect(page);
    await sendText(page, 'Hello');
    await expect.poll(() => rows(page)).toEqual([
      expect.stringMatching(/client to server, .*, text, FIN 1, MASK 1, 5 bytes, “Hello”/),
      expect.stringMatching(/server to client, .*, text, FIN 1, MASK 0, 5 bytes, “Hello”/),
    ]);
    // The newest frame is selected: the echo's bit grid, MASK 0.
    await page.waitForSelector('button[aria-label^="MASK: 0"]', { timeout: 10_000 });
    // Firefox's handshake: Sec-WebSocket-Accept computed in the page matches the server's.
    await page.waitForFunction(() => document.body.innerText.includes('Matches the server’s Sec-WebSocket-Accept'), { timeout: 10_000 });
    expect(await text(page)).toMatch(/User-Agent: Mozilla\/5\.0 .*Firefox\/\d+/);
    // Disconnect with 1000: the close event, and the page's words for it.
    await page.select(await labelled(page, 'Close code'), '1000');
    await clickButton(page, /^Disconnect$/);
    await expect.poll(async () => (await seen(page)).close).toEqual({ code: 1000, wasClean: true });
    await expect.poll(() => explanation(page)).toMatch(/^Closed with 1000 \(Normal Closure\)\./);
    await expect.poll(() => rows(page)).toContainEqual(expect.stringMatching(/client to server, .*, close, .*code 1000/));
    expect(errors).toEqual([]);
  });

  it('decoder: the masked "Hello" of RFC 6455 §5.7, field by field', async () => {
    const { page, errors } = await suites.firefox.open(url('#/decode'));
    const hex = await page.waitForSelector('textarea', { timeout: 20_000 });
    await page.type(await labelled(page, 'Bytes as hex'), '81 85 37 fa 21 3d 7f 9f 4d 51 58');
    expect(hex).not.toBeNull();
    await page.waitForFunction(() => document.body.innerText.includes('1 complete frame'), { timeout: 10_000 });
    const value = (key: string): Promise<string> =>
      page.$eval(`tr[data-field="${key}"] td.value`, (cell) => cell.textContent?.trim() ?? '');
    expect(await value('fin')).toBe('1');
    expect(await value('opcode')).toBe('0x1 text');
    expect(await value('mask')).toBe('1');
    expect(await value('payload-length')).toBe('5');
    expect(await value('masking-key')).toBe('37 fa 21 3d');
    expect(await page.$eval('[aria-label="Payload as text"]', (p) => p.textContent?.trim())).toBe('Hello');
    expect(errors).toEqual([]);
  });

  it('chat: a Firefox user and a Chromium user talk, each sees the other join and speak', async () => {
    const fox = await suites.firefox.open(url('#/chat'));
    const chrome = await suites.chromium.open(url('#/chat'));
    async function join(page: Page, name: string): Promise<void> {
      const box = await labelled(page, 'Nickname');
      await page.waitForFunction((s: string) => !(document.querySelector('form.nickname button') as HTMLButtonElement | null)?.disabled && !!document.querySelector(s), { timeout: 20_000 }, box);
      // The field offers a guest name: replace it, as a user does.
      await page.$eval(box, (input) => (input as HTMLInputElement).select());
      await page.type(box, name);
      await expect.poll(() => page.$eval(box, (input) => (input as HTMLInputElement).value)).toBe(name);
      await page.keyboard.press('Enter');
      await logHas(page, `You joined as ${name}`);
    }
    const logHas = async (page: Page, line: string): Promise<void> => {
      const log = (): Promise<string> => page.evaluate(() => (document.querySelector('[role="log"][aria-label="Messages"]') as HTMLElement | null)?.innerText ?? '');
      await expect.poll(log, { timeout: 15_000 }).toContain(line);
    };
    async function say(page: Page, line: string): Promise<void> {
      const box = await labelled(page, 'Message');
      await page.type(box, line);
      await page.keyboard.press('Enter');
    }
    await join(fox.page, 'Fiona');
    await join(chrome.page, 'Chris');
    await logHas(fox.page, 'Chris joined');
    await say(fox.page, 'Hello from Firefox');
    await logHas(chrome.page, 'Hello from Firefox');
    await say(chrome.page, 'Hello from Chromium');
    await logHas(fox.page, 'Hello from Chromium');
    expect(fox.errors).toEqual([]);
    expect(chrome.errors).toEqual([]);
  });
});
