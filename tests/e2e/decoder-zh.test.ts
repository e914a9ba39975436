/**
 * The decoder page in Simplified Chinese (`?lang=zh-CN`), in Chromium against the static build:
 * pasted junk says what and where in Chinese, a valid frame and a fault are counted in Chinese, a
 * broken capture file says what and at which byte. The screenshot (docs/screenshots/decoder-zh-CN.png
 * under `npm run screenshots`) is README's Chinese decoder.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { expect, it } from 'vitest';
import { useBuiltApp } from './app';
import { describeBrowser } from './browser';
import { screenshotDir } from './screenshots';

const FIXTURES = path.resolve(__dirname, '../fixtures/captures');

/** Wait for the status line to settle on a result matching `pattern`; its text. */
async function statusMatches(page: Page, pattern: RegExp): Promise<string> {
  const status = page.getByTestId('decoder-status');
  await status.filter({ hasText: pattern }).waitFor({ timeout: 10_000 });
  return ((await status.textContent()) ?? '').trim();
}

describeBrowser('decoder page in zh-CN (static build, no server)', (suite) => {
  const app = useBuiltApp();

  it('says what is wrong with pasted junk and where, then decodes a frame and a fault, in Chinese', async () => {
    const { page, errors } = await suite.open(app.url('?lang=zh-CN#/decode'));
    await page.getByRole('heading', { level: 1, name: '解码器' }).waitFor();
    expect(await page.evaluate(() => document.documentElement.lang)).toBe('zh-CN');

    // Junk on the second line: the line, the column, the character, and what hex is written with.
    const input = page.getByLabel('十六进制字节');
    await input.fill('81 85 37 fa\n21 3d zz 9f');
    expect(await statusMatches(page, /无法按十六进制读取/)).toMatch(/无法按十六进制读取：第 2 行第 7 列：意外的字符 'z'：十六进制字节只用数字 0-9 和字母 a-f 书写$/);
    const goTo = page.getByRole('button', { name: '跳到第 2 行第 7 列' });
    await goTo.click();
    expect(await input.evaluate((box: HTMLTextAreaElement) => box.value.slice(box.selectionStart, box.selectionEnd))).toBe('z');

    // A digit without its partner: the digit and the byte it would be.
    await input.fill('81 8');
    expect(await statusMatches(page, /第 1 行第 4 列/)).toContain("十六进制数字 '8' 没有配对：每个字节是两个十六进制数字（值为 8 的字节请写成 08）");

    // A valid frame: bytes, notation, frames and messages counted in Chinese.
    await input.fill('81 85 37 fa 21 3d 7f 9f 4d 51 58');
    expect(await statusMatches(page, /完整帧/)).toMatch(/11 字节（空格分隔的十六进制）：1 个完整帧，1 条消息。$/);
    const messages = page.getByRole('listbox', { name: '组装好的消息和控制帧' });
    await messages.getByRole('option', { name: /^文本消息，5 字节/ }).waitFor();

    // An unmasked frame from a client: the fault at its byte, the close code.
    await page.getByLabel('发送方向').selectOption('client');
    await input.fill('81 05 48 65 6c 6c 6f');
    const fault = await statusMatches(page, /出错/);
    expect(fault).toMatch(/7 字节（空格分隔的十六进制）：0 个完整帧，0 条消息。在字节偏移 1 处出错：.* 关闭码 1002 /);
    expect(errors).toEqual([]);
  });

  it('shows the examples in Chinese; the screenshot for README', async () => {
    const { page, errors } = await suite.open(app.url('?lang=zh-CN#/decode'), { colorScheme: 'dark', viewport: { width: 1280, height: 1600 } });
    await page.getByRole('heading', { level: 3, name: '有错误的帧' }).waitFor();
    await page.getByRole('button', { name: '被分片的 Ping' }).click();
    await page.getByText('两个分片之间有一个 FIN=0 的 Ping：控制帧不得分片（1002）。').waitFor();
    await statusMatches(page, /在字节偏移 5 处出错/);
    expect(await page.getByRole('listbox', { name: '帧，按字节流中的顺序' }).getByRole('option').count()).toBe(2);

    // A control frame between fragments: the frame list, the messages assembled, in Chinese.
    await page.getByRole('button', { name: '夹在分片之间的 Ping' }).click();
    await statusMatches(page, /^\s*✓?\s*\d+ 字节（空格分隔的十六进制）：3 个完整帧，2 条消息。$/);
    await page.getByRole('heading', { level: 2, name: '帧 3 行' }).waitFor();
    const messages = page.getByRole('listbox', { name: '组装好的消息和控制帧' });
    await messages.getByRole('option', { name: /^文本消息，5 字节，2 个分片\s*帧 #1, #3/ }).waitFor();
    await messages.getByRole('option', { name: /^Ping，6 字节\s*帧 #2\s*，夹在第 1 条消息的分片之间\s*“Hello\?”$/ }).waitFor();
    await page.evaluate(() => window.scrollTo(0, 0));
    // From the top to the end of the two lists (the frame's grid below is the frame view's own picture).
    const lists = await page.locator('.lists').boundingBox();
    await page.screenshot({ path: `${screenshotDir}decoder-zh-CN.png`, clip: { x: 0, y: 0, width: 1280, height: Math.ceil((lists?.y ?? 0) + (lists?.height ?? 900) + 16) } });
    expect(errors).toEqual([]);
  });

  it('fits a phone (390 px) in Chinese, a hex error shown', async () => {
    const { page, errors } = await suite.open(app.url('?lang=zh-CN#/decode'), { viewport: { width: 390, height: 844 } });
    await page.getByLabel('十六进制字节').fill('81 85 37 fa 21 3d 7f 9f 4d 51 58 zz');
    await page.getByRole('button', { name: /^跳到第 1 行第 \d+ 列$/ }).waitFor();
    await page.screenshot({ path: `${screenshotDir}decoder-zh-CN-phone.png`, fullPage: true });
    const wide = await page.evaluate(() =>
      [...document.querySelectorAll('body *')]
        .filter((el) => el.getBoundingClientRect().right > 391)
        .slice(0, 8)
        .map((el) => `${el.tagName}.${el.className} ${Math.round(el.getBoundingClientRect().right)}`),
    );
    expect(await page.evaluate(() => document.documentElement.scrollWidth), wide.join('; ')).toBeLessThanOrEqual(390);
    expect(errors).toEqual([]);
  });

  it('says what is wrong with a broken capture file and at which byte, in Chinese', async () => {
    const { page, errors } = await suite.open(app.url('?lang=zh-CN#/decode?view=capture'));
    const chooser = page.getByLabel('选择抓包文件');
    await chooser.setInputFiles({ name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('hello, this is not a capture') });
    await page
      .getByRole('alert')
      .filter({ hasText: /^这不是本页面能读取的抓包文件（位于文件的字节偏移 0）：它既不是 pcap 或 pcapng/ })
      .waitFor();

    // A JSON file that is not valid JSON: where it breaks once, and no advice on capturing a port.
    await chooser.setInputFiles({ name: 'broken.json', mimeType: 'application/json', buffer: Buffer.from('{"format": "framescope-capture",\n  oops\n}') });
    const alert = page.getByRole('alert').filter({ hasText: /JSON/ });
    await alert.waitFor();
    expect(await alert.innerText()).not.toMatch(/position|column \d+\).*column/);
    await page.getByText('没有从这个文件中读出任何内容。').waitFor();
    expect(await page.getByText(/端口/).count()).toBe(0);

    const whole = readFileSync(path.join(FIXTURES, 'echo-lo.pcapng'));
    await chooser.setInputFiles({ name: 'cut.pcapng', mimeType: 'application/octet-stream', buffer: whole.subarray(0, whole.length - 50) });
    await page
      .getByRole('alert')
      .filter({ hasText: /^文件被截断了（位于文件的字节偏移 [\d,]+）：文件在第 [\d,]+ 个块中间结束了：块头声明有 [\d,]+ 字节，实际只有 [\d,]+ 字节。$/ })
      .waitFor();
    // What was before the cut is still shown, its connection described in Chinese.
    await page.getByText(/^WebSocket 连接：/).waitFor();
    await page.getByRole('listbox', { name: '这个连接的帧' }).waitFor();
    expect(errors).toEqual([]);
  });
});
