/**
 * Every demonstration in Chromium and in Firefox, against the built app and the real server: the
 * test watches the page's socket with its own listeners and the wire with its own /inspect
 * subscriber, checks that the page's explanation says what the browser did (and names it), and
 * records it. After both, the "browsers compared" table is written from those records
 * (test-results/; docs/browsers-compared.md under `npm run screenshots`).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Page } from 'puppeteer-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createFramescopeServer, type FramescopeServer } from '../../server/server';
import { browserFromUserAgent } from '../../src/app/playground/browser-name';
import { FAULTS, closeCodeInfo } from '../../src/protocol';
import { VIOLATIONS } from '../../src/app/playground/demos';
import { browsersTable, describeReaction, type BrowserRecord } from '../helpers/browsers-table';
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
        const reaction = describeReaction({
          ...observed,
          readyState: READY[observed.readyState] ?? String(observed.readyState),
          sentClose: sentClose ? closeCode(sentClose) : 'none',
        });
        const rfcCode = FAULTS[v.rule].closeCode;
        record.demos.push({
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
      record.demos.push({ demo: 'Echo the next message in 3 fragments (§5.4)', rfc: 'deliver one message', did: `${events} message event`, departs: events !== 1 });
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
      record.demos.push({ demo: 'Handshake: Sec-WebSocket-Extensions offered (RFC 7692)', rfc: 'any offer (optional)', did: offer, departs: false });
      record.demos.push({
        demo: 'ws.send() of 100,000 bytes of text (§5.4)',
        rfc: 'one message, in as many frames as it likes',
        did: `${sent().length} frame${sent().length === 1 ? '' : 's'} (${sent().map((s) => s.toLocaleString('en-US')).join(' + ')} bytes)`,
        departs: false,
      });
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
  const md = browsersTable(order, `run of ${new Date().toISOString().slice(0, 10)}`);
  const docs = process.env['FRAMESCOPE_SCREENSHOTS'] === 'docs' && order.length === 2;
  writeFileSync(fileURLToPath(new URL(docs ? '../../docs/browsers-compared.md' : '../../test-results/browsers-compared.md', import.meta.url)), md);
});
