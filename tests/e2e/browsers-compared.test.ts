/**
 * Every demonstration in Chromium and in Firefox, against the built app and the real server: the
 * test watches the page's socket with its own listeners and the wire with its own /inspect
 * subscriber, checks that the page's explanation says what the browser did (and names it), and
 * records it; beside them, what differs without being a demonstration (how each frames a large
 * message, bufferedAmount, the flood). After both, the "browsers compared" table is written from
 * those records: test-results/ on a normal run; with both browsers under `npm run browsers-compared`
 * (or `npm run screenshots`), docs/browsers-compared.md (its hand-written part kept) and
 * src/app/lesson/browsers-compared.json, the same records for the lesson's table.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Page } from 'puppeteer-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createFramescopeServer, type FramescopeServer } from '../../server/server';
import { browserFromUserAgent } from '../../src/app/playground/browser-name';
import { FAULTS, closeCodeInfo } from '../../src/protocol';
import { VIOLATIONS } from '../../src/app/playground/demos';
import { browsersTable, describeReaction, withHandWritten, type BrowserRecord, type ComparedData, type ReactionFacts } from '../helpers/browsers-table';
import { builtAppDir } from './app';
import { clickButton, connect, explanation, resetSeen, seen, sendText, sessionToken, sleep } from './pages';
import { describePuppeteer, type BrowserKind } from './puppeteer';
import { closeCode, watchSession, type Tap } from './tap';

const records = new Map<BrowserKind, BrowserRecord>();
const READY = ['CONNECTING', 'OPEN', 'CLOSING', 'CLOSED'];

for (const kind of ['chromium', 'firefox'] as const) {
  describePuppeteer(`demonstrations in ${kind}: the page says what this browser did`, kind, (suites) => {
    let server: FramescopeServer;
    let port = 0;
    let page: Page;
    let tap: Tap;
    let label = '';
    let errors: string[] = [];
    const record: BrowserRecord = { browser: '', userAgent: '', demos: [] };

    beforeAll(async () => {
      server = createFramescopeServer({ quiet: true, staticDir: builtAppDir(), pingInterval: 0, idleTimeout: 0 });
      port = (await server.listen(0, '127.0.0.1')).port;
      ({ page, errors } = await suites[kind].open(`http://127.0.0.1:${port}/index.html#/`));
      await page.waitForFunction(() => document.querySelector('h1')?.textContent === 'Playground', { timeout: 20_000 });
      record.userAgent = await page.evaluate(() => navigator.userAgent);
      label = browserFromUserAgent(record.userAgent).label;
      record.browser = label;
      tap = await watchSession(port, await sessionToken(page));
    });
    afterAll(async () => {
      tap?.close();
      await server?.close({ timeout: 500 });
      if (record.demos.length > 0) records.set(kind, record);
    });

    /** The tap's connection number for the page's connection `n`. */
    async function tapConnection(n: number): Promise<number> {
      await expect.poll(() => tap.opened(n)).toBeDefined();
      return (tap.opened(n) as unknown as { connection: number }).connection;
    }

    for (const v of VIOLATIONS) {
      it(`"${v.label}": the explanation matches the events, the readyState and the Close frame on the wire`, async () => {
        const n = await connect(page);
        const connection = await tapConnection(n);
        await sendText(page, 'before');
        await expect.poll(async () => (await seen(page)).messages).toBe(1);
        await resetSeen(page);
        await clickButton(page, new RegExp(`^${v.label.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`));
        // The page waits 1.5 s before taking "nothing happened" as the answer; so does the test.
        await expect.poll(() => explanation(page), { timeout: 15_000 }).not.toBe('');
        await sleep(2_500);
        const observed = await seen(page);
        const said = await explanation(page);
        const frames = tap.frames(connection);
        const broken = frames.findIndex((f) => f.misbehave === v.kind);
        expect(broken, 'the server sent the broken frame').toBeGreaterThanOrEqual(0);
        const sentClose = frames.slice(broken).find((f) => f.direction === 'in' && f.opcode === 0x8);

        // The page names this browser and never claims a reaction that did not happen.
        expect(said).toContain(label);
        if (observed.close && observed.close.code === 1006 && !observed.close.wasClean) {
          expect(said).toContain(`${label} failed the connection`);
          expect(said).toContain(`${observed.error ? 'an error event, then' : 'no error event, only'} a close event with code 1006 and wasClean false`);
        } else if (observed.close) {
          expect(said).toContain(`ended the connection with code ${observed.close.code}`);
        } else {
          expect(observed.readyState).toBe(1);
          expect(said).toContain(`${label} did not fail the connection`);
          expect(said).toContain('the connection is still OPEN');
          expect(said).not.toMatch(/failed the connection:|wasClean false\./);
          if (observed.messages > 0) {
            expect(said).toContain(`It fired ${observed.messages} message event${observed.messages === 1 ? '' : 's'} and no error`);
          }
        }
        if (sentClose) {
          const code = closeCode(sentClose);
          expect(said).toContain(`a Close frame with ${code === null ? 'no code' : `code ${code}`}`);
          const rfcCode = FAULTS[v.rule].closeCode;
          if (code !== null && code !== rfcCode) expect(said).toContain(`Note the code: ${label} sent ${code}`);
          else expect(said).not.toContain('Note the code');
        } else if (observed.close) {
          expect(said).toContain(`The tap saw no Close frame from ${label}`);
        }
        const facts: ReactionFacts = {
          error: observed.error,
          messages: observed.messages,
          readyState: READY[observed.readyState] ?? String(observed.readyState),
          close: observed.close,
          sentClose: sentClose ? closeCode(sentClose) : 'none',
        };
        const reaction = describeReaction(facts);
        const rfcCode = FAULTS[v.rule].closeCode;
        record.demos.push({
          id: v.kind,
          reaction: facts,
          demo: `${v.label} (§${v.rfc})`,
          rfc: `fail the connection (§7.1.7): close 1006 in the API; Close frame ${rfcCode} (${closeCodeInfo(rfcCode).name})`,
          did: reaction.did,
          departs: reaction.departs || (sentClose !== undefined && closeCode(sentClose) !== rfcCode),
        });
      });
    }

    it('ping: the browser answers with a pong, and fires no event', async () => {
      const n = await connect(page);
      const connection = await tapConnection(n);
      await resetSeen(page);
      await clickButton(page, /^Ask the server to ping$/);
      await expect.poll(() => tap.frames(connection).some((f) => f.direction === 'in' && f.opcode === 0xa)).toBe(true);
      const pong = tap.frames(connection).find((f) => f.direction === 'in' && f.opcode === 0xa)!;
      const ping = tap.frames(connection).find((f) => f.direction === 'out' && f.opcode === 0x9)!;
      const observed = await seen(page);
      expect(observed.messages).toBe(0);
      record.demos.push({
        id: 'ping',
        demo: 'Ask the server to ping (§5.5.2)',
        rfc: 'answer with a pong carrying the same payload',
        did: `pong with ${pong.payloadLength} bytes (the ping had ${ping.payloadLength}); no event`,
        departs: pong.payloadLength !== ping.payloadLength,
      });
    });

    it('fragments: the browser joins the echo into one message event', async () => {
      const n = await connect(page);
      const connection = await tapConnection(n);
      await clickButton(page, /^Echo the next message in fragments$/);
      await page.waitForFunction(() => [...document.querySelectorAll('[role="status"]')].some((s) => s.textContent?.startsWith('Server: ')), { timeout: 10_000 });
      await resetSeen(page);
      await sendText(page, 'fragment me, please');
      await expect.poll(() => tap.frames(connection).some((f) => f.direction === 'out' && f.opcode === 0 && f.fin)).toBe(true);
      await sleep(500);
      const events = (await seen(page)).messages;
      const pieces = tap.frames(connection).filter((f) => f.direction === 'out' && (f.opcode === 0 || f.opcode === 1)).slice(-3);
      expect(pieces.map((f) => f.fin)).toEqual([false, false, true]);
      expect(events).toBe(1);
      record.demos.push({ id: 'fragments', demo: 'Echo the next message in 3 fragments (§5.4)', rfc: 'deliver one message', did: `${events} message event`, departs: events !== 1 });
    });

    it('server closes with 4000: the close event and the Close frame the browser answers with', async () => {
      const n = await connect(page);
      const connection = await tapConnection(n);
      await clickButton(page, /^Server closes$/);
      await expect.poll(async () => (await seen(page)).close).not.toBeNull();
      const close = (await seen(page)).close!;
      await expect.poll(() => tap.frames(connection).some((f) => f.direction === 'in' && f.opcode === 0x8)).toBe(true);
      const answer = closeCode(tap.frames(connection).find((f) => f.direction === 'in' && f.opcode === 0x8)!);
      await expect.poll(() => explanation(page)).toContain(`Closed with ${close.code}`);
      record.demos.push({
        id: 'server-close',
        demo: 'Server closes with 4000 (§5.5.1)',
        rfc: 'answer with a Close frame (echoing the code, usually)',
        did: `close ${close.code}, wasClean ${close.wasClean}; answered Close ${answer ?? '(no code)'}`,
        departs: !close.wasClean,
      });
    });

    it('the permessage-deflate offer in its handshake, and how it frames a 100,000-byte message', async () => {
      const n = await connect(page);
      const connection = await tapConnection(n);
      const headers = tap.opened(n)!.request.headers;
      const offer = headers.find((h) => /^Sec-WebSocket-Extensions:/i.test(h))?.replace(/^[^:]+:\s*/, '') ?? 'none';
      await page.evaluate(() => (window as unknown as { ws: WebSocket }).ws.send('x'.repeat(100_000)));
      const sent = (): number[] => tap.frames(connection).filter((f) => f.direction === 'in' && (f.opcode === 1 || f.opcode === 0)).map((f) => f.payloadLength);
      await expect.poll(() => sent().reduce((a, b) => a + b, 0), { timeout: 20_000 }).toBe(100_000);
      record.demos.push({ id: 'deflate-offer', demo: 'Handshake: Sec-WebSocket-Extensions offered (RFC 7692)', rfc: 'any offer (optional)', did: offer, departs: false });
      record.demos.push({
        id: 'send-100000',
        demo: 'ws.send() of 100,000 bytes of text (§5.4)',
        rfc: 'one message, in as many frames as it likes',
        did: `${sent().length} frame${sent().length === 1 ? '' : 's'} (${sent().map((s) => s.toLocaleString('en-US')).join(' + ')} bytes)`,
        departs: false,
      });
    });

    it('how it frames a 1,000,000-byte message (fragments or one frame)', async () => {
      const n = await connect(page);
      const connection = await tapConnection(n);
      await page.evaluate(() => (window as unknown as { ws: WebSocket }).ws.send('x'.repeat(1_000_000)));
      const sent = (): { fin: boolean; opcode: number; payloadLength: number }[] => tap.frames(connection).filter((f) => f.direction === 'in' && (f.opcode === 1 || f.opcode === 0));
      await expect.poll(() => sent().reduce((a, f) => a + f.payloadLength, 0), { timeout: 30_000 }).toBe(1_000_000);
      const frames = sent();
      // One message whichever way it is cut: text first, continuations after, FIN on the last only.
      expect(frames.map((f) => f.opcode)).toEqual(frames.map((_, i) => (i === 0 ? 1 : 0)));
      expect(frames.map((f) => f.fin)).toEqual(frames.map((_, i) => i === frames.length - 1));
      const largest = Math.max(...frames.map((f) => f.payloadLength));
      record.demos.push({
        id: 'send-1000000',
        demo: 'ws.send() of 1,000,000 bytes of text (§5.4)',
        rfc: 'one message, in as many frames as it likes',
        did:
          frames.length === 1
            ? '1 frame (1,000,000 bytes)'
            : `${frames.length} frames (the split varies from run to run): the first ${frames[0]!.payloadLength.toLocaleString('en-US')} bytes, the largest ${largest.toLocaleString('en-US')}`,
        departs: false,
      });
    });

    it('bufferedAmount after send(): at once, and after one task', async () => {
      await connect(page);
      const amounts = await page.evaluate(async () => {
        const ws = (window as unknown as { ws: WebSocket }).ws;
        ws.send('x'.repeat(100_000));
        const now = ws.bufferedAmount;
        await new Promise((resolve) => setTimeout(resolve, 0));
        const afterTask = ws.bufferedAmount;
        for (let i = 0; i < 500 && ws.bufferedAmount > 0; i++) await new Promise((resolve) => setTimeout(resolve, 10));
        return { now, afterTask, drained: ws.bufferedAmount };
      });
      // The standard: send() adds the bytes to bufferedAmount at once; they leave it once sent.
      expect(amounts.now).toBe(100_000);
      expect(amounts.drained).toBe(0);
      record.demos.push({
        id: 'buffered-after-send',
        demo: 'bufferedAmount after ws.send() of 100,000 bytes (WebSockets standard)',
        rfc: '(not RFC 6455) count bytes queued by send() until they are sent',
        did: `${amounts.now.toLocaleString('en-US')} at once; ${amounts.afterTask.toLocaleString('en-US')} after one task (setTimeout 0); 0 later`,
        departs: false,
      });
    });

    it('the flood demonstration: message events, and this page\'s bufferedAmount while it reads', async () => {
      await connect(page);
      await resetSeen(page);
      await page.evaluate(() => {
        const w = window as unknown as { ws: WebSocket; __floodBuffered: number };
        w.__floodBuffered = 0;
        w.ws.addEventListener('message', () => (w.__floodBuffered = Math.max(w.__floodBuffered, w.ws.bufferedAmount)));
      });
      // "each": 16 KiB per message (the select is labelled by its wrapping <label>).
      await page.evaluate(() => {
        const select = [...document.querySelectorAll('select')].find((s) => [...s.options].some((o) => o.value === '16384'))!;
        select.value = '16384';
        select.dispatchEvent(new Event('change', { bubbles: true }));
      });
      await clickButton(page, /^1,000$/);
      await clickButton(page, /^Flood: the server sends 1,000 messages$/);
      await page.waitForFunction(() => (document.querySelector('[aria-label="Flood progress"]') as HTMLElement | null)?.innerText.includes('all sent'), { timeout: 120_000, polling: 100 });
      await expect.poll(async () => (await seen(page)).messages, { timeout: 60_000 }).toBe(1_000);
      const buffered = await page.evaluate(() => (window as unknown as { __floodBuffered: number }).__floodBuffered);
      // The page sends nothing during a flood (its pongs, if any, are the browser's): nothing queued.
      expect(buffered).toBe(0);
      record.demos.push({
        id: 'flood-buffered',
        demo: 'The server floods 1,000 messages of 16 KiB',
        rfc: 'deliver every message; the page has queued nothing',
        did: `${(await seen(page)).messages.toLocaleString('en-US')} message events; this page's bufferedAmount ${buffered} at every one`,
        departs: false,
      });
    });

    it('logged nothing but the connections it failed', () => {
      // The browsers log each failed connection themselves ("WebSocket connection to … failed",
      // "The connection to ws://… was interrupted"): expected here; nothing else is.
      expect(errors.filter((e) => !/WebSocket connection to 'ws:|The connection to ws:/.test(e))).toEqual([]);
    });
  });
}

afterAll(() => {
  const order = (['chromium', 'firefox'] as const).map((kind) => records.get(kind)).filter((r): r is BrowserRecord => r !== undefined);
  if (order.length === 0) return;
  const results = fileURLToPath(new URL('../../test-results/browsers/', import.meta.url));
  mkdirSync(results, { recursive: true });
  for (const record of order) writeFileSync(`${results}${record.browser.split(' ')[0]!.toLowerCase()}.json`, `${JSON.stringify(record, null, 2)}\n`);
  const when = `run of ${new Date().toISOString().slice(0, 10)}`;
  const generated = browsersTable(order, when);
  const docs = process.env['FRAMESCOPE_SCREENSHOTS'] === 'docs' && order.length === 2;
  if (!docs) {
    writeFileSync(fileURLToPath(new URL('../../test-results/browsers-compared.md', import.meta.url)), generated);
    return;
  }
  // Both browsers, on request: the page in docs/, and the same records for the lesson's table.
  const md = fileURLToPath(new URL('../../docs/browsers-compared.md', import.meta.url));
  writeFileSync(md, withHandWritten(generated, existsSync(md) ? readFileSync(md, 'utf8') : null));
  const data: ComparedData = { when, records: order };
  writeFileSync(fileURLToPath(new URL('../../src/app/lesson/browsers-compared.json', import.meta.url)), `${JSON.stringify(data, null, 2)}\n`);
});
