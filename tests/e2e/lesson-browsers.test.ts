/**
 * The guided lesson (#/lesson) start to end in Firefox and in Chromium (puppeteer-core: Firefox
 * over WebDriver BiDi), pressing every step's buttons, and checking that what the page says about
 * the browser's reaction is true for the browser it runs in: the test watches the page's sockets
 * with its own listeners (a WebSocket wrapper installed before the app loads) and the wire with its
 * own /inspect subscriber, and compares. Then the demonstration where the two browsers differ
 * (the server masks a frame), pressed in the playground beside the lesson, and the lesson at 390 px.
 * The lesson's own layout and highlights are covered in Chromium by lesson.test.ts.
 */
import type { Page } from 'puppeteer-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createFramescopeServer, type FramescopeServer } from '../../server/server';
import { LESSON_STEPS } from '../../src/app/lesson/steps';
import { browserFromUserAgent } from '../../src/app/playground/browser-name';
import { builtAppDir } from './app';
import { clickButton, explanation, sessionToken, sleep } from './pages';
import { describePuppeteer, until, type BrowserKind } from './puppeteer';
import { screenshotDir } from './screenshots';
import { closeCode, watchSession, type Tap, type TapFrame } from './tap';

/** What the test saw of one of the page's sockets, by its own listeners. */
interface Watched {
  url: string;
  error: boolean;
  messages: number;
  close: { code: number; wasClean: boolean } | null;
  readyState: number;
}

/** Installed before the app runs: every WebSocket the page makes is watched (window.__sockets). */
function watchEverySocket(): void {
  const Native = window.WebSocket;
  const sockets: { socket: WebSocket; seen: Omit<Watched, 'readyState'> }[] = [];
  (window as unknown as { __sockets: typeof sockets }).__sockets = sockets;
  class Watching extends Native {
    constructor(url: string | URL, protocols?: string | string[]) {
      super(url, protocols);
      const seen = { url: String(url), error: false, messages: 0, close: null as Watched['close'] };
      sockets.push({ socket: this, seen });
      this.addEventListener('error', () => (seen.error = true));
      this.addEventListener('message', () => seen.messages++);
      this.addEventListener('close', (event) => (seen.close = { code: event.code, wasClean: event.wasClean }));
    }
  }
  window.WebSocket = Watching;
}

/** The playground's newest socket (its /echo connection), as the test's listeners saw it. */
function newest(page: Page): Promise<Watched & { count: number }> {
  return page.evaluate(() => {
    const all = (window as unknown as { __sockets: { socket: WebSocket; seen: Omit<Watched, 'readyState'> }[] }).__sockets.filter((s) => s.seen.url.includes('/echo'));
    const last = all.at(-1)!;
    return { ...last.seen, readyState: last.socket.readyState, count: all.length };
  });
}

const isRsv1 = (f: TapFrame): boolean => (Buffer.from(f.bytes, 'hex')[0]! & 0x40) !== 0;
const isMasked = (f: TapFrame): boolean => (Buffer.from(f.bytes, 'hex')[1]! & 0x80) !== 0;

/** The lesson panel's text, and its status line. */
const lessonText = (page: Page): Promise<string> => page.evaluate(() => (document.querySelector('aside.lesson') as HTMLElement).innerText);
const section = (page: Page, title: string): Promise<string> =>
  page.evaluate((t: string) => (document.querySelector(`section[aria-labelledby='${t}']`) as HTMLElement | null)?.innerText ?? '', title);

/** The row of the lesson's "browsers compared" table marked as this browser's. */
async function markedRow(page: Page): Promise<{ name: string; text: string }> {
  return until<{ name: string; text: string } | null>(page, () => {
    const table = [...document.querySelectorAll('aside.lesson table')].find((t) => t.querySelector('caption')?.textContent?.startsWith('Browsers compared'));
    const rows = table ? [...table.querySelectorAll('tbody tr[aria-current="true"]')] : [];
    return rows.length === 1 ? { name: rows[0]!.getAttribute('data-browser') ?? '', text: (rows[0] as HTMLElement).innerText } : null;
  }) as Promise<{ name: string; text: string }>;
}

/** Opens step `n` from the lesson's step list (its buttons are named "Step n: title"). */
async function openStep(page: Page, n: number): Promise<void> {
  await page.evaluate((want: string) => {
    const link = [...document.querySelectorAll('aside.lesson nav button')].find((b) => b.getAttribute('aria-label')?.startsWith(want));
    if (!link) throw new Error(`no lesson step link ${want}`);
    (link as HTMLButtonElement).click();
  }, `Step ${n}: `);
}

async function press(page: Page, label: string): Promise<void> {
  await page.evaluate((want: string) => {
    const button = [...document.querySelectorAll<HTMLButtonElement>('aside.lesson button')].find((b) => b.textContent?.trim() === want);
    if (!button) throw new Error(`no lesson button ${JSON.stringify(want)}`);
    button.click();
  }, label);
  // The status line says "Working…" until the actions are done, then "Done." (or why not).
  const outcome = await until(page, () => {
    const text = (document.querySelector('aside.lesson .outcome') as HTMLElement | null)?.innerText.trim() ?? '';
    return text && text !== 'Working…' ? text : null;
  }, 30_000);
  expect(outcome, `the lesson's button ${label}`).toBe('Done.');
}

for (const kind of ['firefox', 'chromium'] as const satisfies readonly BrowserKind[]) {
  describePuppeteer(`the lesson in ${kind}: every statement about the browser's reaction is true for it`, kind, (suites) => {
    let server: FramescopeServer;
    let port = 0;

    beforeAll(async () => {
      server = createFramescopeServer({ quiet: true, staticDir: builtAppDir(), pingInterval: 0, idleTimeout: 0 });
      port = (await server.listen(0, '127.0.0.1')).port;
    });
    afterAll(async () => {
      await server?.close({ timeout: 500 });
    });

    it('runs start to end; the page says what this browser did, naming it', async () => {
      const { page, errors } = await suites[kind].newPage();
      await page.evaluateOnNewDocument(watchEverySocket);
      await page.goto(`http://127.0.0.1:${port}/index.html#/lesson`);
      await until(page, () => document.querySelector('aside.lesson h2')?.textContent ?? null, 20_000);
      const userAgent = await page.evaluate(() => navigator.userAgent);
      expect(userAgent).toMatch(kind === 'firefox' ? /Firefox\/\d+/ : /Chrome\/\d+/);
      const { label, name } = browserFromUserAgent(userAgent);
      let tap: Tap | null = null;
      /** The tap's frames of the page's newest /echo connection. */
      const wire = (): TapFrame[] => {
        const numbers = tap!.messages.map((m) => m.connection ?? -1);
        return numbers.length > 0 ? tap!.frames(Math.max(...numbers)) : [];
      };

      try {
        for (const [i, step] of LESSON_STEPS.entries()) {
          await page.waitForFunction((want: string) => document.querySelector('aside.lesson h2')?.textContent === want, { timeout: 10_000, polling: 50 }, step.title());
          const before = tap ? wire().length : 0;
          const prev = tap ? await newest(page) : null;
          for (const button of step.buttons) await press(page, button.label());
          // The session token exists once the page has connected: subscribe to its wire then.
          tap ??= await watchSession(port, await sessionToken(page));
          /** Message events on the page's socket since the step's buttons were pressed. */
          const events = async (): Promise<number> => {
            const now = await newest(page);
            return prev && now.count === prev.count ? now.messages - prev.messages : now.messages;
          };

          switch (step.id) {
            case 'handshake': {
              // The page recomputed Sec-WebSocket-Accept from this browser's key: the 101 matches.
              await until(page, () => document.body.innerText.includes('Matches the server\u2019s Sec-WebSocket-Accept') || null);
              expect(await section(page, 'handshake-title')).toContain(`User-Agent: ${userAgent}`);
              break;
            }
            case 'masking': {
              // "Every frame from a browser is masked … no frame from a server is."
              await expect.poll(() => wire().filter((f) => f.direction === 'in' && f.opcode === 1).length).toBeGreaterThan(0);
              for (const f of wire()) expect(isMasked(f), `${f.direction} frame, opcode ${f.opcode}`).toBe(f.direction === 'in');
              break;
            }
            case 'lengths': {
              // "How many header bytes does the browser's 70,000-byte frame have? 14": one frame, length 127 + 64 bits, masked.
              await expect.poll(() => wire().some((f) => f.direction === 'in' && f.payloadLength === 70_000)).toBe(true);
              const big = wire().find((f) => f.direction === 'in' && f.payloadLength === 70_000)!;
              const bytes = Buffer.from(big.bytes, 'hex');
              expect({ fin: big.fin, opcode: big.opcode, len7: bytes[1]! & 0x7f, masked: isMasked(big) }).toEqual({ fin: true, opcode: 1, len7: 127, masked: true });
              break;
            }
            case 'fragmentation':
            case 'control-between': {
              // "The browser joins them and fires one message event": three fragments on the wire, one event.
              await expect.poll(() => wire().slice(before).filter((f) => f.direction === 'out' && f.opcode === 0 && f.fin).length).toBe(1);
              const data = wire().slice(before).filter((f) => f.direction === 'out' && (f.opcode === 0 || f.opcode === 1));
              expect(data.map((f) => f.fin)).toEqual([false, false, true]);
              await sleep(300);
              expect(await events(), 'message events for the fragmented echo').toBe(1);
              if (step.id === 'control-between') {
                // The ping between the fragments was answered by the browser, not by JavaScript.
                await expect.poll(() => wire().slice(before).some((f) => f.direction === 'in' && f.opcode === 0xa)).toBe(true);
              }
              break;
            }
            case 'ping-pong': {
              // "the browser answers by itself": a pong with the ping's payload on the wire, no event in the page.
              await expect.poll(() => wire().slice(before).some((f) => f.direction === 'in' && f.opcode === 0xa)).toBe(true);
              const ping = wire().slice(before).find((f) => f.direction === 'out' && f.opcode === 0x9)!;
              const pong = wire().slice(before).find((f) => f.direction === 'in' && f.opcode === 0xa)!;
              expect(pong.payloadLength).toBe(ping.payloadLength);
              await sleep(300);
              expect(await events()).toBe(0);
              break;
            }
            case 'closing': {
              // "The close event says the code and wasClean = true"; both Close frames on the wire.
              await expect.poll(async () => (await newest(page)).close).toEqual({ code: 1000, wasClean: true });
              const closes = wire().filter((f) => f.opcode === 0x8);
              expect(closes.map((f) => [f.direction, closeCode(f)])).toEqual([
                ['in', 1000],
                ['out', 1000],
              ]);
              await expect.poll(() => explanation(page)).toMatch(/^Closed with 1000 \(Normal Closure\)\..*wasClean is true/s);
              break;
            }
            case 'violation': {
              // The lesson says the browser "must fail the connection … error, then close with code
              // 1006"; the playground's explanation says what this browser did, naming it.
              await expect.poll(async () => (await newest(page)).close, { timeout: 15_000 }).not.toBeNull();
              await sleep(2_000); // the page takes "no Close frame" as the answer after 1.5 s; so does the test
              const observed = await newest(page);
              expect(observed.close).toEqual({ code: 1006, wasClean: false });
              expect(observed.error).toBe(true);
              const said = await explanation(page);
              expect(said).toMatch(new RegExp(`^${label} failed the connection, as the RFC requires\\.`));
              expect(said).toContain('an error event, then a close event with code 1006 and wasClean false');
              const broken = wire().findIndex((f) => f.misbehave === 'rsv1');
              expect(broken).toBeGreaterThanOrEqual(0);
              const sent = wire().slice(broken).find((f) => f.direction === 'in' && f.opcode === 0x8);
              if (sent) expect(said).toContain(`a Close frame with code ${closeCode(sent)}`);
              else expect(said).toContain(`The tap saw no Close frame from ${label}`);
              // The step's table (from the last e2e run in both browsers) marks this browser's row,
              // and what that row says agrees with what this browser did just now.
              const row = await markedRow(page);
              expect(row.name).toBe(name);
              expect(row.text).not.toContain('accepted the frame with RSV1 set');
              expect(row.text).toContain(sent ? `code ${closeCode(sent)}` : 'none');
              await page.screenshot({ path: `${screenshotDir}lesson-violation-${kind}.png` });
              break;
            }
            case 'tcp-reads': {
              // "this one frame arrived in several reads".
              await until(page, () => (document.querySelector("section[aria-labelledby='tcp-title']") as HTMLElement | null)?.innerText.includes('the end of a frame') || null);
              break;
            }
            case 'compression': {
              // "Browsers always offer permessage-deflate … the second "Hello" is shorter than the first."
              const opened = tap.messages.filter((m) => m.type === 'open').at(-1) as unknown as { request: { headers: string[] } };
              expect(opened.request.headers.find((h) => /^Sec-WebSocket-Extensions:/i.test(h))).toMatch(/permessage-deflate/);
              await expect.poll(() => wire().filter((f) => f.direction === 'out' && f.opcode === 1 && isRsv1(f)).length).toBe(2);
              const [first, second] = wire().filter((f) => f.direction === 'out' && f.opcode === 1);
              expect(second!.payloadLength).toBeLessThan(first!.payloadLength);
              expect(await section(page, 'handshake-title')).toMatch(/Sec-WebSocket-Extensions: permessage-deflate/);
              break;
            }
          }
          if (i < LESSON_STEPS.length - 1) await clickButton(page, /^Next step$/);
        }
        expect(await lessonText(page)).toContain('Lesson complete: every step done.');

        // Where the two browsers differ: the server masks a frame. Pressed in the playground beside
        // the lesson, the page says what this browser did (Firefox accepts it, Chromium fails).
        await press(page, LESSON_STEPS.at(-1)!.buttons[0]!.label()); // compression off, open
        const watchedBefore = (await newest(page)).messages;
        await clickButton(page, /^Masked server frame$/);
        await expect.poll(() => explanation(page), { timeout: 15_000 }).toMatch(/^Masked server frame|failed the connection|did not fail/);
        await sleep(2_000);
        const observed = await newest(page);
        const said = await explanation(page);
        expect(said).toContain(label);
        await openStep(page, LESSON_STEPS.findIndex((st) => st.id === 'violation') + 1);
        const row = (await markedRow(page)).text;
        if (observed.close) {
          expect(observed.close).toEqual({ code: 1006, wasClean: false });
          expect(said).toMatch(new RegExp(`^${label} failed the connection, as the RFC requires\\.`));
          expect(row).not.toContain('accepted the masked frame');
        } else {
          expect(row).toContain('accepted the masked frame as an ordinary message and stayed OPEN, which RFC 6455 §5.1 forbids');
          expect(observed.readyState).toBe(1);
          expect(observed.messages - watchedBefore).toBe(1);
          expect(said).toMatch(new RegExp(`^${label} did not fail the connection\\.`));
          expect(said).toContain(`${label[0]!.toUpperCase()}${label.slice(1)} accepted a masked frame from the server, which RFC 6455 §5.1 says a client must refuse.`);
          expect(said).toContain('It fired 1 message event and no error; the connection is still OPEN.');
        }
        // The browsers log the connections they failed themselves: expected; nothing else is.
        expect(errors.filter((e) => !/WebSocket connection to 'ws:|The connection to ws:/.test(e))).toEqual([]);
      } finally {
        tap?.close();
        await page.close();
      }
    });

    it('keyboard (1280 px): Tab goes from the step list to the step\'s button, which keeps the focus while it runs', async () => {
      const { page, errors } = await suites[kind].newPage();
      await page.goto(`http://127.0.0.1:${port}/index.html#/lesson`);
      await until(page, () => document.querySelector('aside.lesson h2')?.textContent ?? null, 20_000);
      const focused = (): Promise<string> =>
        page.evaluate(() => {
          const el = document.activeElement as HTMLElement;
          return `${el.tagName} ${(el.getAttribute('aria-label') ?? el.textContent ?? '').trim().slice(0, 60)}`;
        });
      await page.evaluate(() => ([...document.querySelectorAll('aside.lesson nav button')].at(-1) as HTMLButtonElement).focus());
      // No unnamed stop in between (Firefox made the lesson's scroller one).
      await page.keyboard.press('Tab');
      expect(await focused()).toBe('BUTTON Connect');
      await page.keyboard.press('Enter');
      await until(page, () => (document.querySelector('aside.lesson .outcome') as HTMLElement).innerText.trim() === 'Done.' || null, 20_000);
      expect(await focused()).toBe('BUTTON Connect');
      await page.keyboard.press('Tab');
      expect(await focused()).toBe('BUTTON Show the answer');
      expect(errors).toEqual([]);
      await page.close();
    });

    it('fits a phone (390 px): the violation step and its table, nothing wider than the screen', async () => {
      const { page, errors } = await suites[kind].newPage();
      await page.setViewport({ width: 390, height: 844 });
      await page.goto(`http://127.0.0.1:${port}/index.html#/lesson`);
      await until(page, () => document.querySelector('aside.lesson h2')?.textContent ?? null, 20_000);
      await openStep(page, LESSON_STEPS.findIndex((st) => st.id === 'violation') + 1);
      await markedRow(page);
      const wide = await page.evaluate(() => ({
        page: document.documentElement.scrollWidth - document.documentElement.clientWidth,
        elements: [...document.querySelectorAll('aside.lesson, aside.lesson *')]
          .filter((el) => el.getBoundingClientRect().right > document.documentElement.clientWidth + 1)
          .map((el) => `${el.tagName}.${el.className} ${Math.round(el.getBoundingClientRect().right)}`)
          .slice(0, 8),
      }));
      expect(wide).toEqual({ page: 0, elements: [] });
      const table = await page.$('aside.lesson .compared');
      await table!.scrollIntoView();
      await table!.screenshot({ path: `${screenshotDir}lesson-390-${kind}.png` });
      expect(errors).toEqual([]);
      await page.close();
    });
  });
}
