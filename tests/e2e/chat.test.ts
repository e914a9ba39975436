/**
 * The chat room in Chromium against the built app served by the real server (one port, as with
 * `npm start`): several pages join, talk, whisper; HTML in names and messages stays text; the page
 * reconnects after the server restarts. Screenshots (npm run screenshots) go to docs/screenshots/chat-*.png.
 */
import { screenshotDir } from './screenshots';
import { mkdir } from 'node:fs/promises';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createFramescopeServer, type FramescopeServer } from '../../server/server';
import { builtAppDir } from './app';
import { describeBrowser, type BrowserSuite, type OpenedPage } from './browser';

const screenshots = screenshotDir;
const XSS = '<img src=x onerror=alert(1)>';

async function startServer(port = 0): Promise<{ server: FramescopeServer; port: number }> {
  const server = createFramescopeServer({ quiet: true, staticDir: builtAppDir(), pingInterval: 0, idleTimeout: 0 });
  const address = await server.listen(port, '127.0.0.1');
  return { server, port: address.port };
}

/** Opens `#/chat`, waits for the server's suggestion in the nickname field, joins as `name`. */
async function joinChat(suite: BrowserSuite, url: string, name: string, options = {}): Promise<OpenedPage & { dialogs: string[] }> {
  const opened = await suite.open(url, options);
  const dialogs: string[] = [];
  opened.page.on('dialog', (dialog) => {
    dialogs.push(dialog.message());
    void dialog.dismiss();
  });
  const { page } = opened;
  const nickname = page.getByLabel('Nickname');
  await expect.poll(() => nickname.inputValue()).toMatch(/^guest-[0-9a-f]{4}$/);
  await nickname.fill(name);
  await page.getByRole('button', { name: 'Join', exact: true }).click();
  await log(page).getByText(`You joined as ${name}`, { exact: true }).waitFor();
  return { ...opened, dialogs };
}

function log(page: Page) {
  return page.getByRole('log', { name: 'Messages' });
}

async function say(page: Page, text: string): Promise<void> {
  const composer = page.getByRole('textbox', { name: 'Message' });
  await composer.fill(text);
  await composer.press('Enter');
  await expect.poll(() => composer.inputValue()).toBe('');
}

describeBrowser('chat room', (suite) => {
  let running: { server: FramescopeServer; port: number };
  const url = (): string => `http://127.0.0.1:${running.port}/index.html#/chat`;

  beforeAll(async () => {
    running = await startServer();
  });
  afterAll(async () => {
    await running?.server.close({ timeout: 500 });
  });

  it('lets two pages talk, and keeps a private message from the third', async () => {
    const alice = await joinChat(suite, url(), 'Alice');
    const bob = await joinChat(suite, url(), 'Bob');
    const carol = await joinChat(suite, url(), 'Carol');

    // The user list, the connection state from readyState, the log region.
    const users = alice.page.getByRole('region', { name: /In the room/ });
    await users.getByText('Carol', { exact: true }).waitFor();
    expect(await users.getByRole('listitem').count()).toBe(3);
    await alice.page.getByText('1 OPEN').waitFor();
    expect(await log(alice.page).getAttribute('aria-live')).toBe('polite');
    await log(alice.page).getByText('Bob joined').waitFor();

    await say(alice.page, 'Hello Bob, this is Alice');
    await log(bob.page).getByText('Hello Bob, this is Alice').waitFor();
    await say(bob.page, 'Hi Alice!');
    await log(alice.page).getByText('Hi Alice!').waitFor();
    await log(carol.page).getByText('Hi Alice!').waitFor();

    // @name completion: type "@Bo", the listbox offers Bob, Tab completes.
    const composer = alice.page.getByRole('textbox', { name: 'Message' });
    await composer.fill('');
    await composer.pressSequentially('@Bo');
    const listbox = alice.page.getByRole('listbox', { name: 'Names to write to privately' });
    await listbox.getByRole('option', { name: '@Bob' }).waitFor();
    expect(await listbox.getByRole('option').count()).toBe(1);
    expect(await composer.getAttribute('aria-activedescendant')).toBe('chat-mention-0');
    await composer.press('Tab');
    expect(await composer.inputValue()).toBe('@Bob ');
    await composer.pressSequentially('the secret is 42');
    await composer.press('Enter');

    const whisper = log(bob.page).getByRole('listitem').filter({ hasText: 'the secret is 42' });
    await whisper.waitFor();
    expect(await whisper.innerText()).toMatch(/Private to you\s*,?\s*Alice\s*:?\s*the secret is 42/);
    await log(alice.page).getByText('Private to Bob').waitFor();

    // Then a public message: once Carol has it, she would have had the private one before it.
    await say(alice.page, 'That was all.');
    await log(carol.page).getByText('That was all.').waitFor();
    expect(await log(carol.page).textContent()).not.toContain('the secret is 42');
    expect(await log(carol.page).textContent()).not.toContain('Private');

    await alice.page.screenshot({ path: `${screenshots}chat-light.png` });
    await bob.page.screenshot({ path: `${screenshots}chat-private.png` });

    // Bob leaves: the others see it.
    await bob.page.getByRole('button', { name: 'Leave the room' }).click();
    await log(alice.page).getByText('Bob left').waitFor();
    await expect.poll(() => users.getByRole('listitem').count()).toBe(2);

    for (const { errors } of [alice, bob, carol]) expect(errors).toEqual([]);
    for (const page of [alice.page, bob.page, carol.page]) await page.close();
  });

  it('keyboard: Enter sends, Shift+Enter is a new line, an empty message is refused with a word', async () => {
    const { page, errors } = await joinChat(suite, url(), 'Keys');
    const composer = page.getByRole('textbox', { name: 'Message' });
    await composer.focus();
    await composer.press('Enter');
    await expect.poll(() => page.locator('#chat-composer-error').textContent()).toMatch(/^Nothing to send: type a message first/);
    expect(await composer.getAttribute('aria-invalid')).toBe('true');
    await composer.pressSequentially('line one');
    await composer.press('Shift+Enter');
    await composer.pressSequentially('line two');
    expect(await composer.inputValue()).toBe('line one\nline two');
    await composer.press('Enter');
    const line = log(page).getByText(/line one\s+line two/);
    await line.waitFor();
    expect(await line.evaluate((element) => (element as HTMLElement).innerText)).toBe('line one\nline two');
    // Completion by keyboard: arrows move through the names (wrapping), Escape closes the list.
    const other = await joinChat(suite, url(), 'Kim');
    const other2 = await joinChat(suite, url(), 'Kate');
    await composer.fill('');
    await composer.pressSequentially('@k');
    const listbox = page.getByRole('listbox', { name: 'Names to write to privately' });
    await listbox.waitFor();
    const options = listbox.getByRole('option');
    expect(await options.allTextContents()).toEqual(['@Kim', '@Kate']);
    expect(await options.nth(0).getAttribute('aria-selected')).toBe('true');
    await composer.press('ArrowDown');
    expect(await options.nth(1).getAttribute('aria-selected')).toBe('true');
    expect(await composer.getAttribute('aria-activedescendant')).toBe('chat-mention-1');
    await composer.press('ArrowDown');
    expect(await options.nth(0).getAttribute('aria-selected')).toBe('true');
    await composer.press('ArrowUp');
    await composer.press('Enter');
    expect(await composer.inputValue()).toBe('@Kate ');
    await composer.fill('@k');
    await listbox.waitFor();
    await composer.press('Escape');
    await listbox.waitFor({ state: 'detached' });
    // With the list closed, Enter sends: "@k" names no one, and the server says so.
    await composer.press('Enter');
    const error = page.locator('#chat-composer-error');
    await expect.poll(() => error.textContent()).toMatch(/^No one called k is in the room\./);
    expect(await composer.inputValue()).toBe('@k');
    expect(errors).toEqual([]);
    for (const p of [page, other.page, other2.page]) await p.close();
  });

  it('shows HTML in a nickname and a message as text, and runs nothing', async () => {
    const watcher = await joinChat(suite, url(), 'Watcher');
    const opened = await suite.open(url());
    const dialogs: string[] = [];
    opened.page.on('dialog', (dialog) => {
      dialogs.push(dialog.message());
      void dialog.dismiss();
    });
    const { page } = opened;
    const nickname = page.getByLabel('Nickname');
    await expect.poll(() => nickname.inputValue()).toMatch(/^guest-/);

    // 28 characters: refused by the 24-character rule; the refusal quotes it, as text.
    await nickname.fill(XSS);
    await page.getByRole('button', { name: 'Join', exact: true }).click();
    await page.getByText(`A nickname has at most 24 characters; “${XSS}” has 28.`, { exact: true }).waitFor();
    expect(await nickname.getAttribute('aria-invalid')).toBe('true');
    await page.screenshot({ path: `${screenshots}chat-join.png` });

    // A 21-character script-bearing nickname is allowed, and is only text.
    const name = '<svg onload=alert(1)>';
    await nickname.fill(name);
    await page.getByRole('button', { name: 'Join', exact: true }).click();
    await log(page).getByText(`You joined as ${name}`, { exact: true }).waitFor();
    await say(page, XSS);
    await log(page).getByText(XSS, { exact: true }).waitFor();
    await log(watcher.page).getByText(XSS, { exact: true }).waitFor();
    await log(watcher.page).getByText(`${name} joined`, { exact: true }).waitFor();
    await watcher.page.getByRole('region', { name: /In the room/ }).getByText(name, { exact: true }).waitFor();
    await watcher.page.getByRole('button', { name: `Write privately to ${name}` }).waitFor();

    for (const p of [page, watcher.page]) {
      const injected = await p.evaluate(() => document.querySelectorAll('main img, main svg[onload], [onerror], [onload]').length);
      expect(injected).toBe(0);
    }
    await page.waitForTimeout(300);
    expect(dialogs).toEqual([]);
    expect(watcher.dialogs).toEqual([]);
    await page.screenshot({ path: `${screenshots}chat-xss.png` });
    expect(opened.errors).toEqual([]);
    expect(watcher.errors).toEqual([]);
    await page.close();
    await watcher.page.close();
  });

  it('looks right in the dark theme', async () => {
    const eve = await joinChat(suite, url(), 'Eve', { colorScheme: 'dark' });
    const frank = await joinChat(suite, url(), 'Frank', { colorScheme: 'dark' });
    await say(frank.page, 'Evening, Eve. Are the frames visible on the projector?');
    await say(eve.page, 'Yes: every one of them, bit by bit.');
    await say(eve.page, '@Frank and this one only you can see');
    await log(frank.page).getByText('and this one only you can see').waitFor();
    await eve.page.screenshot({ path: `${screenshots}chat-dark.png` });
    expect(eve.errors).toEqual([]);
    await eve.page.close();
    await frank.page.close();
  });
});

describeBrowser('chat room across a server restart', (suite) => {
  it('says the connection was lost, reconnects with backoff, and joins again', async () => {
    await mkdir(screenshots, { recursive: true });
    let running = await startServer();
    const port = running.port;
    const url = `http://127.0.0.1:${port}/index.html#/chat`;
    try {
      const { page, errors } = await joinChat(suite, url, 'Dana');
      await say(page, 'before the restart');

      await running.server.close({ timeout: 500 });
      const status = page.getByRole('status').first();
      await expect.poll(() => status.textContent(), { timeout: 10_000 }).toMatch(/Connection lost \(10\d\d .*\)\. Reconnecting in/);
      await log(page).getByText(/Connection lost/).waitFor();
      await page.getByText(/3 CLOSED/).waitFor();
      await page.screenshot({ path: `${screenshots}chat-reconnecting.png` });

      running = await startServer(port);
      await expect
        .poll(() => status.textContent(), { timeout: 20_000 })
        .toBe('Reconnected: back in the room as Dana.');
      await log(page).getByText('Reconnected: back in the room as Dana.').waitFor();
      await say(page, 'after the restart');
      await log(page).getByText('after the restart').waitFor();
      expect(errors.filter((error) => !/WebSocket connection to .* failed/.test(error))).toEqual([]);
      await page.close();
    } finally {
      await running.server.close({ timeout: 500 });
    }
  });
});
