/**
 * The decoder page (#/decode) in Chromium, against the static build served by a plain static file
 * server: no WebSocket endpoints anywhere. Screenshots (1280x720, light and dark) go to
 * docs/screenshots/decoder-*.png.
 */
import { screenshotDir } from './screenshots';
import { mkdir } from 'node:fs/promises';
import { pathToFileURL } from 'node:url';
import type { Locator, Page } from 'playwright-core';
import { expect, it } from 'vitest';
import { builtAppDir, useBuiltApp } from './app';
import { describeBrowser } from './browser';

const screenshots = screenshotDir;
const MASKED_HELLO = '81 85 37 fa 21 3d 7f 9f 4d 51 58';

async function shoot(page: Page, name: string): Promise<void> {
  await mkdir(screenshots, { recursive: true });
  await page.screenshot({ path: `${screenshots}${name}.png` });
}

/** Wait for the status line to settle on a result matching `pattern`. */
async function statusMatches(page: Page, pattern: RegExp, timeout = 10_000): Promise<string> {
  const status = page.getByTestId('decoder-status');
  await status.filter({ hasText: pattern }).waitFor({ timeout });
  return (await status.textContent()) ?? '';
}

function fieldValue(frame: Locator, key: string): Promise<string | null> {
  return frame.locator(`tr[data-field="${key}"] td.value`).textContent();
}

/** Scroll so `locator` sits near the top of the viewport (for screenshots). */
async function scrollToTop(locator: Locator): Promise<void> {
  await locator.evaluate((element) => {
    const top = element.getBoundingClientRect().top + window.scrollY - 8;
    window.scrollTo(0, top);
  });
}

describeBrowser('decoder page (static build, no server)', (suite) => {
  const app = useBuiltApp();

  async function pasteMaskedHello(colorScheme: 'light' | 'dark' = 'light') {
    const opened = await suite.open(app.url('#/decode'), { colorScheme });
    const { page } = opened;
    await page.getByLabel('Bytes as hex').fill(MASKED_HELLO);
    await statusMatches(page, /1 complete frame/);
    return opened;
  }

  it('decodes the masked "Hello" of RFC 6455 §5.7 field by field', async () => {
    const { page, errors } = await pasteMaskedHello();
    const frame = page.getByRole('article', { name: 'Frame at byte 0' });
    await frame.waitFor();

    expect(await fieldValue(frame, 'fin')).toBe('1');
    expect(await fieldValue(frame, 'opcode')).toBe('0x1 text');
    expect(await fieldValue(frame, 'mask')).toBe('1');
    expect(await fieldValue(frame, 'payload-length')).toBe('5');
    expect(await fieldValue(frame, 'masking-key')).toBe('37 fa 21 3d');
    expect((await frame.getByLabel('Payload as text').textContent())?.trim()).toBe('Hello');

    // The bit grid: labels as in RFC 6455 §5.2, each field a named, focusable cell.
    for (const label of ['FIN', 'RSV1', 'RSV2', 'RSV3', 'Opcode', 'MASK', 'Payload length', 'Masking key', 'Payload']) {
      expect(await frame.locator('.seg .label', { hasText: new RegExp(`^${label}`) }).count()).toBeGreaterThan(0);
    }
    const opcode = frame.getByRole('button', { name: 'Opcode: 0001 = 0x1 text, bits 4 to 7', exact: true });
    await opcode.focus();
    const tip = frame.getByRole('tooltip').filter({ hasText: 'Starts a text message' });
    expect(await tip.isVisible()).toBe(true);
    expect(await tip.textContent()).toContain('RFC 6455 §5.6');
    await page.keyboard.press('Escape');
    expect(await tip.isVisible()).toBe(false);

    // The masking walkthrough shows the XOR for each byte.
    const walk = frame.getByRole('region', { name: 'Masking walkthrough' });
    expect(await walk.textContent()).toContain('= unmasked');
    expect(await walk.locator('tr.result td').allTextContents()).toEqual(['48', '65', '6c', '6c', '6f']);

    // The link in the address bar holds the input.
    expect(page.url()).toContain('#/decode?role=any&hex=818537fa213d7f9f4d5158');

    await scrollToTop(frame);
    await shoot(page, 'decoder-frame');
    await scrollToTop(walk);
    await shoot(page, 'decoder-masking');
    expect(errors).toEqual([]);
  });

  it('looks right in the dark theme too', async () => {
    const { page, errors } = await pasteMaskedHello('dark');
    const frame = page.getByRole('article', { name: 'Frame at byte 0' });
    await scrollToTop(frame);
    await shoot(page, 'decoder-frame-dark');
    await page.evaluate(() => window.scrollTo(0, 0));
    await shoot(page, 'decoder-input-dark');
    await page.getByRole('tab', { name: 'Build a frame' }).click();
    await page.getByText('Decodes back to the same frame ✓').waitFor();
    await shoot(page, 'decoder-builder-dark');
    expect(errors).toEqual([]);
  });

  it('pins a fault to its byte: an unmasked frame from a client', async () => {
    const { page, errors } = await suite.open(app.url('#/decode'));
    await page.getByLabel('Sent by').selectOption('client');
    await page.getByLabel('Bytes as hex').fill('81 05 48 65 6c 6c 6f');
    const status = await statusMatches(page, /Fault at byte 1/);
    expect(status).toContain('Close code 1002 Protocol Error');

    const frame = page.getByRole('article', { name: 'Frame at byte 0' });
    expect(await frame.getByRole('note', { name: 'Fault' }).textContent()).toContain('Fault at byte 1: close with 1002 Protocol Error');
    // The grid marks the MASK bit; the hex views mark byte 1 (05).
    expect(await frame.getByRole('button', { name: 'MASK: 0, bit 8, at fault', exact: true }).count()).toBe(1);
    expect(await frame.locator('.hexview .b.fault').allTextContents()).toEqual(['05']);
    const all = page.getByRole('region', { name: 'All the bytes, as on the wire' });
    expect(await all.getByRole('button', { name: 'byte 1: 05, at fault' }).count()).toBe(1);
    expect(await all.locator('.b.fault').count()).toBe(1);

    await scrollToTop(frame);
    await shoot(page, 'decoder-fault');
    expect(errors).toEqual([]);
  });

  it('shows a fault after good frames, from the examples gallery, in both themes', async () => {
    for (const colorScheme of ['light', 'dark'] as const) {
      const { page, errors } = await suite.open(app.url('#/decode'), { colorScheme });
      await page.getByRole('button', { name: 'Fragmented ping' }).click();
      await statusMatches(page, /Fault at byte 5/);
      const frames = page.getByRole('listbox', { name: 'Frames, in stream order' });
      expect(await frames.getByRole('option').count()).toBe(2);
      expect(await frames.getByRole('option', { selected: true, name: /^#2 at byte 5 ping/ }).count()).toBe(1);
      const frame = page.getByRole('article', { name: 'Frame at byte 5' });
      expect(await frame.getByRole('button', { name: 'FIN: 0, bit 0, at fault', exact: true }).count()).toBe(1);
      await scrollToTop(frame);
      await shoot(page, colorScheme === 'light' ? 'decoder-fault-gallery' : 'decoder-fault-dark');
      expect(errors).toEqual([]);
    }
  });

  it('assembles fragments with a control frame between them', async () => {
    const { page, errors } = await suite.open(app.url('#/decode'));
    await page.getByRole('button', { name: 'Ping between fragments' }).click();
    await statusMatches(page, /3 complete frames, 2 messages/);
    const messages = page.getByRole('listbox', { name: 'Messages and control frames, assembled' });
    expect(await messages.getByRole('option').count()).toBe(2);
    const message = messages.getByRole('option', { name: /^Text message, 5 bytes, 2 fragments\s*frames #1, #3\s*“Hello”$/ });
    expect(await message.getAttribute('aria-posinset')).toBe('1');
    const ping = messages.getByRole('option', { name: /^Ping, 6 bytes\s*frame #2\s*, between the fragments of message 1\s*“Hello\?”$/ });
    expect(await ping.getAttribute('aria-posinset')).toBe('2');
    // Keyboard: the frame list moves with the arrow keys.
    const frames = page.getByRole('listbox', { name: 'Frames, in stream order' });
    await frames.focus();
    await page.keyboard.press('ArrowDown');
    await page.getByRole('article', { name: 'Frame at byte 9' }).waitFor();
    await shoot(page, 'decoder-input');
    expect(errors).toEqual([]);
  });

  it('says where the bytes end mid-frame and what is still needed', async () => {
    const { page, errors } = await suite.open(app.url('#/decode'));
    await page.getByLabel('Bytes as hex').fill('81 85 37 fa 21 3d 7f 9f');
    await statusMatches(page, /needs 3 more bytes/);
    const frame = page.getByRole('article', { name: 'Frame at byte 0' });
    expect(await frame.getByRole('note').first().textContent()).toContain('8 bytes of 11 bytes present, 3 more bytes needed');
    expect(await fieldValue(frame, 'masking-key')).toBe('37 fa 21 3d');
    expect(errors).toEqual([]);
  });

  it('names the line and column of a hex error and selects the spot', async () => {
    const { page, errors } = await suite.open(app.url('#/decode'));
    const input = page.getByLabel('Bytes as hex');
    await input.fill('81 85\n37 zz 21 3d');
    await statusMatches(page, /Not readable as hex: .*line 2, column 4/);
    expect(await input.getAttribute('aria-invalid')).toBe('true');
    await page.getByRole('button', { name: 'Go to line 2, column 4' }).click();
    const selected = await input.evaluate((area: HTMLTextAreaElement) => [
      document.activeElement === area,
      area.value.slice(area.selectionStart, area.selectionEnd),
    ]);
    expect(selected[0]).toBe(true);
    expect(selected[1]).toMatch(/^z/);
    await shoot(page, 'decoder-hex-error');
    expect(errors).toEqual([]);
  });

  it('opens a shared link and shows the same decode', async () => {
    const first = await suite.newPage({ permissions: ['clipboard-read', 'clipboard-write'] });
    await first.page.goto(app.url('#/decode'));
    await first.page.getByLabel('Sent by').selectOption('client');
    await first.page.getByLabel('Bytes as hex').fill(MASKED_HELLO);
    const status = await statusMatches(first.page, /1 complete frame/);
    await first.page.getByRole('button', { name: 'Copy link' }).click();
    await first.page.getByText('Link copied').waitFor();
    const link = await first.page.evaluate(() => navigator.clipboard.readText());
    expect(link).toBe(first.page.url());
    expect(link).toMatch(/#\/decode\?role=client&hex=818537fa213d7f9f4d5158$/);

    const { page, errors } = await suite.open(link);
    expect(await statusMatches(page, /1 complete frame/)).toBe(status);
    expect(await page.getByLabel('Sent by').inputValue()).toBe('client');
    expect(await page.getByLabel('Bytes as hex').inputValue()).toBe(MASKED_HELLO);
    const frame = page.getByRole('article', { name: 'Frame at byte 0' });
    expect(await fieldValue(frame, 'masking-key')).toBe('37 fa 21 3d');
    expect((await frame.getByLabel('Payload as text').textContent())?.trim()).toBe('Hello');
    expect(errors).toEqual([]);
    expect(first.errors).toEqual([]);
  });

  it('follows a decoder link while open, and keeps its input on the bare nav link', async () => {
    const { page, errors } = await suite.open(app.url('#/decode'));
    await page.getByLabel('Bytes as hex').fill('81 00');
    await statusMatches(page, /2 bytes .*1 complete frame/);
    // "Open in decoder" from another page is a plain link to #/decode?role=…&hex=…
    await page.evaluate(() => (window.location.hash = '#/decode?role=server&hex=8a00'));
    await statusMatches(page, /2 bytes .*1 complete frame/);
    await page.getByRole('article', { name: 'Frame at byte 0' }).getByText('pong', { exact: false }).first().waitFor();
    expect(await page.getByLabel('Sent by').inputValue()).toBe('server');
    await page.getByRole('navigation', { name: 'Pages' }).getByRole('link', { name: 'Decoder' }).click();
    await page.waitForFunction(() => window.location.hash === '#/decode?role=server&hex=8a00');
    expect(await page.getByLabel('Bytes as hex').inputValue()).toBe('8a 00');
    expect(errors).toEqual([]);
  });

  it('decodes a large example from a file:// page too (no worker there: time slices)', async () => {
    const file = pathToFileURL(`${builtAppDir()}/index.html`).href;
    const { page, errors } = await suite.open(`${file}#/decode`);
    await page.getByRole('button', { name: '64 KiB binary (64-bit length)' }).click();
    await statusMatches(page, /65,546 bytes .*1 complete frame, 1 message/, 20_000);
    const frame = page.getByRole('article', { name: 'Frame at byte 0' });
    expect(await fieldValue(frame, 'extended-payload-length')).toBe('65536');
    // Browsers refuse workers to file:// pages; the page falls back quietly.
    expect(errors).toEqual([]);
  });

  it('copes with a bad link', async () => {
    const { page, errors } = await suite.open(app.url('#/decode?role=martian&hex=81zz%3Cb%3E&frame=x'));
    await statusMatches(page, /Not readable as hex/);
    expect(await page.getByText(/The link's role "martian"/).count()).toBe(1);
    expect(await page.locator('b').count()).toBe(0);
    expect(errors).toEqual([]);
  });

  it('builds a frame and shows it decodes back the same', async () => {
    const { page, errors } = await suite.open(app.url('#/decode'));
    await page.getByRole('tab', { name: 'Build a frame' }).click();
    await page.getByText('Decodes back to the same frame ✓').waitFor();
    const builder = page.getByRole('tabpanel', { name: 'Build a frame' });
    expect(await builder.getByLabel('Spaced hex', { exact: true }).textContent()).toBe(MASKED_HELLO);
    await shoot(page, 'decoder-builder');
    await page.getByLabel('Opcode', { exact: true }).selectOption('3');
    await page.getByText(/The parser refuses these bytes: Opcode 0x3 is reserved/).waitFor();
    await page.getByLabel('Opcode', { exact: true }).selectOption('2');
    await page.getByRole('button', { name: 'Open in the decoder' }).click();
    await statusMatches(page, /1 complete frame/);
    expect(page.url()).toContain('role=client&hex=828537fa213d');
    expect(errors).toEqual([]);
  });

  it('decodes a 1 MiB paste in a worker while the page stays responsive', async () => {
    const { page, errors } = await suite.open(app.url('#/decode'));
    const workerRequests: string[] = [];
    page.on('request', (request) => {
      if (request.url().includes('decode.worker')) workerRequests.push(request.url());
    });
    await page.getByLabel('Bytes as hex').waitFor();
    const result = await page.evaluate(async () => {
      // 1 MiB of masked binary frames: 16,384 frames of 64 bytes.
      const frame = [0x82, 0xba, 0x01, 0x02, 0x03, 0x04, ...Array<number>(58).fill(0x61)];
      const line = frame.map((b) => b.toString(16).padStart(2, '0')).join(' ');
      const text = Array<string>(16_384).fill(line).join('\n');
      const area = document.querySelector('textarea')!;
      const status = document.querySelector('[data-testid="decoder-status"]')!;
      // Every status line the page draws while it decodes. The worker reports progress after each
      // 64 KiB slice; each report is its own task on the page, so each one reaching the screen shows
      // the main thread was free between them (measured in steps, not in milliseconds).
      const shown: string[] = [];
      const observer = new MutationObserver(() => {
        const text = status.textContent ?? '';
        if (shown.at(-1) !== text) shown.push(text);
      });
      observer.observe(status, { childList: true, characterData: true, subtree: true });
      const start = performance.now();
      area.focus();
      const data = new DataTransfer();
      data.setData('text/plain', text);
      area.dispatchEvent(new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true }));
      let sawProgress = false;
      while (!/complete frames/.test(status.textContent ?? '') && performance.now() - start < 30_000) {
        sawProgress ||= status.querySelector('progress') !== null;
        await new Promise((done) => setTimeout(done, 10));
      }
      observer.disconnect();
      const percents = shown.flatMap((line) => /Decoding frames\u2026 (\d+)%/.exec(line)?.slice(1) ?? []).map(Number);
      return { percents, sawProgress, status: status.textContent, chars: text.length };
    });
    expect(result.chars).toBeGreaterThan(3_000_000);
    expect(result.status).toContain('1,048,576 bytes (spaced hex): 16,384 complete frames');
    expect(result.sawProgress).toBe(true);
    // 16 slices of 64 KiB: the page drew the progress after each of the first 15, one at a time.
    expect(result.percents).toEqual([6, 12, 18, 25, 31, 37, 43, 50, 56, 62, 68, 75, 81, 87, 93]);
    expect(workerRequests.length).toBeGreaterThan(0);

    // The frame list is windowed: 16,384 frames, a handful of rows in the DOM.
    const frames = page.getByRole('listbox', { name: 'Frames, in stream order' });
    expect(await frames.getByRole('option').count()).toBeLessThan(40);
    await frames.focus();
    await page.keyboard.press('End');
    await page.getByRole('article', { name: 'Frame at byte 1,048,512' }).waitFor();
    expect(await frames.getByRole('option', { selected: true }).getAttribute('aria-posinset')).toBe('16384');
    await scrollToTop(page.getByTestId('decoder-status'));
    await shoot(page, 'decoder-large');
    expect(errors).toEqual([]);
  });
});
