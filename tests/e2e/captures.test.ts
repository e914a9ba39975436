/**
 * Captures on the user's path, in Chromium against the built app served by the real server (one
 * port, as `npm start`): a playground session saved with "Save capture" as JSON and pcapng (tshark
 * dissects the pcapng's WebSocket frames as the codec does); kept in the browser (IndexedDB),
 * listed, renamed, reopened read-only in the playground's views, deleted; a saved JSON reopened in
 * the playground and on the decoder page; a Wireshark capture dropped on the decoder page; a
 * capture with no WebSocket, a cut file, a 100 MB file read in a worker with progress; the chat's
 * frame panel saving its capture. tests/e2e/captures-dev.test.ts takes the same path under
 * `npm run dev`. Screenshots go to docs/screenshots/capture-*.png with `npm run screenshots`.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Page } from 'playwright-core';
import WebSocket from 'ws';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { importCapture, parseCapture } from '../../src/capture';
import { createFramescopeServer, type FramescopeServer } from '../../server/server';
import { CI, have } from '../capture/tools';
import { fromCodec, problems, tsharkFrames, tsharkPackets } from '../wireshark/dissect';
import { builtAppDir } from './app';
import { describeBrowser } from './browser';
import { bigCapture, download, frameList, noWebSocketCapture, playSession } from './capture-session';
import { screenshotDir } from './screenshots';

const FIXTURES = path.resolve(__dirname, '../fixtures/captures');

function saveDialog(page: Page) {
  return page.getByRole('dialog', { name: 'Save capture' });
}

/** Drops `bytes` as a file named `name` on `selector`, as a user dragging it from the desktop. */
async function dropFile(page: Page, selector: string, name: string, bytes: Uint8Array): Promise<void> {
  const data = await page.evaluateHandle(
    ({ name, b64 }) => {
      const bin = atob(b64);
      const array = new Uint8Array(bin.length);
      for (let i = 0; i < bin.length; i++) array[i] = bin.charCodeAt(i);
      const transfer = new DataTransfer();
      transfer.items.add(new File([array], name));
      return transfer;
    },
    { name, b64: Buffer.from(bytes).toString('base64') },
  );
  await page.dispatchEvent(selector, 'dragover', { dataTransfer: data });
  await page.dispatchEvent(selector, 'drop', { dataTransfer: data });
}

describeBrowser('captures: save, keep, reopen, import', (suite) => {
  let server: FramescopeServer;
  let port = 0;
  let dir = '';
  const url = (hash = '#/'): string => `http://127.0.0.1:${port}/index.html${hash}`;
  /** The JSON and pcapng the first test saved. */
  const saved: { json?: Buffer; pcapng?: Buffer; pcapngPath?: string } = {};

  beforeAll(async () => {
    server = createFramescopeServer({ quiet: true, staticDir: builtAppDir(), pingInterval: 0, idleTimeout: 0 });
    port = (await server.listen(0, '127.0.0.1')).port;
    dir = mkdtempSync(path.join(tmpdir(), 'framescope-captures-'));
  });
  afterAll(async () => {
    await server?.close({ timeout: 500 });
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('saves the playground session as JSON and pcapng: every frame both ways, the handshake, reads and the close', async () => {
    const { page, errors } = await suite.open(url());
    await playSession(page);
    await page.getByRole('button', { name: 'Save capture' }).click();
    const dialog = saveDialog(page);
    await dialog.getByLabel('Name').fill('Lesson 3: fragments');
    await page.screenshot({ path: `${screenshotDir}capture-save-light.png` });
    const json = await download(page, dialog.getByRole('button', { name: 'Download JSON' }));
    expect(json.name).toBe('lesson-3-fragments.json');
    await dialog.getByRole('status').filter({ hasText: /^Saved lesson-3-fragments\.json \(1 connection, 12 frames/ }).waitFor();
    const pcapng = await download(page, dialog.getByRole('button', { name: 'Download pcapng' }));
    expect(pcapng.name).toBe('lesson-3-fragments.pcapng');
    saved.json = json.bytes;
    saved.pcapng = pcapng.bytes;
    saved.pcapngPath = path.join(dir, pcapng.name);
    writeFileSync(saved.pcapngPath, pcapng.bytes);

    // The JSON: our format, read back; the handshake, 12 frames with the server's times, the reads, the close.
    const parsed = parseCapture(json.bytes.toString('utf8'));
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    const capture = parsed.capture;
    expect(capture).toMatchObject({ format: 'framescope-capture', version: 1, name: 'Lesson 3: fragments', source: 'playground' });
    expect(capture.connections).toHaveLength(1);
    const [conn] = capture.connections;
    expect(conn!.path).toBe('/echo');
    expect(conn!.server).toBe(`127.0.0.1:${port}`);
    expect(conn!.response.status).toBe(101);
    const types = conn!.events.map((e) => e.type);
    expect(types.filter((t) => t === 'frame')).toHaveLength(12);
    expect(types.filter((t) => t === 'read').length).toBeGreaterThan(0);
    expect(types.at(-1)).toBe('closed');
    expect(conn!.events.at(-1)).toMatchObject({ type: 'closed', code: 1000, reason: 'done', wasClean: true });

    // The pcapng: the same frames, both ways, through the importer (the codec), as the JSON's.
    const fromPcapng = importCapture(pcapng.bytes);
    expect(fromPcapng.error).toBeNull();
    expect(fromPcapng.format).toBe('pcapng');
    const fromJson = importCapture(json.bytes);
    expect(fromPcapng.connections[0]!.frames.map((f) => [f.dir, fromCodec(f.frame)])).toEqual(fromJson.connections[0]!.frames.map((f) => [f.dir, fromCodec(f.frame)]));
    const ops = fromPcapng.connections[0]!.frames.map((f) => `${f.dir} ${f.frame.opcode}${f.frame.fin ? '' : '+'}`);
    expect(ops).toEqual(['c2s 1', 's2c 1', 'c2s 1', 's2c 1', 's2c 9', 'c2s 10', 'c2s 1', 's2c 1+', 's2c 0+', 's2c 0', 'c2s 8', 's2c 8']);
    expect(errors).toEqual([]);
  });

  it('tshark dissects the saved pcapng exactly as the codec does: the HTTP upgrade, then every WebSocket frame both ways', async (context) => {
    if (!have('tshark')) {
      if (CI) expect.fail('tshark not found (apt-get install tshark): CI=true needs it');
      console.warn('\n!!! tests/e2e/captures.test.ts: tshark not found (apt-get install tshark): the Wireshark check did NOT run\n');
      context.skip();
    }
    expect(saved.pcapngPath, 'the first test saved a pcapng').toBeDefined();
    const packets = tsharkPackets(saved.pcapngPath!, port);
    const report = importCapture(saved.pcapng!);
    const conn = report.connections[0]!;
    const clientPort = Number(conn.client.split(':').at(-1));
    const ts = tsharkFrames(packets, port);
    for (const dir of ['c2s', 's2c'] as const) {
      const ours = conn.frames.filter((f) => f.dir === dir).map((f) => fromCodec(f.frame));
      expect(ours.length, dir).toBe(dir === 'c2s' ? 5 : 7);
      expect(ts.get(`${clientPort} ${dir}`), dir).toEqual(ours);
    }
    const http = packets.map((l) => l.http as Record<string, unknown> | undefined).filter((h) => h !== undefined);
    expect(http.some((h) => JSON.stringify(h).includes('"http.response.code":"101"'))).toBe(true);
    expect(http.some((h) => JSON.stringify(h).includes('"http.request.method":"GET"'))).toBe(true);
    expect(problems(packets)).toEqual([]);

    // README's picture: tshark (Wireshark's dissector, in a terminal) listing the saved file.
    const listing = spawnSync('tshark', ['-r', saved.pcapngPath!, '-d', `tcp.port==${port},http`], { encoding: 'utf8' }).stdout;
    const { page } = await suite.newPage({ viewport: { width: 1280, height: 560 } });
    const escaped = listing.replace(/&/g, '&amp;').replace(/</g, '&lt;');
    await page.setContent(`<body style="margin:0;background:#101418;color:#e8ebf0"><pre style="margin:0;padding:16px;font:13px/1.45 'DejaVu Sans Mono',monospace">$ tshark -r lesson-3-fragments.pcapng -d tcp.port==${port},http\n${escaped}</pre></body>`);
    await page.screenshot({ path: `${screenshotDir}capture-tshark.png`, fullPage: true });
    await page.close();
  });

  it('keeps a capture in this browser: listed with name, date and frames; renamed, opened read-only, downloaded, deleted', async () => {
    const { page, errors } = await suite.open(url());
    await playSession(page);
    await page.getByRole('button', { name: 'Save capture' }).click();
    const dialog = saveDialog(page);
    await dialog.getByLabel('Name').fill('Kept lesson');
    await dialog.getByRole('button', { name: 'Keep in this browser' }).click();
    await dialog.getByRole('status').filter({ hasText: /^Kept “Kept lesson” in this browser \(1 connection, 12 frames\)/ }).waitFor();
    await dialog.getByRole('button', { name: 'Close' }).click();

    // Listed, and still there after a reload (IndexedDB, nothing sent anywhere).
    await page.reload();
    const table = page.getByRole('table', { name: 'Captures kept in this browser' });
    const row = table.getByRole('row', { name: /Kept lesson/ });
    await row.waitFor();
    expect(await row.getByRole('cell').nth(1).innerText()).toBe('12');
    expect(await row.getByRole('cell').first().innerText()).toMatch(/\d{4}/);

    await table.getByRole('button', { name: 'Rename Kept lesson' }).click();
    const field = table.getByRole('textbox', { name: 'New name for Kept lesson' });
    await field.fill('Lesson four');
    await field.press('Enter');
    await table.getByRole('row', { name: /Lesson four/ }).waitFor();

    // Opened: the playground's views, read-only, with the saved frames.
    await table.getByRole('button', { name: 'Open Lesson four' }).click();
    const lesson = page.getByRole('region', { name: 'Saved capture: Lesson four' });
    await lesson.waitFor();
    const list = lesson.getByRole('listbox', { name: 'Frames in the saved capture' });
    await expect.poll(() => list.getByRole('option').count()).toBeGreaterThan(5);
    await list.getByRole('option', { name: /client to server, .*, text, FIN 1, MASK 1, 5 bytes, “Hello”/ }).click();
    await lesson.getByRole('button', { name: /^MASK\s*:\s*1/ }).waitFor();
    const steps = lesson.getByRole('list', { name: /readyState steps of connection 1/ });
    expect(await steps.innerText()).toMatch(/CLOSED \(3\)/);
    expect(await lesson.innerText()).toMatch(/close: code 1000, reason "done", wasClean true/);
    expect(await lesson.getByRole('button', { name: /^(Connect|Send|Disconnect)$/ }).count()).toBe(0);
    await lesson.evaluate((el) => el.scrollIntoView());
    await page.screenshot({ path: `${screenshotDir}capture-lesson-light.png` });

    const pcapng = await download(page, table.getByRole('button', { name: 'Download Lesson four as pcapng' }));
    expect(pcapng.name).toBe('lesson-four.pcapng');
    expect(importCapture(pcapng.bytes).connections[0]!.frames).toHaveLength(12);

    await table.getByRole('button', { name: 'Delete Lesson four' }).click();
    await table.getByRole('button', { name: 'Yes, delete Lesson four' }).click();
    await page.getByText('None yet: “Save capture”, then “Keep in this browser”.').waitFor();
    expect(errors).toEqual([]);
  });

  it('opens a saved JSON file in the playground, read-only', async () => {
    expect(saved.json).toBeDefined();
    const { page, errors } = await suite.open(url());
    await page.getByLabel('Open a capture file').setInputFiles({ name: 'lesson-3-fragments.json', mimeType: 'application/json', buffer: saved.json! });
    const lesson = page.getByRole('region', { name: 'Saved capture: Lesson 3: fragments' });
    await lesson.waitFor();
    expect(await lesson.getByRole('listbox', { name: 'Frames in the saved capture' }).getByRole('option').count()).toBeGreaterThan(5);
    await lesson.getByText('Matches the server’s Sec-WebSocket-Accept').waitFor();
    // A pcapng goes to the decoder page, which says so.
    await page.getByLabel('Open a capture file').setInputFiles({ name: 'x.pcapng', mimeType: 'application/octet-stream', buffer: saved.pcapng! });
    await page.getByRole('alert').filter({ hasText: 'x.pcapng is a pcapng file' }).waitFor();
    // A broken JSON says what and where.
    await page.getByLabel('Open a capture file').setInputFiles({ name: 'broken.json', mimeType: 'application/json', buffer: Buffer.from('{"format": "framescope-capture", "version": 1,\n  "connections": 5 }') });
    await page.getByRole('alert').filter({ hasText: /broken\.json cannot be opened: connections: expected an array, not number 5 \(line 2, column \d+\)/ }).waitFor();
    expect(errors).toEqual([]);
  });

  it('the decoder page opens the saved JSON: its connection, and its frames in the same list and grid', async () => {
    const { page, errors } = await suite.open(url('#/decode'));
    await page.getByRole('tab', { name: 'Open a capture' }).click();
    await page.getByLabel('Choose a capture file').setInputFiles({ name: 'lesson-3-fragments.json', mimeType: 'application/json', buffer: saved.json! });
    await page.getByText(/lesson-3-fragments\.json: Framescope JSON capture, .*: 1 WebSocket connection\./).waitFor();
    const list = frameList(page, 'Frames of this connection');
    await expect.poll(() => list.getByRole('option').count()).toBe(12);
    await list.getByRole('option', { name: /server to client, .*, text, FIN 1, MASK 0, 200 bytes/ }).click();
    await page.getByRole('button', { name: /^Extended payload length\s*:\s*[01]+ = 200/ }).waitFor();
    expect(errors).toEqual([]);
  });

  it('a Wireshark pcapng dropped on the decoder page: the connection, its handshake checked, every frame', async () => {
    const { page, errors } = await suite.open(url('#/decode'), { colorScheme: 'dark' });
    const bytes = readFileSync(path.join(FIXTURES, 'echo-lo.pcapng'));
    const expected = JSON.parse(readFileSync(path.join(FIXTURES, 'echo-lo.pcapng.expected.json'), 'utf8')) as { frames: unknown[] };
    const frames = importCapture(bytes).connections[0]!.frames;
    expect(frames).toHaveLength(expected.frames.length);
    // Dropped anywhere on the page (here: the heading), it opens in the capture tab.
    await dropFile(page, 'h1', 'echo-lo.pcapng', bytes);
    await page.getByRole('tab', { name: 'Open a capture', selected: true }).waitFor();
    await page.getByText(/echo-lo\.pcapng: pcapng \(ethernet\), .*: 1 WebSocket connection\./).waitFor();
    await page.getByText('matches the key (RFC 6455 §4.2.2)').waitFor();
    const list = frameList(page, 'Frames of this connection');
    await expect.poll(() => list.getByRole('option').count()).toBeGreaterThan(5);
    const describe = (i: number): RegExp => {
      const f = frames[i]!;
      const dir = f.dir === 'c2s' ? 'client to server' : 'server to client';
      return new RegExp(`^Frame ${i + 1}, ${dir}, .*, FIN ${f.frame.fin ? 1 : 0}, MASK ${f.frame.masked ? 1 : 0}, ${f.frame.payloadLength.toLocaleString('en-US')} bytes?`);
    };
    for (let i = 0; i < 5; i++) await list.getByRole('option', { name: describe(i) }).waitFor();
    // The keyboard reaches the last frame: the list holds every one.
    await list.getByRole('option').first().click();
    await list.press('End');
    await list.getByRole('option', { name: describe(frames.length - 1), selected: true }).waitFor();
    // Home: the first frame again, its bits in the grid below.
    await list.press('Home');
    await list.getByRole('option', { name: describe(0), selected: true }).waitFor();
    await page.getByRole('button', { name: /^MASK\s*:\s*1/ }).waitFor();
    await page.getByText(/^echo-lo\.pcapng/).evaluate((el) => el.scrollIntoView());
    await page.screenshot({ path: `${screenshotDir}capture-decoder-dark.png` });
    expect(errors).toEqual([]);
  });

  it('says when a capture has no WebSocket in it, and where a cut file ends', async () => {
    const { page, errors } = await suite.open(url('#/decode?view=capture'));
    await page.getByLabel('Choose a capture file').setInputFiles({ name: 'web.pcapng', mimeType: 'application/octet-stream', buffer: Buffer.from(noWebSocketCapture()) });
    await page.getByText(/No WebSocket in this capture\./).waitFor();
    expect(await page.locator('.capture-panel').innerText()).toMatch(/Its one TCP connection did not begin with an HTTP request to upgrade to WebSocket \(Upgrade: websocket, RFC 6455 §4\.1\)/);

    const whole = readFileSync(path.join(FIXTURES, 'echo-lo.pcapng'));
    const cut = whole.subarray(0, whole.length - 50);
    await page.getByLabel('Choose a capture file').setInputFiles({ name: 'cut.pcapng', mimeType: 'application/octet-stream', buffer: cut });
    const alert = page.getByRole('alert').filter({ hasText: /^The file is cut short at byte [\d,]+:/ });
    await alert.waitFor();
    // Everything before the cut is shown.
    await expect.poll(() => frameList(page, 'Frames of this connection').getByRole('option').count()).toBeGreaterThan(10);

    await page.getByLabel('Choose a capture file').setInputFiles({ name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('hello, this is not a capture') });
    await page.getByRole('alert').filter({ hasText: /^This is not a capture file this page reads at byte 0: / }).waitFor();
    expect(errors).toEqual([]);
  });

  it('reads a 100 MB capture in a worker with progress, the page answering all along', async () => {
    const file = path.join(dir, 'big.pcapng');
    const made = await bigCapture(file, 100);
    const { page, errors } = await suite.open(url('#/decode?view=capture'));
    await page.evaluate(() => {
      const w = window as unknown as { longest: number; values: number[] };
      w.longest = 0;
      w.values = [];
      new PerformanceObserver((list) => {
        for (const entry of list.getEntries()) w.longest = Math.max(w.longest, entry.duration);
      }).observe({ type: 'longtask', buffered: true });
      // The progress bar's value at every frame the page draws.
      const look = (): void => {
        const bar = document.querySelector('progress');
        if (bar) w.values.push(bar.value);
        requestAnimationFrame(look);
      };
      requestAnimationFrame(look);
    });
    await page.getByLabel('Choose a capture file').setInputFiles(file);
    const bar = page.getByRole('progressbar');
    await bar.waitFor();
    // The page answers while the file is read (the bar is still there after the answer).
    await page.evaluate(() => document.title);
    const answeredWhileReading = (await bar.count()) > 0;
    await page.getByText(/big\.pcapng: pcapng \(ethernet\), 9\d\.\d MiB, .*: 1 WebSocket connection\./).waitFor({ timeout: 120_000 });
    const values = await page.evaluate(() => (window as unknown as { values: number[] }).values);
    const between = new Set(values.filter((v) => v > 0 && v < made.size));
    // The bar moves through the file (how many steps the page gets to draw depends on the machine's
    // speed: a quiet one reads 100 MB in a third of a second, 20 frames, 2 of them mid-file).
    expect(between.size, `progress values between 0 and the size (${values.length} seen)`).toBeGreaterThanOrEqual(1);
    expect(answeredWhileReading, 'the page answered while the file was being read').toBe(true);
    await expect.poll(() => frameList(page, 'Frames of this connection').getByRole('option').count()).toBeGreaterThan(5);
    const longest = await page.evaluate(() => (window as unknown as { longest: number }).longest);
    console.log(`100 MB capture (${made.frames.toLocaleString('en-US')} frames): longest main-thread task ${Math.round(longest)} ms (a figure, not asserted)`);
    expect(errors).toEqual([]);
  }, 240_000);

  it('a teacher watching the whole class (--class) saves every student\u2019s connection', async () => {
    const classServer = createFramescopeServer({ quiet: true, staticDir: builtAppDir(), pingInterval: 0, idleTimeout: 0, classMode: true });
    const classPort = (await classServer.listen(0, '127.0.0.1')).port;
    try {
      const { page, errors } = await suite.open(`http://127.0.0.1:${classPort}/index.html#/class?teacher=${classServer.teacherToken}`);
      const view = page.getByRole('region', { name: 'The class' });
      await view.getByRole('status').filter({ hasText: /^Watching the class/ }).waitFor();
      // Two students, each with its own session.
      for (const student of ['alice', 'bob']) {
        const ws = new WebSocket(`ws://127.0.0.1:${classPort}/echo?session=${student}-0123456789abcdef`);
        await new Promise((resolve) => ws.once('open', resolve));
        ws.send(`hello from ${student}`);
        await new Promise((resolve) => ws.once('message', resolve));
        ws.close(1000);
      }
      await expect.poll(() => view.getByRole('listbox').getByRole('option').count()).toBeGreaterThanOrEqual(4);
      await view.getByRole('button', { name: 'Save capture' }).click();
      const json = await download(page, saveDialog(page).getByRole('button', { name: 'Download JSON' }));
      const parsed = parseCapture(json.bytes.toString('utf8'));
      if (!parsed.ok) throw new Error(parsed.error.message);
      expect(parsed.capture.source).toBe('class');
      expect(parsed.capture.connections.map((c) => c.session?.split('-')[0]).sort()).toEqual(['alice', 'bob']);
      const report = importCapture(json.bytes);
      expect(report.connections.flatMap((c) => c.messages.filter((m) => m.dir === 'c2s' && m.text).map((m) => m.text)).sort()).toEqual(['hello from alice', 'hello from bob']);
      expect(errors).toEqual([]);
    } finally {
      await classServer.close({ timeout: 300 });
    }
  });

  it('the chat page\u2019s frame panel saves its capture', async () => {
    const { page, errors } = await suite.open(url('#/chat'));
    const nickname = page.getByLabel('Nickname');
    await expect.poll(() => nickname.inputValue()).toMatch(/^guest-/);
    await nickname.fill('saver');
    await page.getByRole('button', { name: 'Join', exact: true }).click();
    await page.getByRole('log', { name: 'Messages' }).getByText('You joined as saver', { exact: true }).waitFor();
    const panel = page.locator('#chat-frames');
    if (!(await panel.isVisible())) await page.getByRole('button', { name: 'Show frames' }).click();
    await panel.getByRole('button', { name: 'Save capture' }).click();
    const json = await download(page, saveDialog(page).getByRole('button', { name: 'Download JSON' }));
    const parsed = parseCapture(json.bytes.toString('utf8'));
    expect(parsed.ok && parsed.capture.source).toBe('chat');
    expect(parsed.ok && parsed.capture.connections.some((c) => c.path === '/chat' && c.events.some((e) => e.type === 'frame'))).toBe(true);
    expect(errors).toEqual([]);
  });
});
