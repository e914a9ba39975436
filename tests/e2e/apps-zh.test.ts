/**
 * The chat room, "Why WebSocket" and the conformance page in Simplified Chinese (`?lang=zh-CN`), in
 * Chromium against the built app served by the real server (as `npm start`): the page's own words
 * come from the zh-CN catalogues, the server's refusals are said by the page in Chinese, and a
 * switch to English changes the words of a live chat without a reload. Screenshots
 * (npm run screenshots): docs/screenshots/chat-zh.png.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { CASES, parseTarget, runConformance, selectCases } from '../../conformance/index';
import { createFramescopeServer, type FramescopeServer } from '../../server/server';
import { builtAppDir } from './app';
import { describeBrowser, type BrowserSuite, type OpenedPage } from './browser';
import { startPingAsTextServer, type Running } from './ping-as-text-server';
import { screenshotDir } from './screenshots';

function log(page: Page) {
  return page.getByRole('log', { name: '消息' });
}

/** Opens the chat in Chinese, waits for the server's suggestion, joins as `name`. */
async function joinChat(suite: BrowserSuite, url: string, name: string, options = {}): Promise<OpenedPage> {
  const opened = await suite.open(url, options);
  const { page } = opened;
  const nickname = page.getByLabel('昵称');
  await expect.poll(() => nickname.inputValue()).toMatch(/^guest-[0-9a-f]{4}$/);
  await nickname.fill(name);
  await page.getByRole('button', { name: '进入', exact: true }).click();
  await log(page).getByText(`你以 ${name} 的身份进入了`, { exact: true }).waitFor();
  return opened;
}

async function say(page: Page, text: string): Promise<void> {
  const composer = page.getByRole('textbox', { name: '消息' });
  await composer.fill(text);
  await composer.press('Enter');
  await expect.poll(() => composer.inputValue()).toBe('');
}

describeBrowser('the chat, Why WebSocket and the conformance page in Chinese', (suite) => {
  let server: FramescopeServer;
  let flawed: Running;
  let port = 0;
  let reportFile = '';
  const url = (hash: string): string => `http://127.0.0.1:${port}/index.html?lang=zh-CN${hash}`;

  beforeAll(async () => {
    flawed = await startPingAsTextServer();
    server = createFramescopeServer({ quiet: true, staticDir: builtAppDir(), pingInterval: 0, idleTimeout: 0, allowUpstream: `127.0.0.1:${flawed.port}` });
    port = (await server.listen(0, '127.0.0.1')).port;
    const target = parseTarget(`ws://127.0.0.1:${flawed.port}/`);
    const selection = selectCases(CASES, '1.1.1,2.2,3.1');
    if (!target.ok || !selection.ok) throw new Error('bad test setup');
    const { report } = await runConformance({ target: target.target, cases: selection.cases });
    reportFile = join(mkdtempSync(join(tmpdir(), 'framescope-report-zh-')), 'report.json');
    writeFileSync(reportFile, JSON.stringify(report));
  });
  afterAll(async () => {
    flawed?.close();
    await server?.close({ timeout: 500 });
  });

  it('chat: joins with a nickname, and says the room\'s refusals in Chinese', async () => {
    const mei = await joinChat(suite, url('#/chat'), '小美');
    const { page, errors } = await suite.open(url('#/chat'));
    await page.getByRole('heading', { level: 1, name: '聊天室' }).waitFor();
    await page.getByRole('heading', { level: 2, name: '进入聊天室' }).waitFor();
    await expect.poll(() => page.getByRole('status').first().textContent()).toBe('已连接。选一个昵称进入聊天室。');

    // A taken nickname: the server sends the code and a free suggestion; the page says it in Chinese.
    const nickname = page.getByLabel('昵称');
    await expect.poll(() => nickname.inputValue()).toMatch(/^guest-/);
    await nickname.fill('小美');
    await page.getByRole('button', { name: '进入', exact: true }).click();
    const refusal = page.locator('#chat-nickname-error');
    await expect.poll(() => refusal.textContent()).toMatch(/^聊天室里已经有人叫 小美 了。试试 (\S+)？$/);
    const suggested = (await refusal.textContent())!.match(/试试 (\S+)？/)![1]!;
    expect(await nickname.inputValue()).toBe(suggested);
    expect(await nickname.getAttribute('aria-invalid')).toBe('true');

    // Joining with the suggestion; the first page sees it in its own log.
    await page.getByRole('button', { name: '进入', exact: true }).click();
    await log(page).getByText(`你以 ${suggested} 的身份进入了`, { exact: true }).waitFor();
    await log(mei.page).getByText(`${suggested} 进入了`, { exact: true }).waitFor();
    await page.getByRole('region', { name: /聊天室里的人/ }).getByRole('button', { name: '给 小美 发私信' }).waitFor();

    // A private message to someone not in the room: the server refuses it, the page says why in Chinese.
    const composer = page.getByRole('textbox', { name: '消息' });
    await composer.fill('@小明 你好');
    await composer.press('Enter');
    const error = page.locator('#chat-composer-error');
    await expect.poll(() => error.textContent()).toMatch(/^聊天室里没有叫 小明 的人。/);
    expect(await composer.inputValue()).toBe('@小明 你好');

    // Too long for the room (2,000 characters): refused before it is sent, in Chinese.
    await composer.fill('长'.repeat(2001));
    await composer.press('Enter');
    await expect.poll(() => error.textContent()).toBe('太长了：2,001 个字符；聊天室最多接受 2,000 个。');

    await say(page, '大家好！');
    await log(mei.page).getByText('大家好！', { exact: true }).waitFor();
    await say(mei.page, `@${suggested} 悄悄话`);
    await log(page).getByText('给你的私信').waitFor();
    await log(mei.page).getByText(`私信给 ${suggested}`).waitFor();
    await page.screenshot({ path: `${screenshotDir}chat-zh.png` });

    // The switch in the header: the same live chat in English, no reload, nothing lost.
    await page.getByRole('combobox', { name: '语言' }).selectOption('en');
    const english = page.getByRole('log', { name: 'Messages' });
    await english.getByText(`You joined as ${suggested}`, { exact: true }).waitFor();
    await english.getByText('Private to you').waitFor();
    await page.getByRole('button', { name: 'Leave the room' }).waitFor();
    expect(await page.getByRole('textbox', { name: 'Message' }).count()).toBe(1);
    expect(errors).toEqual([]);
    expect(mei.errors).toEqual([]);
    for (const p of [page, mei.page]) await p.close();
  });

  it('Why WebSocket: headings, settings and buttons in Chinese; a settings mistake said in Chinese', async () => {
    const { page, errors } = await suite.open(url('#/compare'));
    await page.getByRole('heading', { level: 1, name: '为什么用 WebSocket' }).waitFor();
    for (const label of ['小消息条数', '然后大消息条数', '每秒消息数', '短轮询间隔（ms）', '超过多久算迟到（ms）']) {
      await page.getByLabel(label).waitFor();
    }
    await page.getByRole('button', { name: '开始比较' }).waitFor();
    await page.getByRole('button', { name: '恢复默认' }).waitFor();
    expect(await page.getByText('大小以 UTF-8 文本的字节计；10 KiB 是 10240。').count()).toBe(1);
    expect(await page.getByText(/^点击 开始比较：大约需要 \d+ 秒，依次测试每种传输方式。$/).count()).toBe(1);
    expect(await page.getByText('Run the comparison').count()).toBe(0);
    await page.getByLabel('每秒消息数').fill('0');
    // Around the browser's own validation (min), to see the page's sentence.
    await page.evaluate(() => document.querySelector('form.settings')?.setAttribute('novalidate', ''));
    await page.getByRole('button', { name: '开始比较' }).click();
    await page.getByRole('alert').getByText(/^请检查设置：/).waitFor();
    expect(errors).toEqual([]);
    await page.close();
  });

  it('conformance: the page and an opened report in Chinese, the report\'s own words as the report gives them', async () => {
    const { page, errors } = await suite.open(url('#/conformance'));
    await page.getByRole('heading', { level: 1, name: '协议一致性' }).waitFor();
    await page.getByRole('heading', { level: 2, name: '打开报告' }).waitFor();
    await page.getByRole('heading', { level: 2, name: '运行评分器' }).waitFor();
    await page.getByLabel('要评分的服务器').waitFor();
    await page.getByRole('button', { name: '运行', exact: true }).waitFor();

    await page.getByLabel('报告文件（JSON）').setInputFiles(reportFile);
    await page.getByRole('heading', { level: 2, name: /^报告： ws:\/\/127\.0\.0\.1:\d+\/$/ }).waitFor();
    await page.getByText(/^来自report\.json；开始于 .+；3 个用例，用时 [\d.]+ 秒。$/).waitFor();
    const cases = page.getByRole('navigation', { name: '用例' });
    // Autobahn's section numbers, their names and the counts around them in the page's language.
    expect(await cases.getByRole('heading', { level: 3 }).allInnerTexts()).toEqual(['1 帧格式 (1 个用例)', '2 Ping/Pong (1 个中失败 1 个)', '3 保留位 (1 个用例)']);
    await page.getByRole('heading', { level: 2, name: /^用例 2\.2\s*失败$/ }).waitFor();
    for (const term of ['预期', '服务器做了什么', '判定', '判定依据', '用时']) {
      await page.getByRole('term').filter({ hasText: new RegExp(`^${term}$`) }).waitFor();
    }
    await page.getByText(/^失败(（关闭：[^）]+）)?：违反了 RFC 6455 的一条 MUST：先修这些。$/).waitFor();
    await page.getByRole('heading', { level: 3, name: '线路日志' }).waitFor();
    const wrong = page.getByRole('note', { name: '第一个错误字节' });
    // The grader's explanation of the wrong byte is the report's text, kept as it is.
    await expect.poll(() => wrong.innerText()).toMatch(/第一个错误字节，位于第 0 字节：\s+Expected a pong here/);
    await page.getByRole('region', { name: '用例 2.2 中选中的帧' }).waitFor();
    await page.getByRole('heading', { level: 4, name: '按顺序的全部内容' }).waitFor();
    await page.getByRole('button', { name: /^服务器 → 评分器: text 帧，FIN=1，载荷 \d+ 字节/ }).first().waitFor();
    await page.getByRole('radio', { name: '只看 FAILED（失败）' }).check();
    expect(await cases.getByRole('heading', { level: 3 }).allInnerTexts()).toEqual(['2 Ping/Pong (1 个中失败 1 个)']);
    expect(errors).toEqual([]);
    await page.close();
  });
});
