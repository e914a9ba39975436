/**
 * Issue 21 on the user's path (`npm run dev`): the playground's frame list filtered while frames
 * keep arriving (the pings among thousands of messages, a search for "alice"), the filter in the
 * URL, subprotocols offered and chosen, the browser failing a connection whose server names one not
 * offered, and the binaryType switch. Screenshots at 390, 1280 and 1920 px.
 */
import path from 'node:path';
import type { Page } from 'playwright-core';
import { expect, it } from 'vitest';
import { CaptureRecorder, parseCapture, serializeCapture } from '../../src/capture';
import { encodeFrame, parseHex, toHex } from '../../src/protocol';
import { hello, open as openMessage } from '../../src/app/inspector/fixtures';
import type { InspectorMessage as WireMessage } from '../../src/wire/inspector';
import { describeBrowser } from './browser';
import { useViteDev } from './vite-dev';
import { screenshotDir } from './screenshots';


describeBrowser('finding frames, subprotocols and binaryType through npm run dev', (suite) => {
  const dev = useViteDev('framescope-find-e2e-');

  async function connect(page: Page, protocols = ''): Promise<void> {
    await page.getByRole('heading', { level: 1, name: 'Playground' }).waitFor({ timeout: 90_000 });
    if (protocols) await page.getByLabel('Subprotocols').fill(protocols);
    await page.getByRole('button', { name: 'Connect', exact: true }).click();
    await page.getByRole('status').filter({ hasText: /^Connection 1: OPEN \(frames/ }).waitFor();
  }

  it('filters the list to the pings during a flood, searches text, and keeps the filter in the URL', { timeout: 240_000 }, async () => {
    const { page, errors } = await suite.open(`http://127.0.0.1:${dev.port}/#/`, { viewport: { width: 1280, height: 900 } });
    await connect(page);
    const box = page.getByRole('textbox', { name: 'Text message' });
    await box.fill('hello alice');
    await box.press('Enter');
    const ping = page.getByRole('button', { name: 'Ask the server to ping' });
    await ping.click();
    await ping.click();
    const list = page.getByRole('listbox', { name: /^Frames on the wire/ });
    await list.getByRole('option', { name: /server to client, .*, ping,/ }).nth(1).waitFor();

    // A flood from the page's own socket, and the filter set while it runs.
    await page.evaluate(() => {
      const ws = (window as unknown as { ws: WebSocket }).ws;
      void (async () => {
        for (let i = 0; i < 20_000; i++) {
          ws.send('m' + i);
          if (i % 500 === 499) await new Promise((r) => setTimeout(r, 0));
        }
      })();
    });
    await page.getByRole('combobox', { name: 'Kind' }).selectOption('control');
    await page.getByRole('combobox', { name: 'Kind' }).selectOption('ping');
    const count = page.getByTestId('filter-count');
    await expect.poll(() => count.innerText(), { timeout: 60_000 }).toMatch(/^2 of [\d,]+ frames/);
    // Exactly the pings, while frames keep arriving (M grows, N stays 2).
    const options = list.getByRole('option');
    expect(await options.count()).toBe(2);
    for (const name of await options.evaluateAll((rows) => rows.map((row) => row.textContent ?? ''))) expect(name).toMatch(/server to client, .*, ping,/);
    expect(decodeURIComponent(await page.evaluate(() => location.hash))).toContain('kind=ping');
    // ↓ in the search box steps to a match: the selected frame is a ping.
    await page.getByRole('searchbox').press('ArrowDown');
    await expect.poll(() => page.getByRole('region', { name: 'Selected frame' }).innerText()).toMatch(/ping/i);
    await page.screenshot({ path: path.join(screenshotDir, 'find-pings-1280.png') });

    // A text search over every kind: the frame with "alice" (sent and echoed).
    await page.getByRole('combobox', { name: 'Kind' }).selectOption('all');
    await page.getByRole('searchbox').fill('ALICE');
    await expect.poll(() => count.innerText(), { timeout: 60_000 }).toMatch(/^2 of /);
    const hash = await page.evaluate(() => location.hash);
    expect(hash).toContain('find=ALICE');

    // The link shows the same view in a new tab.
    const other = await suite.open(`http://127.0.0.1:${dev.port}/${hash.replace('find=ALICE', 'find=de+ad').replace(/$/, '&in=hex&dir=c2s')}`);
    await connect(other.page);
    expect(await other.page.getByRole('searchbox').inputValue()).toBe('de ad');
    expect(await other.page.getByRole('combobox', { name: 'Search as' }).inputValue()).toBe('hex');
    expect(await other.page.getByRole('combobox', { name: 'Direction' }).inputValue()).toBe('client-to-server');
    expect(other.errors).toEqual([]);
    expect(errors).toEqual([]);
  });

  it('offers subprotocols, shows the server’s choice and socket.protocol', { timeout: 120_000 }, async () => {
    const { page, errors } = await suite.open(`http://127.0.0.1:${dev.port}/#/`);
    await connect(page, 'echo.v1, echo.v2');
    expect(await page.evaluate(() => (window as unknown as { ws: WebSocket }).ws.protocol)).toBe('echo.v2');
    const handshake = page.getByRole('region', { name: 'Opening handshake' });
    await handshake.getByTestId('subprotocol-chosen').filter({ hasText: 'echo.v2' }).waitFor();
    expect(await handshake.innerText()).toMatch(/Sec-WebSocket-Protocol: echo\.v1, echo\.v2/);
    expect(await handshake.innerText()).toMatch(/the client listed echo\.v1 first, but the choice is the server's/);
    for (const width of [390, 1920]) {
      await page.setViewportSize({ width, height: 900 });
      expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);
      await page.screenshot({ path: path.join(screenshotDir, `find-subprotocol-${width}.png`), fullPage: false });
    }
    expect(errors).toEqual([]);
  });

  it('a server naming a subprotocol not offered: the browser fails the connection', { timeout: 120_000 }, async () => {
    const { page } = await suite.open(`http://127.0.0.1:${dev.port}/#/`);
    await page.getByRole('heading', { level: 1, name: 'Playground' }).waitFor({ timeout: 90_000 });
    const url = page.getByLabel('WebSocket URL');
    await url.fill(`${await url.inputValue()}?demo=wrong-subprotocol`);
    await page.getByLabel('Subprotocols').fill('echo.v1');
    await page.getByRole('button', { name: 'Connect', exact: true }).click();
    await page.getByRole('status').filter({ hasText: /^Connection 1: CLOSED/ }).waitFor();
    const handshake = page.getByRole('region', { name: 'Opening handshake' });
    await handshake.getByText(/The browser fails this connection/).waitFor();
  });

  it('binaryType: an ArrayBuffer or a Blob in the message event', { timeout: 120_000 }, async () => {
    const { page, errors } = await suite.open(`http://127.0.0.1:${dev.port}/#/`);
    await connect(page);
    await page.getByLabel('binaryType').selectOption('blob');
    const carried = await page.evaluate(
      () =>
        new Promise<string>((resolve) => {
          const ws = (window as unknown as { ws: WebSocket }).ws;
          ws.addEventListener('message', (event) => resolve(Object.prototype.toString.call(event.data)), { once: true });
          ws.send(new Uint8Array([1, 2, 3]));
        }),
    );
    expect(carried).toBe('[object Blob]');
    await page.getByText('binary event.data is a Blob: await data.arrayBuffer() to read it').waitFor();
    await page.getByLabel('binaryType').selectOption('arraybuffer');
    expect(await page.evaluate(() => (window as unknown as { ws: WebSocket }).ws.binaryType)).toBe('arraybuffer');
    expect(errors).toEqual([]);
  });

  it('copies the selected frame (hex, read back) and the visible frames as JSON, with the fallback box where the clipboard is refused', { timeout: 180_000 }, async () => {
    const origin = `http://127.0.0.1:${dev.port}`;
    const { page, errors } = await suite.open(`${origin}/#/?kind=ping`, { permissions: ['clipboard-read', 'clipboard-write'] });
    await connect(page);
    const ping = page.getByRole('button', { name: 'Ask the server to ping' });
    await ping.click();
    await ping.click();
    const count = page.getByTestId('filter-count');
    await expect.poll(() => count.innerText(), { timeout: 30_000 }).toMatch(/^2 of [\d,]+ frames/);
    await page.getByRole('searchbox').press('ArrowDown');
    await expect.poll(() => page.getByRole('region', { name: 'Selected frame' }).innerText()).toMatch(/ping/i);

    // localhost is a secure context: the clipboard takes it, and says so.
    await page.getByText('Copy', { exact: true }).click();
    await page.getByRole('button', { name: 'Hex (0x list)' }).click();
    await page.getByRole('status').filter({ hasText: 'Copied the frame as hex (0x list).' }).waitFor();
    const copied = await page.evaluate(() => navigator.clipboard.readText());
    const bytes = parseHex(copied);
    expect(bytes.ok && bytes.format).toBe('0x-list');
    // A ping from the server: FIN 1, opcode 9, unmasked.
    expect(bytes.ok && toHex(bytes.bytes.subarray(0, 1))).toBe('89');

    // A student on http://192.168.x.y is not in a secure context: the text comes up selected in a box.
    await page.evaluate(() => Object.defineProperty(window, 'isSecureContext', { value: false, configurable: true }));
    await page.getByText('Copy', { exact: true }).click();
    await page.getByRole('button', { name: 'Copy the 2 visible frames as JSON' }).click();
    const box = page.getByRole('textbox', { name: 'Text to copy: 2 frames as JSON' });
    await box.waitFor();
    await page.getByText(/did not let the page use the clipboard/).waitFor();
    expect(await box.evaluate((el) => document.activeElement === el && (el as HTMLTextAreaElement).selectionEnd - (el as HTMLTextAreaElement).selectionStart === (el as HTMLTextAreaElement).value.length)).toBe(true);
    const read = parseCapture(await box.inputValue());
    if (!read.ok) throw new Error(JSON.stringify(read.error));
    const events = read.capture.connections.flatMap((c) => c.events);
    expect(events.map((e) => (e.type === 'frame' ? e.opcode : e.type))).toEqual([9, 9]);
    await page.screenshot({ path: path.join(screenshotDir, 'find-copy-fallback-1280.png') });
    await page.setViewportSize({ width: 390, height: 900 });
    expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);
    expect(errors).toEqual([]);
  });

  it('the decoder: a link with a filter lists only its matches; the filter stays in the hash', { timeout: 120_000 }, async () => {
    const frame = (opcode: number, payload: string, fin = true): string => toHex(encodeFrame({ fin, opcode, payload: new TextEncoder().encode(payload) }, (n) => new Uint8Array(n)));
    const hex = frame(0x1, 'hello alice') + frame(0x9, 'one') + frame(0x1, 'bob') + frame(0x9, 'two');
    const { page, errors } = await suite.open(`http://127.0.0.1:${dev.port}/#/decode?role=server&hex=${hex}&kind=ping`);
    const list = page.getByRole('listbox', { name: 'Frames, in stream order' });
    await expect.poll(() => list.getByRole('option').count(), { timeout: 90_000 }).toBe(2);
    expect(await page.getByTestId('filter-count').innerText()).toMatch(/^2 of 4 frames/);
    expect(await list.getByRole('option').allInnerTexts()).toEqual([expect.stringMatching(/#2[\s\S]*Ping/i), expect.stringMatching(/#4[\s\S]*Ping/i)]);
    await page.getByRole('combobox', { name: 'Kind' }).selectOption('all');
    await page.getByRole('searchbox').fill('alice');
    await expect.poll(() => list.getByRole('option').count()).toBe(1);
    await expect.poll(() => page.evaluate(() => location.hash)).toContain('find=alice');
    expect(await page.evaluate(() => location.hash)).toContain(`hex=${hex}`);
    expect(errors).toEqual([]);
  });

  it('the demonstration button: the server names a subprotocol not offered, the browser fails the connection', { timeout: 120_000 }, async () => {
    const { page, errors } = await suite.open(`http://127.0.0.1:${dev.port}/#/`);
    await page.getByRole('heading', { level: 1, name: 'Playground' }).waitFor({ timeout: 90_000 });
    await page.getByRole('button', { name: 'Server picks a subprotocol you did not offer' }).click();
    await page.getByRole('status').filter({ hasText: /^Connection 1: CLOSED/ }).waitFor();
    expect(await page.getByLabel('WebSocket URL').inputValue()).toMatch(/\/echo\?demo=wrong-subprotocol$/);
    expect(await page.getByLabel('Subprotocols').inputValue()).toBe('echo.v1');
    await page.getByRole('region', { name: 'Opening handshake' }).getByText(/The browser fails this connection/).waitFor();
    // Chromium's own console line for the failed handshake, and nothing else.
    for (const error of errors) expect(error).toMatch(/Sec-WebSocket-Protocol.*does not match any of sent values/);
  });

  it('200,000 frames (an imported capture in the decoder): the pings, exactly, and the page answers while it filters', { timeout: 300_000 }, async () => {
    // A capture of one connection: 200,000 server frames, every 100th a ping.
    const recorder = new CaptureRecorder();
    recorder.accept(hello() as unknown as WireMessage);
    recorder.accept(openMessage(1, 1, 100) as unknown as WireMessage);
    let offset = 0;
    for (let i = 0; i < 200_000; i++) {
      const ping = i % 100 === 0;
      const payload = new TextEncoder().encode(ping ? `p${i}` : `m${i}`);
      const bytes = encodeFrame({ fin: true, opcode: ping ? 0x9 : 0x1, payload }, (n) => new Uint8Array(n));
      recorder.accept({
        type: 'frame', t: 110 + i / 1000, wall: 1_700_000_000_110 + i, connection: 1, direction: 'out', offset, size: bytes.length,
        opcode: ping ? 0x9 : 0x1, fin: true, masked: false, payloadLength: payload.length, headerLength: 2, bytes: toHex(bytes), truncated: false,
      });
      offset += bytes.length;
    }
    const json = Buffer.from(serializeCapture(recorder.toCapture({ source: 'test' })));
    const { page, errors } = await suite.open(`http://127.0.0.1:${dev.port}/#/decode?view=capture`);
    await page.getByLabel('Choose a capture file').setInputFiles({ name: 'big.json', mimeType: 'application/json', buffer: json });
    const count = page.getByTestId('filter-count');
    await expect.poll(() => count.innerText(), { timeout: 180_000 }).toBe('200,000 frames');
    const list = page.getByRole('listbox', { name: /^Frames of this connection/ });
    const search = page.getByRole('searchbox');
    await page.getByRole('combobox', { name: 'Kind' }).selectOption('ping');
    // Typed at once, while the index is built: the page takes the keys (the box holds them) and the
    // filter ends as the two parts together.
    await search.pressSequentially('p1999');
    expect(await search.inputValue()).toBe('p1999');
    // The pings carry p0, p100, … p199900: only p199900 holds "p1999".
    await expect.poll(() => count.innerText(), { timeout: 60_000 }).toBe('1 of 200,000 frames');
    expect(await list.getByRole('option').evaluateAll((rows) => rows.map((row) => row.textContent ?? ''))).toEqual([expect.stringMatching(/ping[\s\S]*p199900/)]);
    await search.fill('');
    await expect.poll(() => count.innerText(), { timeout: 60_000 }).toBe('2,000 of 200,000 frames');
    const rows = await list.getByRole('option').evaluateAll((rows) => rows.map((row) => row.textContent ?? ''));
    expect(rows.length).toBeGreaterThan(3);
    for (const row of rows) expect(row).toMatch(/ping/);
    // ↓ from the search box selects the first ping.
    await search.press('ArrowDown');
    await list.getByRole('option', { selected: true, name: /ping/ }).waitFor();
    expect(errors).toEqual([]);
  });

  it('the chat page’s frame panel: the same filter and Copy', { timeout: 120_000 }, async () => {
    const { page, errors } = await suite.open(`http://127.0.0.1:${dev.port}/#/chat`, { viewport: { width: 390, height: 900 } });
    const nickname = page.getByLabel('Nickname');
    await expect.poll(() => nickname.inputValue(), { timeout: 90_000 }).toMatch(/^guest-[0-9a-f]{4}$/);
    await nickname.fill('Alice');
    await page.getByRole('button', { name: 'Join', exact: true }).click();
    const composer = page.getByRole('textbox', { name: 'Message' });
    for (const text of ['hello bob', 'alice here', 'bye']) {
      await composer.fill(text);
      await composer.press('Enter');
      await expect.poll(() => composer.inputValue()).toBe('');
    }
    const panel = page.getByRole('region', { name: /^This page.s frames/ });
    const list = panel.getByRole('listbox', { name: 'Chat frames' });
    await expect.poll(() => list.getByRole('option').count(), { timeout: 30_000 }).toBeGreaterThan(5);
    await panel.getByRole('combobox', { name: 'Direction' }).selectOption('client-to-server');
    await panel.getByRole('searchbox').fill('alice here');
    await expect.poll(() => panel.getByTestId('filter-count').innerText()).toMatch(/^1 of [\d,]+ frames/);
    expect(await list.getByRole('option').allInnerTexts()).toEqual([expect.stringMatching(/alice here/)]);
    await panel.getByRole('searchbox').press('ArrowDown');
    await panel.getByRole('heading', { name: 'Selected frame' }).waitFor();
    expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);
    await page.screenshot({ path: path.join(screenshotDir, 'find-chat-390.png'), fullPage: true });
    expect(errors).toEqual([]);
  });
});
