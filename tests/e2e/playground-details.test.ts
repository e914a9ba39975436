/**
 * The smaller points of issue 12, in Chromium on the built app: a frame cut at the inspector's
 * 64 KiB said to be whole on the wire, any close code 3000-4999, "add ws://", the server flood
 * demonstration with its backpressure, and the decoder's examples all in view at 1280.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createFramescopeServer, type FramescopeServer } from '../../server/server';
import { builtAppDir } from './app';
import { describeBrowser } from './browser';

describeBrowser('the playground\u2019s smaller points', (suite) => {
  let server: FramescopeServer;
  let port = 0;
  const url = (hash = '#/'): string => `http://127.0.0.1:${port}/index.html${hash}`;

  beforeAll(async () => {
    server = createFramescopeServer({ quiet: true, staticDir: builtAppDir(), pingInterval: 0, idleTimeout: 0 });
    port = (await server.listen(0, '127.0.0.1')).port;
  });
  afterAll(async () => {
    await server?.close({ timeout: 500 });
  });

  async function connected(hash = '#/') {
    const opened = await suite.open(url(hash));
    await opened.page.getByRole('button', { name: 'Connect', exact: true }).click();
    await opened.page.getByRole('status').filter({ hasText: /^Connection 1: OPEN/ }).waitFor();
    return opened;
  }

  it('says a 70,000-byte frame the inspector cut at 64 KiB was whole on the wire, and how to see all of it', async () => {
    const { page, errors } = await connected();
    await page.getByRole('radio', { name: 'N bytes' }).check();
    await page.getByRole('spinbutton', { name: 'Payload size in bytes' }).fill('70000');
    await page.getByRole('button', { name: 'Send', exact: true }).click();
    const list = page.getByRole('listbox', { name: /^Frames on the wire/ });
    await list.getByRole('option', { name: /client to server, .*, text, FIN 1, MASK 1, 70,000 bytes/ }).click();
    const frame = page.getByRole('region', { name: 'Selected frame' });
    const note = frame.getByRole('note').filter({ hasText: 'was whole on the wire' });
    await note.waitFor();
    expect(await note.innerText()).toMatch(/This 70,014-byte frame was whole on the wire; the inspector keeps at most the first 64 KiB \(65,536 bytes\) of a frame, so 4,478 bytes of its payload are not shown here\./);
    expect(await note.innerText()).toContain('--inspect-frame-bytes 1MiB');
    expect(await frame.getByText(/bytes end mid-frame|more bytes? needed/).count()).toBe(0);
    // Its 64-bit length form is all there.
    await frame.getByRole('button', { name: /^Extended payload length: [01]+ = 70000,/ }).waitFor();
    expect(errors).toEqual([]);
  });

  it('closes with any code from 3000 to 4999, typed in', async () => {
    const { page } = await connected();
    await page.getByLabel('Close code').selectOption({ label: 'Another code (3000–4999)…' });
    const code = page.getByLabel('Your code (3000–4999)');
    await code.fill('4321');
    await page.getByRole('button', { name: 'Disconnect' }).click();
    await page.getByRole('status').filter({ hasText: 'Closed with 4321' }).waitFor();
    const timeline = await page.getByRole('region', { name: 'readyState timeline' }).innerText();
    expect(timeline).toMatch(/close: code 4321(, reason "[^"]*")?, wasClean true/);
    await page.getByRole('listbox', { name: /^Frames on the wire/ }).getByRole('option', { name: /client to server, .*, close, .*code 4321/ }).waitFor();
  });

  it('says "add ws://" for an address typed without it', async () => {
    const { page } = await suite.open(url());
    await page.getByLabel('WebSocket URL').fill(`127.0.0.1:${port}/echo`);
    await page.getByRole('button', { name: 'Connect', exact: true }).click();
    await page.getByRole('note').filter({ hasText: `"127.0.0.1:${port}/echo" has no ws:// in front: add ws://` }).waitFor();
  });

  it('floods: the server sends 20,000 messages as fast as the browser reads them, and says how it went', { timeout: 120_000 }, async () => {
    const { page, errors } = await connected();
    await page.getByLabel('messages', { exact: true }).fill('20000');
    await page.getByLabel('each').selectOption({ label: '1 KiB' });
    await page.getByRole('button', { name: /^Flood: the server sends 20,000 messages$/ }).click();
    const progress = page.getByRole('group', { name: 'Flood progress' }).or(page.locator('dl[aria-label="Flood progress"]'));
    await page.getByText(/^20,000 of 20,000 in [\d.]+ s, all sent/).waitFor({ timeout: 90_000 });
    await expect.poll(async () => /([\d,]+) message events/.exec(await progress.innerText())?.[1], { timeout: 30_000 }).toBe('20,000');
    const text = await progress.innerText();
    // 20 MB through one socket: the server's unsent bytes and its waits for the browser are shown.
    expect(text).toMatch(/KiB at most/);
    expect(text).toMatch(/the server waited for the browser \d+ times?/);
    expect(errors).toEqual([]);
  });

  it('shows every example group of the decoder, the broken frames included, without a scroll box of its own (1280×720)', async () => {
    const { page } = await suite.open(url('#/decode'));
    const broken = page.getByRole('heading', { level: 3, name: 'Broken frames' });
    await broken.waitFor();
    const list = page.getByRole('list', { name: 'Broken frames' });
    // Nothing between the list and the page clips it: its every button is visible once scrolled to.
    await list.getByRole('button').last().scrollIntoViewIfNeeded();
    expect(await list.getByRole('button').last().isVisible()).toBe(true);
    const clipped = await list.evaluate((el) => {
      for (let node = el.parentElement; node && node !== document.body; node = node.parentElement) {
        const style = getComputedStyle(node);
        if (/(auto|scroll|hidden)/.test(style.overflowY) && node.scrollHeight > node.clientHeight + 1) return true;
      }
      return false;
    });
    expect(clipped).toBe(false);
  });
});
