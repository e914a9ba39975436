/**
 * The playground in Chromium against the built app served by the real server (one port, as with
 * `npm start`): the browser's own WebSocket to /echo, frames from the inspector tap, the
 * readyState timeline, the demonstrations (ping, every protocol violation), 100,000 frames.
 * Screenshots (npm run screenshots) go to docs/screenshots/playground-*.png.
 */
import { screenshotDir } from './screenshots';
import { mkdir } from 'node:fs/promises';
import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createFramescopeServer, type FramescopeServer } from '../../server/server';
import { builtAppDir } from './app';
import { describeBrowser, type BrowserSuite, type OpenedPage } from './browser';

const screenshots = screenshotDir;

const GRID_LABELS = ['FIN', 'RSV1', 'RSV2', 'RSV3', 'Opcode', 'MASK', 'Payload length', 'Payload'];

const VIOLATIONS = [
  'Masked server frame',
  'RSV1 set',
  'Reserved opcode 0x3',
  'Invalid UTF-8 in text',
  'Control frame over 125 bytes',
  'Fragmented ping',
];

function frameList(page: Page): Locator {
  return page.getByRole('listbox', { name: /^Frames on the wire/ });
}

function selectedFrame(page: Page): Locator {
  return page.getByRole('region', { name: 'Selected frame' });
}

function timeline(page: Page): Locator {
  return page.getByRole('region', { name: 'readyState timeline' });
}

/**
 * A bit-grid field of the selected frame, by its accessible name: the label, a colon, the bits
 * for a wider field and then its value ("Opcode: 0001 = 0x1 text, bits 4 to 7"; "MASK: 1, bit 8").
 * `value` omitted: any value.
 */
function gridField(page: Page, label: string, value?: string): Locator {
  const escape = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const name = new RegExp(`^${escape(label)}: ${value === undefined ? '' : `(?:[01·]+ = )?${escape(value)}(?:,|$)`}`);
  return selectedFrame(page).getByRole('group', { name: /Frame header bits/ }).getByRole('button', { name });
}

async function openPlayground(suite: BrowserSuite, url: string, colorScheme: 'light' | 'dark' = 'light'): Promise<OpenedPage> {
  const opened = await suite.open(url, { colorScheme });
  await opened.page.getByRole('heading', { level: 1, name: 'Playground' }).waitFor();
  return opened;
}

async function connect(page: Page): Promise<void> {
  await page.getByRole('button', { name: /^(Connect|Reconnect)$/ }).click();
  await expect.poll(() => page.getByRole('status').filter({ hasText: /^Connection \d+: OPEN/ }).count()).toBe(1);
}

async function sendText(page: Page, text: string): Promise<void> {
  const box = page.getByRole('textbox', { name: 'Text message' });
  await box.fill(text);
  await box.press('Enter');
  await expect.poll(() => box.inputValue()).toBe('');
}

describeBrowser('playground', (suite) => {
  let server: FramescopeServer;
  let port = 0;
  const url = (): string => `http://127.0.0.1:${port}/index.html#/`;

  beforeAll(async () => {
    server = createFramescopeServer({ quiet: true, staticDir: builtAppDir(), pingInterval: 0, idleTimeout: 0 });
    port = (await server.listen(0, '127.0.0.1')).port;
    await mkdir(screenshots, { recursive: true });
  });
  afterAll(async () => {
    await server?.close({ timeout: 500 });
  });

  it('connects, sends "Hello", shows the masked client frame and the unmasked echo, closes with 1000', async () => {
    const { page, errors } = await openPlayground(suite, url());
    expect(await page.getByLabel('WebSocket URL').inputValue()).toBe(`ws://127.0.0.1:${port}/echo`);
    await connect(page);
    await sendText(page, 'Hello');

    const list = frameList(page);
    const client = list.getByRole('option', { name: /client to server, .*, text, FIN 1, MASK 1, 5 bytes, “Hello”/ });
    const echo = list.getByRole('option', { name: /server to client, .*, text, FIN 1, MASK 0, 5 bytes, “Hello”/ });
    await client.waitFor();
    await echo.waitFor();
    expect(await list.getByRole('option').count()).toBe(2);

    // The client's frame: MASK 1, a masking key, every label of the grid.
    await client.click();
    expect(await client.getAttribute('aria-selected')).toBe('true');
    await gridField(page, 'MASK', '1').waitFor();
    for (const label of [...GRID_LABELS, 'Masking key']) {
      expect(await gridField(page, label).count(), label).toBeGreaterThan(0);
    }
    const grid = selectedFrame(page).getByRole('group', { name: /Frame header bits/ });
    for (const label of [...GRID_LABELS, 'Masking key']) {
      expect(await grid.getByText(label, { exact: true }).count(), `visible label ${label}`).toBeGreaterThan(0);
    }
    expect(await gridField(page, 'Opcode', '0x1 text').count()).toBe(1);
    expect(await gridField(page, 'Payload length', '5').count()).toBe(1);
    expect(await selectedFrame(page).getByText('client → server').count()).toBeGreaterThan(0);
    const link = selectedFrame(page).getByRole('link', { name: 'Open in decoder' });
    expect(await link.getAttribute('href')).toMatch(/^#\/decode\?role=client&hex=8185[0-9a-f]{8}[0-9a-f]{10}$/);

    // The server's echo: MASK 0, no masking key.
    await echo.click();
    await gridField(page, 'MASK', '0').waitFor();
    expect(await gridField(page, 'Masking key').count()).toBe(0);
    for (const label of GRID_LABELS) {
      expect(await gridField(page, label).count(), label).toBeGreaterThan(0);
    }

    // The handshake, with Sec-WebSocket-Accept computed in the page and matching the server's.
    await page.getByText('Matches the server’s Sec-WebSocket-Accept').waitFor();

    // Disconnect with 1000: OPEN, then CLOSED, with code 1000 and wasClean true.
    await page.getByLabel('Close code').selectOption('1000');
    await page.getByRole('button', { name: 'Disconnect' }).click();
    const steps = timeline(page).getByRole('list', { name: /readyState steps of connection 1/ });
    await steps.getByRole('listitem').filter({ hasText: 'CLOSED' }).and(steps.locator('[aria-current="step"]')).waitFor();
    const stepText = await steps.innerText();
    expect(stepText).toMatch(/OPEN \(1\)\s+[\d.,]+ ms/);
    expect(stepText).toMatch(/CLOSED \(3\)\s+[\d.,]+ ms/);
    expect(await timeline(page).innerText()).toMatch(/close: code 1000(, reason "[^"]*")?, wasClean true/);
    expect(await timeline(page).innerText()).toMatch(/close\(1000, "done"\) called/);
    await page.getByRole('status').filter({ hasText: 'Closed with 1000 (Normal Closure).' }).waitFor();
    // The Close frames of both sides are in the list.
    await list.getByRole('option', { name: /client to server, .*, close, .*code 1000/ }).waitFor();
    await list.getByRole('option', { name: /server to client, .*, close, .*code 1000/ }).waitFor();
    expect(errors).toEqual([]);
  });

  it('shows the 16-bit length form for a 200-byte message', async () => {
    const { page, errors } = await openPlayground(suite, url());
    await connect(page);
    await page.getByRole('radio', { name: 'N bytes' }).check();
    await page.getByRole('spinbutton', { name: 'Payload size in bytes' }).fill('200');
    await page.getByText('200 bytes: Payload length 126, then a 16-bit Extended payload length of 200.').waitFor();
    await page.getByRole('button', { name: 'Send', exact: true }).click();

    const client = frameList(page).getByRole('option', { name: /client to server, .*, text, FIN 1, MASK 1, 200 bytes/ });
    await client.click();
    await gridField(page, 'Payload length', '126').waitFor();
    await gridField(page, 'Extended payload length', '200').waitFor();
    expect(await selectedFrame(page).getByText('Extended payload length', { exact: true }).count()).toBeGreaterThan(0);

    const echo = frameList(page).getByRole('option', { name: /server to client, .*, text, FIN 1, MASK 0, 200 bytes/ });
    await echo.click();
    await gridField(page, 'Extended payload length', '200').waitFor();
    expect(errors).toEqual([]);
  });

  it('refuses an empty message and bad hex, saying why and where', async () => {
    const { page } = await openPlayground(suite, url());
    await connect(page);
    await page.getByRole('textbox', { name: 'Text message' }).press('Enter');
    await page.getByRole('alert').filter({ hasText: /Nothing to send/ }).waitFor();
    await page.getByRole('radio', { name: 'Binary from hex' }).check();
    await page.getByRole('textbox', { name: 'Bytes as hex' }).fill('48 65\n6c zz');
    await page.getByRole('button', { name: 'Send', exact: true }).click();
    await page.getByRole('alert').filter({ hasText: /^Line 2, column \d+: / }).waitFor();
    expect(await page.getByRole('textbox', { name: 'Bytes as hex' }).getAttribute('aria-invalid')).toBe('true');
    // Greyed-out close codes say why.
    expect(await page.getByRole('option', { name: /^1001 Going Away \(browser only\)/ }).isDisabled()).toBe(true);
  });

  it('asks the server to ping and shows the ping and the browser\u2019s pong', async () => {
    const { page, errors } = await openPlayground(suite, url());
    await connect(page);
    await page.getByRole('button', { name: 'Ask the server to ping' }).click();
    const list = frameList(page);
    await list.getByRole('option', { name: /server to client, .*, ping, FIN 1, MASK 0, 10 bytes, “framescope”/ }).waitFor();
    const pong = list.getByRole('option', { name: /client to server, .*, pong, FIN 1, MASK 1, 10 bytes, “framescope”/ });
    await pong.waitFor();
    await pong.click();
    await gridField(page, 'Opcode', '0xA pong').waitFor();
    // No JavaScript event for either: the timeline has no message.
    expect(await timeline(page).innerText()).not.toMatch(/message:/);
    expect(errors).toEqual([]);
  });

  it('echoes the next message in fragments', async () => {
    const { page } = await openPlayground(suite, url());
    await connect(page);
    await page.getByRole('spinbutton', { name: 'fragments' }).fill('3');
    await page.getByRole('button', { name: 'Echo the next message in fragments' }).click();
    await page.getByRole('status').filter({ hasText: /^Server: / }).waitFor();
    await sendText(page, 'fragment me, please');
    const list = frameList(page);
    await list.getByRole('option', { name: /server to client, .*, text, FIN 0, MASK 0/ }).waitFor();
    await list.getByRole('option', { name: /server to client, .*, continuation, FIN 1, MASK 0/ }).waitFor();
    // One message event for the three frames.
    await expect.poll(async () => (await timeline(page).innerText()).match(/message: text/g)?.length ?? 0).toBe(1);
  });

  for (const [i, violation] of VIOLATIONS.entries()) {
    it(`explains the failed connection after "${violation}" (1006 in the browser)`, async () => {
      const scheme = i === 1 ? 'dark' : 'light';
      const { page } = await openPlayground(suite, url(), scheme);
      await connect(page);
      await sendText(page, 'before');
      await page.getByRole('button', { name: violation }).click();

      // Chromium fails the connection on each (browsers-compared.test.ts checks what each browser did).
      const explanation = page.getByRole('status').filter({ hasText: /^Chromium \d+ failed the connection, as the RFC requires\./ });
      await explanation.waitFor();
      const text = await explanation.innerText();
      expect(text).toContain(violation);
      expect(text).toMatch(/close event with code 1006 and wasClean false/);
      expect(text).toMatch(/§7\.1\.7/);

      const steps = timeline(page).getByRole('list', { name: /readyState steps of connection 1/ });
      const stepText = await steps.innerText();
      expect(stepText).toMatch(/OPEN \(1\)\s+[\d.,]+ ms/);
      expect(stepText).toMatch(/CLOSED \(3\)\s+[\d.,]+ ms/);
      const events = await timeline(page).innerText();
      expect(events).toMatch(/error: the browser failed the connection/);
      expect(events).toMatch(/close: code 1006, wasClean false/);
      // The broken frame is in the list, marked; so is the Close frame the browser sent before
      // dropping TCP, and the explanation quotes it.
      await frameList(page).getByRole('option', { name: /broken on purpose/ }).first().waitFor();
      await frameList(page).getByRole('option', { name: /client to server, .*, close, .*code 10\d\d/ }).waitFor();
      // The demonstration ends on the broken frame, not the Close frames after it, with its fault
      // pinned as the decoder pins it: rule, close code, RFC section, the bits and the byte.
      const chosen = frameList(page).locator('[role="option"][aria-selected="true"]');
      expect(await chosen.getAttribute('aria-label') ?? (await chosen.innerText())).toMatch(/broken on purpose/);
      const fault = selectedFrame(page).getByRole('note', { name: 'Fault' });
      await fault.waitFor();
      expect(await fault.innerText()).toMatch(new RegExp(`Fault at bytes? \\d+.*: close with ${violation === 'Invalid UTF-8 in text' ? '1007 Invalid Frame Payload Data' : '1002 Protocol Error'}`));
      expect(await fault.getByRole('link', { name: /^RFC 6455 §\d/ }).count()).toBe(1);
      expect(await selectedFrame(page).getByRole('group', { name: /Frame header bits/ }).getByRole('button', { name: /, at fault$/ }).count()).toBeGreaterThan(0);
      expect(await selectedFrame(page).locator('.hexview .b.fault').count()).toBeGreaterThan(0);
      await page.getByRole('status').filter({ hasText: /On the wire Chromium \d+ told the server why: a Close frame with code 10\d\d/ }).waitFor();
      if (violation === 'Invalid UTF-8 in text') {
        // Chromium's Close frame says 1002 here; RFC 6455 §7.4.1 gives 1007: the page says so when they differ.
        const said = await explanation.innerText();
        const sent = /a Close frame with code (\d+)/.exec(said)?.[1];
        if (sent === '1007') expect(said).not.toContain('Note the code');
        else expect(said).toMatch(new RegExp(`Note the code: Chromium \\d+ sent ${sent}`));
      }
      if (i <= 1) {
        await page.evaluate(() => window.scrollTo(0, 0));
        await page.screenshot({ path: `${screenshots}playground-violation-${scheme}.png` });
      }
    });
  }

  for (const scheme of ['light', 'dark'] as const) {
    it(`takes the ${scheme} screenshots of a session (1280x720)`, async () => {
      const { page, errors } = await openPlayground(suite, url(), scheme);
      await connect(page);
      await sendText(page, 'Hello');
      await page.getByRole('radio', { name: 'N bytes' }).check();
      await page.getByRole('spinbutton', { name: 'Payload size in bytes' }).fill('200');
      await page.getByRole('button', { name: 'Send', exact: true }).click();
      await page.getByRole('button', { name: 'Ask the server to ping' }).click();
      const list = frameList(page);
      await list.getByRole('option', { name: /client to server, .*, pong/ }).waitFor();
      await list.getByRole('option', { name: /client to server, .*, text, .*“Hello”/ }).click();
      await page.getByText('Matches the server’s Sec-WebSocket-Accept').waitFor();
      await page.evaluate(() => window.scrollTo(0, 0));
      await page.screenshot({ path: `${screenshots}playground-${scheme}.png` });
      await page.evaluate(() => {
        document.getElementById('frame-title')?.closest('section')?.scrollIntoView();
        window.scrollBy(0, -12);
      });
      await page.screenshot({ path: `${screenshots}playground-frame-${scheme}.png` });
      await page.evaluate(() => {
        document.getElementById('handshake-title')?.closest('section')?.scrollIntoView();
        window.scrollBy(0, -12);
      });
      await page.screenshot({ path: `${screenshots}playground-handshake-${scheme}.png` });
      expect(errors).toEqual([]);
    });
  }

  it('names every control for a screen reader', async () => {
    const { page, errors } = await openPlayground(suite, url());
    await connect(page);
    await sendText(page, 'Hello');
    await frameList(page).getByRole('option', { name: /client to server/ }).click();
    await page.getByText('Matches the server’s Sec-WebSocket-Accept').waitFor();
    const cdp = await page.context().newCDPSession(page);
    const { nodes } = (await cdp.send('Accessibility.getFullAXTree')) as {
      nodes: { ignored: boolean; role?: { value: string }; name?: { value: string } }[];
    };
    const interactive = new Set(['button', 'textbox', 'combobox', 'checkbox', 'radio', 'spinbutton', 'listbox', 'option', 'link', 'slider']);
    const unnamed = nodes
      .filter((node) => !node.ignored && interactive.has(node.role?.value ?? ''))
      .filter((node) => (node.name?.value ?? '').trim() === '')
      .map((node) => node.role?.value);
    expect(unnamed).toEqual([]);
    // Landmarks and headings a screen reader can jump by.
    for (const name of ['readyState timeline', 'Send a message', 'Frames on the wire', 'Server demonstrations', 'Selected frame', 'Opening handshake', 'TCP reads on the server']) {
      expect(await page.getByRole('heading', { level: 2, name }).count(), name).toBe(1);
    }
    expect(errors).toEqual([]);
  });

  it('keeps 100,000 frames smooth: a bounded ring, only visible rows in the DOM', { timeout: 180_000 }, async () => {
    const { page, errors } = await openPlayground(suite, url());
    await connect(page);
    // A second socket in the same session (the tab's token) sends 50,000 messages: with their
    // echoes, 100,000 frames for the tap. Paced by batches, so the tap never has to drop events
    // (it would, and the page would say so, if the page fell behind a faster flood).
    const echoed = await page.evaluate(async (target) => {
      const listed = (): number => {
        const label = document.querySelector('[role="listbox"]')?.getAttribute('aria-label') ?? '';
        return Number(label.replace(/\D/g, ''));
      };
      const session = sessionStorage.getItem('framescope.session') ?? '';
      const ws = new WebSocket(`${target}?session=${session}&conn=99`);
      await new Promise((resolve, reject) => {
        ws.onopen = resolve;
        ws.onerror = reject;
      });
      let received = 0;
      ws.onmessage = () => received++;
      const BATCH = 2_000;
      for (let batch = 0; batch < 25; batch++) {
        for (let i = 0; i < BATCH; i++) ws.send(`m${batch * BATCH + i}`);
        const want = (batch + 1) * BATCH;
        const deadline = performance.now() + 60_000; // a harness limit: a loaded CI machine is slow, not wrong
        while (received < want || listed() < 2 * want) {
          if (performance.now() > deadline) throw new Error(`batch ${batch}: ${received} echoes, ${listed()} frames listed`);
          await new Promise((resolve) => setTimeout(resolve, 10));
        }
      }
      // The closing handshake adds two frames; they must be in the ring before Home picks its
      // oldest frame, or they push that frame out of the 100,000 kept while the test waits for it.
      await new Promise((resolve) => {
        ws.onclose = resolve;
        ws.close(1000);
      });
      return received;
    }, `ws://127.0.0.1:${port}/echo`);
    expect(echoed).toBe(50_000);

    const list = frameList(page);
    // 100,000 frames of the flood (and a few of the page's own connection), newest kept.
    await expect
      .poll(async () => Number(((await list.getAttribute('aria-label')) ?? '').replace(/\D/g, '')), { timeout: 30_000 })
      .toBe(100_000);
    // Following, the newest rows are drawn: the flood's last two frames are its Close frames.
    await expect
      .poll(async () => (await list.locator('[aria-posinset="99999"], [aria-posinset="100000"]').allInnerTexts()).join(' | '), { timeout: 30_000 })
      .toMatch(/close, FIN[\s\S]*\|[\s\S]*close, FIN/);
    const rendered = await list.getByRole('option').count();
    expect(rendered).toBeGreaterThan(5);
    expect(rendered).toBeLessThan(60);
    expect(await page.getByText(/100,000 \/ 100,000 kept/).count()).toBe(1);
    expect(await page.getByText(/skipped by the server/).count()).toBe(0);

    // Jump to the top and back with the keyboard: the selected row is drawn wherever it is, and the
    // list still draws a window of rows, not 100,000.
    await list.focus();
    await list.press('Home');
    await list.locator('[aria-posinset="1"][aria-selected="true"]').waitFor();
    await list.press('End');
    await list.locator('[aria-posinset="100000"][aria-selected="true"]').waitFor();
    await list.press('PageUp');
    await list.press('ArrowUp');
    const selected = Number(await list.locator('[aria-selected="true"]').getAttribute('aria-posinset'));
    expect(selected).toBeGreaterThan(1);
    expect(selected).toBeLessThan(100_000 - 1);
    expect(await list.getByRole('option').count()).toBeLessThan(60);

    await page.getByRole('button', { name: 'Clear' }).click();
    await expect.poll(() => list.getAttribute('aria-label')).toBe('Frames on the wire: 0 frames');
    expect(errors).toEqual([]);
  });

  it('explains a refused handshake with the server\u2019s status and reason', async () => {
    const { page } = await openPlayground(suite, url());
    await page.getByLabel('WebSocket URL').fill(`ws://127.0.0.1:${port}/nope`);
    await page.getByRole('button', { name: 'Connect', exact: true }).click();
    const explanation = page.getByRole('status').filter({ hasText: 'The server refused the handshake (HTTP 404).' });
    await explanation.waitFor();
    const steps = await timeline(page).getByRole('list', { name: /readyState steps of connection 1/ }).innerText();
    expect(steps).toMatch(/CONNECTING \(0\)\s+0\.0 ms/);
    expect(steps).toMatch(/CLOSED \(3\)\s+[\d.,]+ ms/);
    expect(steps).not.toMatch(/OPEN \(1\)\s+[\d.,]+ ms/);
  });

  it('works at message level only with a server that is not ours, and says so', async () => {
    const other = createFramescopeServer({ quiet: true, pingInterval: 0, idleTimeout: 0 });
    const otherPort = (await other.listen(0, '127.0.0.1')).port;
    try {
      const { page, errors } = await openPlayground(suite, url());
      // Same machine, another port: another host as far as the page is concerned.
      await page.getByLabel('WebSocket URL').fill(`ws://localhost:${otherPort}/echo`);
      // This server may watch it through /proxy (tests/e2e/proxy.test.ts); unticked, the browser goes straight.
      const watch = page.getByRole('checkbox', { name: 'Watch through Framescope' });
      await expect.poll(() => watch.isChecked()).toBe(true);
      await watch.uncheck();
      await page.getByRole('button', { name: 'Connect', exact: true }).click();
      await page.getByRole('status').filter({ hasText: /Connection 1: OPEN \(messages only: not this page’s server/ }).waitFor();
      await page.getByRole('note').filter({ hasText: 'is not this page’s server' }).first().waitFor();
      await sendText(page, 'Hi there');
      const log = page.getByRole('list', { name: 'Messages sent and received' });
      await log.getByText('Hi there').first().waitFor();
      await expect.poll(() => log.getByRole('listitem').count()).toBe(2);
      expect(await page.getByRole('listbox', { name: /^Frames on the wire/ }).count()).toBe(0);
      expect(errors).toEqual([]);
    } finally {
      await other.close({ timeout: 500 });
    }
  });
});
