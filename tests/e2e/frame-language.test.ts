/**
 * The frame view in both languages, on the decoder page (static build): a fault told from the
 * codec's rule id and values in the reader's language, a field's explanation likewise, and the
 * RFC's field names kept with the Chinese beside them. The English is the codec's, word for word.
 */
import { mkdir } from 'node:fs/promises';
import type { Page } from 'playwright-core';
import { expect, it } from 'vitest';
import { useBuiltApp } from './app';
import { describeBrowser } from './browser';
import { screenshotDir } from './screenshots';

/** An unmasked text frame "Hello" sent by a client: RFC 6455 §5.1 says a server must refuse it. */
const UNMASKED_FROM_CLIENT = '#/decode?role=client&hex=810548656c6c6f';
/** A frame with the reserved opcode 0x3. */
const RESERVED_OPCODE = '#/decode?role=any&hex=830161';

describeBrowser('the frame view in Chinese and English', (suite) => {
  const app = useBuiltApp();
  const withLang = (hash: string, lang: string): string => app.url(hash).replace('index.html', `index.html?lang=${lang}`);

  async function frameArticle(page: Page, name: string) {
    const frame = page.getByRole('article', { name });
    await frame.waitFor({ timeout: 10_000 });
    return frame;
  }

  it('tells an unmasked client frame\'s fault and its fields in Chinese', async () => {
    const { page, errors } = await suite.open(withLang(UNMASKED_FROM_CLIENT, 'zh-CN'));
    expect(await page.evaluate(() => document.documentElement.lang)).toBe('zh-CN');
    const frame = await frameArticle(page, '从第 0 字节开始的帧');

    const fault = frame.getByRole('note', { name: '错误' });
    const faultText = (await fault.textContent()) ?? '';
    expect(faultText).toContain('错误位于第 1 字节：应以 1002 Protocol Error（协议错误）关闭连接');
    expect(faultText).toContain('这一帧没有掩码（MASK=0），但客户端发给服务器的每一帧都必须加掩码（RFC 6455 §5.1）。');
    expect(faultText).not.toContain('The frame is not masked');

    // The field table: the RFC's name with the Chinese beside it, and the explanation in Chinese.
    const mask = frame.locator('tr[data-field="mask"]');
    expect(await mask.locator('th').textContent()).toContain('MASK（掩码标志）');
    expect(await mask.locator('td').last().textContent()).toContain('载荷没有掩码。服务器的帧从不加掩码；客户端的帧必须加。');
    const length = frame.locator('tr[data-field="payload-length"]');
    expect(await length.locator('th').textContent()).toContain('Payload len（载荷长度）');
    expect(await length.locator('td').last().textContent()).toContain('载荷长 5 字节（0 到 125 用这 7 位就能表示）。');

    // The bit grid keeps the RFC's names in its cells; its names and tooltips are Chinese.
    const maskBit = frame.getByRole('button', { name: 'MASK：0，第 8 位，有错误', exact: true });
    expect(await maskBit.count()).toBe(1);
    // Values keep their numbers and bytes; their words are Chinese too.
    expect(await frame.locator('tr[data-field="opcode"] td.value').textContent()).toBe('0x1 文本');
    expect(await frame.locator('tr[data-field="payload"] td.value').textContent()).toMatch(/^5 字节："/);
    await frame.getByRole('button', { name: /^Opcode：0001 = 0x1 文本，第 4 到 7 位$/ }).focus();
    const tip = frame.getByRole('tooltip').filter({ hasText: '开始一条文本消息' });
    expect(await tip.isVisible()).toBe(true);
    expect(await tip.textContent()).toContain('Opcode（操作码）');

    await mkdir(screenshotDir, { recursive: true });
    await frame.evaluate((element) => window.scrollTo(0, element.getBoundingClientRect().top + window.scrollY - 8));
    await page.screenshot({ path: `${screenshotDir}frame-fault-zh.png` });
    expect(errors).toEqual([]);
  });

  it('tells a reserved opcode in Chinese', async () => {
    const { page, errors } = await suite.open(withLang(RESERVED_OPCODE, 'zh-CN'));
    const frame = await frameArticle(page, '从第 0 字节开始的帧');
    expect(await frame.getByRole('note', { name: '错误' }).textContent()).toContain('Opcode（操作码）0x3 保留给将来的数据帧；没有任何扩展定义它（RFC 6455 §5.2）。');
    expect(await frame.locator('tr[data-field="opcode"] td').last().textContent()).toContain('保留给将来的数据帧；没有扩展定义它时，接收方必须让连接失败。');
    expect(errors).toEqual([]);
  });

  it('says the same in English as the codec does', async () => {
    const { page, errors } = await suite.open(withLang(UNMASKED_FROM_CLIENT, 'en'));
    const frame = await frameArticle(page, 'Frame at byte 0');
    const faultText = (await frame.getByRole('note', { name: 'Fault' }).textContent()) ?? '';
    expect(faultText).toContain('Fault at byte 1: close with 1002 Protocol Error');
    expect(faultText).toContain('The frame is not masked (MASK=0), but a client must mask every frame it sends to a server (RFC 6455 §5.1).');
    const mask = frame.locator('tr[data-field="mask"]');
    expect((await mask.locator('th').textContent())?.trim()).toBe('⚠ MASK');
    expect(await mask.locator('td').last().textContent()).toContain('The payload is not masked. A server\u2019s frames never are; a client\u2019s must be.');
    expect(await frame.getByRole('button', { name: 'MASK: 0, bit 8, at fault', exact: true }).count()).toBe(1);
    expect(errors).toEqual([]);
  });
});
