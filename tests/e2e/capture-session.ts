/**
 * The capture e2e tests' shared steps: a varied playground session through the page's own socket
 * (text, a 16-bit length, a server ping and the browser's pong, a fragmented echo, a close with a
 * reason), "Save capture" downloads, and capture files made for the decoder page (no WebSocket in
 * it, a big one).
 */
import { createWriteStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import type { Download, Locator, Page } from 'playwright-core';
import { expect } from 'vitest';
import { PcapngWriter, TcpConversation, writePcapng, type SynthPacket } from '../../src/capture';
import { encodeFrame } from '../../src/protocol';

export function frameList(page: Page, name: RegExp | string = /^Frames on the wire/): Locator {
  return page.getByRole('listbox', { name });
}

export async function connect(page: Page): Promise<void> {
  await page.getByRole('button', { name: /^(Connect|Reconnect)$/ }).click();
  await expect.poll(() => page.getByRole('status').filter({ hasText: /^Connection \d+: OPEN/ }).count()).toBe(1);
}

export async function sendText(page: Page, text: string): Promise<void> {
  const box = page.getByRole('textbox', { name: 'Text message' });
  await box.fill(text);
  await box.press('Enter');
  await expect.poll(() => box.inputValue()).toBe('');
}

/**
 * Hello, 200 bytes (the 16-bit length), a server ping (and the browser's pong), the next echo in
 * 3 fragments, then Disconnect with 1000 "done". Resolves once the server's Close frame is listed:
 * 12 frames on the wire: 5 from the browser, 7 from the server.
 */
export async function playSession(page: Page): Promise<void> {
  await connect(page);
  await sendText(page, 'Hello');
  await page.getByRole('radio', { name: 'N bytes' }).check();
  await page.getByRole('spinbutton', { name: 'Payload size in bytes' }).fill('200');
  await page.getByRole('button', { name: 'Send', exact: true }).click();
  await frameList(page).getByRole('option', { name: /server to client, .*, text, FIN 1, MASK 0, 200 bytes/ }).waitFor();
  await page.getByRole('button', { name: 'Ask the server to ping' }).click();
  await frameList(page).getByRole('option', { name: /client to server, .*, pong/ }).waitFor();
  await page.getByRole('spinbutton', { name: 'fragments' }).fill('3');
  await page.getByRole('button', { name: 'Echo the next message in fragments' }).click();
  await page.getByRole('status').filter({ hasText: /^Server: / }).waitFor();
  await page.getByRole('radio', { name: 'Text', exact: true }).check();
  await sendText(page, 'in three pieces');
  await frameList(page).getByRole('option', { name: /server to client, .*, continuation, FIN 1/ }).waitFor();
  await page.getByLabel('Close code').selectOption('1000');
  await page.getByLabel('Reason', { exact: true }).fill('done');
  await page.getByRole('button', { name: 'Disconnect' }).click();
  await frameList(page).getByRole('option', { name: /server to client, .*, close, .*code 1000/ }).waitFor();
  await expect.poll(() => frameList(page).getByRole('option').count()).toBe(12);
}

/** Clicks `button` (in the Save capture dialog) and gives the downloaded file's name and bytes. */
export async function download(page: Page, button: Locator): Promise<{ name: string; bytes: Buffer; path: string }> {
  const [file] = await Promise.all([page.waitForEvent('download'), button.click()]);
  const path = await (file as Download).path();
  return { name: (file as Download).suggestedFilename(), bytes: await readFile(path), path };
}

/** A pcapng with one plain HTTP request and answer on port 8080: TCP, but no WebSocket. */
export function noWebSocketCapture(): Uint8Array {
  const tcp = new TcpConversation({ address: '127.0.0.1', port: 50123 }, { address: '127.0.0.1', port: 8080 }, { client: 1000, server: 9000 });
  const enc = new TextEncoder();
  const request = enc.encode('GET /index.html HTTP/1.1\r\nHost: 127.0.0.1:8080\r\n\r\n');
  const response = enc.encode('HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nhi');
  const t = 1_765_000_000_000;
  const packets: SynthPacket[] = [...tcp.open(t), ...tcp.send('client', request, request.length, t + 1), ...tcp.send('server', response, response.length, t + 2), ...tcp.close('server', t + 3)];
  return writePcapng(packets);
}

/**
 * About `megabytes` MB of pcapng: one WebSocket connection whose client sends masked 16 KiB
 * binary frames, each echoed, written to `file` as it is made (never whole in memory).
 */
export async function bigCapture(file: string, megabytes: number): Promise<{ frames: number; size: number }> {
  const out = createWriteStream(file);
  const write = (bytes: Uint8Array): Promise<void> =>
    new Promise((resolve, reject) => {
      if (out.write(bytes)) resolve();
      else out.once('drain', resolve).once('error', reject);
    });
  const writer = new PcapngWriter({ interfaceDescription: 'big test capture' });
  let size = 0;
  const put = async (packets: SynthPacket[]): Promise<void> => {
    for (const p of packets) {
      const bytes = writer.packet(p);
      size += bytes.length;
      await write(bytes);
    }
  };
  const header = writer.header();
  size += header.length;
  await write(header);
  const tcp = new TcpConversation({ address: '127.0.0.1', port: 50200 }, { address: '127.0.0.1', port: 8008 }, { client: 7, server: 70_000 });
  const enc = new TextEncoder();
  let t = 1_765_000_000_000;
  const request = enc.encode('GET /echo HTTP/1.1\r\nHost: 127.0.0.1:8008\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n');
  const response = enc.encode('HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n\r\n');
  await put([...tcp.open(t), ...tcp.send('client', request, request.length, t), ...tcp.send('server', response, response.length, t)]);
  const payload = new Uint8Array(16 * 1024).map((_, i) => (i * 7) & 0xff);
  let frames = 0;
  while (size < megabytes * 1_000_000) {
    t += 0.05;
    const key = Uint8Array.of(frames & 0xff, 0x5a, 0xa5, (frames >> 8) & 0xff);
    const masked = encodeFrame({ opcode: 2, payload, maskingKey: key }, (n) => new Uint8Array(n));
    const echo = encodeFrame({ opcode: 2, payload }, (n) => new Uint8Array(n));
    await put([...tcp.send('client', masked, masked.length, t), ...tcp.send('server', echo, echo.length, t + 0.01)]);
    frames += 2;
  }
  await put(tcp.close('server', t + 1));
  await new Promise<void>((resolve, reject) => out.end((error?: Error | null) => (error ? reject(error) : resolve())));
  return { frames, size };
}
