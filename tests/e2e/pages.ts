/**
 * Page helpers for the puppeteer tests (Firefox and Chromium alike): plain DOM, so they work over
 * WebDriver BiDi as over CDP. Names are the ones a user sees (button text, label text).
 */
import type { Page } from 'puppeteer-core';

/** Clicks the first button whose text matches `pattern` (anchored by the caller). */
export async function clickButton(page: Page, pattern: RegExp): Promise<void> {
  const source = pattern.source;
  await page.waitForFunction(
    (src: string) => [...document.querySelectorAll('button')].some((b) => new RegExp(src).test(b.textContent?.trim() ?? '')),
    { timeout: 15_000, polling: 50 },
    source,
  );
  await page.evaluate((src: string) => {
    const button = [...document.querySelectorAll('button')].find((b) => new RegExp(src).test(b.textContent?.trim() ?? ''));
    button!.click();
  }, source);
}

/** The form control labelled `text` (by its <label>), as a CSS selector with its id. */
export async function labelled(page: Page, text: string): Promise<string> {
  const id = await page.evaluate((want: string) => {
    const label = [...document.querySelectorAll('label')].find((l) => l.textContent?.trim() === want);
    return label?.htmlFor || null;
  }, text);
  if (!id) throw new Error(`no control labelled ${JSON.stringify(text)}`);
  return `[id="${id}"]`;
}

/** Connects (or reconnects) the playground; resolves its connection number once OPEN. */
export async function connect(page: Page): Promise<number> {
  const before = await statusText(page);
  await clickButton(page, /^(Connect|Reconnect)$/);
  const text = await page.waitForFunction(
    (previous: string) => {
      const status = [...document.querySelectorAll('[role="status"]')].map((s) => s.textContent?.trim() ?? '').find((t) => /^Connection \d+: OPEN/.test(t));
      return status && status !== previous ? status : null;
    },
    { timeout: 15_000, polling: 50 },
    before,
  );
  const label = Number(/^Connection (\d+)/.exec((await text.jsonValue()) as string)![1]);
  await watchSocket(page);
  return label;
}

async function statusText(page: Page): Promise<string> {
  return page.evaluate(() => [...document.querySelectorAll('[role="status"]')].map((s) => s.textContent?.trim() ?? '').find((t) => /^Connection \d+:/.test(t)) ?? '');
}

/** What the test saw of the page's socket (`ws`), by its own listeners. */
export interface Seen {
  error: boolean;
  messages: number;
  close: { code: number; wasClean: boolean } | null;
  readyState: number;
}

/** Listens to the page's current socket (`window.ws`) from now on. */
export async function watchSocket(page: Page): Promise<void> {
  await page.evaluate(() => {
    const w = window as unknown as { ws: WebSocket; __seen: Omit<Seen, 'readyState'> };
    const seen = { error: false, messages: 0, close: null as Seen['close'] };
    w.__seen = seen;
    w.ws.addEventListener('error', () => (seen.error = true));
    w.ws.addEventListener('message', () => seen.messages++);
    w.ws.addEventListener('close', (event) => (seen.close = { code: event.code, wasClean: event.wasClean }));
  });
}

export async function seen(page: Page): Promise<Seen> {
  return page.evaluate(() => {
    const w = window as unknown as { ws: WebSocket; __seen: Omit<Seen, 'readyState'> };
    return { ...w.__seen, readyState: w.ws.readyState };
  });
}

/** Zeroes the message count (events before a demonstration are not its reaction). */
export async function resetSeen(page: Page): Promise<void> {
  await page.evaluate(() => {
    (window as unknown as { __seen: { messages: number } }).__seen.messages = 0;
  });
}

/** Types `text` in the composer and presses Enter, as a user does. */
export async function sendText(page: Page, text: string): Promise<void> {
  const box = await labelled(page, 'Text message');
  await page.click(box);
  await page.type(box, text);
  await page.keyboard.press('Enter');
  await page.waitForFunction((selector: string) => (document.querySelector(selector) as HTMLTextAreaElement).value === '', { timeout: 10_000, polling: 50 }, box);
}

/** The playground's explanation of the current connection ("" while there is none). */
export async function explanation(page: Page): Promise<string> {
  return page.evaluate(() => (document.querySelector('.explain') as HTMLElement | null)?.innerText.trim() ?? '');
}

export async function sessionToken(page: Page): Promise<string> {
  return page.evaluate(() => sessionStorage.getItem('framescope.session') ?? '');
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
