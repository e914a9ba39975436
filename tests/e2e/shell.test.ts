import { screenshotDir } from './screenshots';
import { mkdir } from 'node:fs/promises';
import { pathToFileURL } from 'node:url';
import { expect, it } from 'vitest';
import { builtAppDir, useBuiltApp } from './app';
import { describeBrowser } from './browser';

const screenshots = screenshotDir;

describeBrowser('app shell (static build)', (suite) => {
  const app = useBuiltApp();

  it('opens #/decode on the Decoder page, with a named navigation', async () => {
    const { page, errors } = await suite.open(app.url('#/decode'));

    const heading = page.getByRole('heading', { level: 1, name: 'Decoder' });
    await heading.waitFor({ state: 'visible' });
    expect(await page.title()).toBe('Decoder · Framescope');

    const nav = page.getByRole('navigation', { name: 'Pages' });
    for (const name of ['Playground', 'Decoder', 'Chat room']) {
      expect(await nav.getByRole('link', { name, exact: true }).count()).toBe(1);
    }
    expect(await nav.getByRole('link', { name: 'Decoder' }).getAttribute('aria-current')).toBe('page');
    expect(await page.getByRole('link', { name: 'Skip to content' }).count()).toBe(1);

    await mkdir(screenshots, { recursive: true });
    await page.screenshot({ path: `${screenshots}shell.png` });
    expect(errors).toEqual([]);
  });

  it('follows the nav links and focuses the new heading', async () => {
    const { page, errors } = await suite.open(app.url('#/'));
    await page.getByRole('heading', { level: 1, name: 'Playground' }).waitFor();

    await page.getByRole('link', { name: 'Chat room' }).click();
    const heading = page.getByRole('heading', { level: 1, name: 'Chat room' });
    await heading.waitFor();
    expect(page.url()).toMatch(/#\/chat$/);
    expect(await heading.evaluate((element) => element === document.activeElement)).toBe(true);
    // This static server has no /chat endpoint: the chat page connects on arrival and must say so.
    await page.getByText(/No chat server answered at ws:\/\/127\.0\.0\.1:\d+\/chat/).first().waitFor();

    await page.goBack();
    await page.getByRole('heading', { level: 1, name: 'Playground' }).waitFor();
    // The browser itself logs each refused WebSocket handshake; anything else is our fault.
    const refusedHandshake = /^console\.error: WebSocket connection to 'ws:\/\/127\.0\.0\.1:\d+\/(chat|inspect)\?[^']*' failed/;
    expect(errors.filter((error) => !refusedHandshake.test(error))).toEqual([]);
  });

  it('shows a way back for a hash that names no page', async () => {
    const { page } = await suite.open(app.url('#/nowhere'));
    await page.getByRole('heading', { level: 1, name: 'No such page' }).waitFor();
    await page.getByRole('link', { name: 'Playground', exact: true }).first().click();
    await page.getByRole('heading', { level: 1, name: 'Playground' }).waitFor();
  });

  it('opens from a file:// path, with no server at all', async () => {
    const file = pathToFileURL(`${builtAppDir()}/index.html`).href;
    const { page, errors } = await suite.open(`${file}#/decode`);
    await page.getByRole('heading', { level: 1, name: 'Decoder' }).waitFor();
    await page.getByRole('link', { name: 'Chat room' }).click();
    await page.getByRole('heading', { level: 1, name: 'Chat room' }).waitFor();
    expect(errors).toEqual([]);
  });

  it('follows the dark colour scheme', async () => {
    const { page, errors } = await suite.open(app.url('#/decode'), { colorScheme: 'dark' });
    await page.getByRole('heading', { level: 1, name: 'Decoder' }).waitFor();
    const background = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
    expect(background).toBe('rgb(15, 18, 22)');
    await mkdir(screenshots, { recursive: true });
    await page.screenshot({ path: `${screenshots}shell-dark.png` });
    expect(errors).toEqual([]);
  });

  it('speaks the browser\'s language, switches in the header without a reload, and keeps the choice', async () => {
    // A browser set to Chinese opens in Chinese: <html lang>, the navigation, the title.
    const { page, errors } = await suite.open(app.url('#/decode'), { locale: 'zh-CN' });
    await page.getByRole('navigation', { name: '页面' }).waitFor();
    expect(await page.evaluate(() => document.documentElement.lang)).toBe('zh-CN');
    expect(await page.title()).toBe('解码器 · Framescope');
    expect(await page.getByRole('link', { name: '聊天室', exact: true }).count()).toBe(1);
    const font = await page.evaluate(() => getComputedStyle(document.body).fontFamily);
    expect(font).toMatch(/PingFang SC|Noto Sans CJK SC/);

    // The switch, named in both languages' way: English, without a reload (the page keeps its state).
    await page.evaluate(() => ((window as unknown as { stayed: boolean }).stayed = true));
    await page.getByRole('combobox', { name: '语言' }).selectOption('en');
    await page.getByRole('navigation', { name: 'Pages' }).waitFor();
    expect(await page.evaluate(() => (window as unknown as { stayed?: boolean }).stayed)).toBe(true);
    expect(await page.evaluate(() => document.documentElement.lang)).toBe('en');
    expect(await page.title()).toBe('Decoder · Framescope');
    expect(new URL(page.url()).searchParams.get('lang')).toBe('en');
    expect(new URL(page.url()).hash).toBe('#/decode');

    // Kept in localStorage: the same browser comes back in English without ?lang=.
    await page.goto(app.url('#/'));
    await page.getByRole('navigation', { name: 'Pages' }).waitFor();
    expect(await page.evaluate(() => localStorage.getItem('framescope.lang'))).toBe('en');

    // A shared link's ?lang= wins over both.
    await page.goto(app.url('#/').replace('index.html', 'index.html?lang=zh-CN'));
    await page.getByRole('navigation', { name: '页面' }).waitFor();
    expect(errors.filter((error) => !/WebSocket connection to|Failed to load resource/.test(error))).toEqual([]);
  });
});
