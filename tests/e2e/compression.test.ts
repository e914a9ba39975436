/**
 * The compression toggle in Chromium, against the real server started without --deflate: the
 * toggle reconnects with ?deflate, the handshake panel shows the browser's offer and the server's
 * answer, "Hello" goes out compressed (RSV1 1) and the page inflates it with its own
 * DecompressionStream; the same "Hello" again compresses to fewer bytes (the window holds it).
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createFramescopeServer, type FramescopeServer } from '../../server/server';
import { builtAppDir } from './app';
import { describeBrowser } from './browser';
import { screenshotDir } from './screenshots';

async function sendText(page: Page, text: string): Promise<void> {
  const box = page.getByRole('textbox', { name: 'Text message' });
  await box.fill(text);
  await box.press('Enter');
  await expect.poll(() => box.inputValue()).toBe('');
}

describeBrowser('compression (permessage-deflate)', (suite) => {
  let server: FramescopeServer;
  let port = 0;

  beforeAll(async () => {
    server = createFramescopeServer({ quiet: true, staticDir: builtAppDir(), pingInterval: 0, idleTimeout: 0 });
    port = (await server.listen(0, '127.0.0.1')).port;
  });
  afterAll(async () => {
    await server?.close({ timeout: 500 });
  });

  it('the toggle reconnects with ?deflate; "Hello" shows RSV1 1 and inflates to "Hello"; the second costs fewer bytes', async () => {
    const { page, errors } = await suite.open(`http://127.0.0.1:${port}/index.html#/`, { colorScheme: 'light' });
    await page.getByRole('heading', { level: 1, name: 'Playground' }).waitFor();
    await page.getByRole('button', { name: 'Connect', exact: true }).click();
    await expect.poll(() => page.getByRole('status').filter({ hasText: /^Connection 1: OPEN/ }).count()).toBe(1);

    // On: the page reconnects (connection 2) with ?deflate and the server accepts the browser's offer.
    await page.getByRole('checkbox', { name: 'Compression (permessage-deflate)' }).check();
    await expect.poll(() => page.getByRole('status').filter({ hasText: /^Connection 2: OPEN/ }).count()).toBe(1);
    await sendText(page, 'Hello');
    const list = page.getByRole('listbox', { name: /^Frames on the wire/ });
    const client = list.getByRole('option', { name: /client to server, .*, text, FIN 1, MASK 1/ }).last();
    await client.waitFor();
    await client.click();
    const frame = page.getByRole('region', { name: 'Selected frame' });
    const grid = frame.getByRole('group', { name: /Frame header bits/ });
    await grid.getByRole('button', { name: /^RSV1\s*:\s*1\b/ }).waitFor();
    await grid.getByText('Payload (compressed)', { exact: true }).first().waitFor();
    await expect.poll(() => frame.getByTestId('inflated-text').innerText()).toBe('Hello');
    expect(await frame.getByText(/The same bytes the server reported/).count()).toBe(1);
    expect(await frame.getByTestId('compressed-bytes').innerText()).toMatch(/00 00 ff ff$/);
    // The handshake of the selected frame's connection: the browser's offer, accepted, and why.
    const handshake = page.getByRole('region', { name: 'Compression: permessage-deflate (RFC 7692)' });
    await handshake.getByText('✓ accepted').waitFor();
    expect(await handshake.innerText()).toMatch(/offer 1: permessage-deflate; client_max_window_bits/);
    expect(await handshake.innerText()).toMatch(/The URL asks for compression/);

    // The server's echo, and the second "Hello" each way: the window already holds it.
    await sendText(page, 'Hello');
    const echoes = list.getByRole('option', { name: /server to client, .*, text, FIN 1, MASK 0/ });
    await expect.poll(() => echoes.count()).toBe(2);
    await echoes.last().click();
    await grid.getByRole('button', { name: /^RSV1\s*:\s*1\b/ }).waitFor();
    await expect.poll(() => frame.getByTestId('inflated-text').innerText()).toBe('Hello');
    await frame.getByText('The window already holds it.').waitFor();
    expect(await frame.getByTestId('compression-ratio').innerText()).toMatch(/^5 bytes on the wire for 5 bytes/);
    await frame.screenshot({ path: `${screenshotDir}playground-compression.png` });
    expect(errors).toEqual([]);
  });
});
