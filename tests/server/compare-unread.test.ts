/**
 * What the comparison writes and its clients have not read (server/transports/unsent.ts): a poll
 * answers at most `maxAnswerBytes` of echoes (the client asks again for the rest); a client that
 * reads a large answer slowly keeps it, one that stops reading is dropped after `stallMs`; an event
 * stream whose write would take the unread bytes past their bound is dropped and reconnects.
 * Server memory under many such clients: tests/abuse/compare.test.ts.
 */
import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { COMPARE_PATHS, type HttpTransportName, type PollResponse } from '../../src/wire/compare';
import type { FramescopeServerOptions } from '../../server/server';
import { memoryLogger } from '../../server/log';
import { startServer, type Running } from './helpers';

const MiB = 1024 * 1024;
let running: Running | null = null;
afterEach(async () => {
  await running?.stop();
  running = null;
});

async function serve(options: FramescopeServerOptions = {}): Promise<Running> {
  running = await startServer(options);
  return running;
}

const base = (r: Running): string => `http://127.0.0.1:${r.port}`;
const post = (r: Running, transport: HttpTransportName, run: string, seq: number, text: string): Promise<Response> =>
  fetch(`${base(r)}${COMPARE_PATHS.send(transport)}?run=${run}&seq=${seq}`, { method: 'POST', body: text });

async function seqs(r: Running, transport: 'short-polling' | 'long-polling', run: string, after: number): Promise<number[]> {
  const response = await fetch(`${base(r)}${COMPARE_PATHS.poll(transport)}?run=${run}&after=${after}`);
  expect(response.status).toBe(200);
  return ((await response.json()) as PollResponse).messages.map((m) => m.seq);
}

/** A raw GET on its own connection, not read until the test resumes it. */
function rawGet(r: Running, target: string): net.Socket {
  const socket = net.connect(r.port, '127.0.0.1');
  socket.on('error', () => {});
  socket.pause();
  socket.write(`GET ${target} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n`);
  return socket;
}

/** Control characters: 1 byte of text, 6 of JSON ("\u0001"). A 1 MiB message is a 6 MiB answer. */
const escaped = (bytes: number): string => '\u0001'.repeat(bytes);

describe('answers', () => {
  it('carry at most maxAnswerBytes of echoes, but always one; the next poll gets the rest', async () => {
    const r = await serve({ compare: { maxAnswerBytes: 1000 } });
    for (const [seq, size] of [[1, 400], [2, 400], [3, 400], [4, 1500], [5, 10]] as const) {
      expect((await post(r, 'short-polling', 'capped-run', seq, 'a'.repeat(size))).status).toBe(204);
      expect((await post(r, 'long-polling', 'capped-run', seq, 'a'.repeat(size))).status).toBe(204);
    }
    for (const transport of ['short-polling', 'long-polling'] as const) {
      expect(await seqs(r, transport, 'capped-run', 0)).toEqual([1, 2]);
      expect(await seqs(r, transport, 'capped-run', 2)).toEqual([3]);
      expect(await seqs(r, transport, 'capped-run', 3)).toEqual([4]);
      expect(await seqs(r, transport, 'capped-run', 4)).toEqual([5]);
    }
  });

  it('a client reading a large answer slowly gets all of it; one that stops reading is dropped after stallMs', { timeout: 60_000 }, async () => {
    const logger = memoryLogger();
    const r = await serve({ logger, quiet: false, compare: { stallMs: 1000, maxAnswerBytes: 4 * MiB, maxUnsentBytes: 64 * MiB } });
    for (let seq = 1; seq <= 4; seq++) expect((await post(r, 'short-polling', 'big-answer', seq, escaped(MiB))).status).toBe(204);
    const target = `${COMPARE_PATHS.poll('short-polling')}?run=big-answer&after=0`;
    // About 24 MiB of JSON: more than the kernel's buffers take, so most of it waits in the server.
    const slow = rawGet(r, target);
    const stopped = rawGet(r, target);
    await expect.poll(() => r.server.compare.unsent.sockets).toBe(2);
    let received = 0;
    let ended = false;
    let tick = 0;
    slow.on('data', (chunk: Buffer) => {
      received += chunk.length;
      if (received > tick * 256 * 1024) slow.pause();
    });
    slow.on('close', () => (ended = true));
    // 256 KiB every 50 ms: a few seconds for the whole answer, stallMs many times over.
    const reading = setInterval(() => {
      tick++;
      slow.resume();
    }, 50);
    await expect.poll(() => received, { timeout: 45_000, interval: 100 }).toBeGreaterThan(24 * MiB);
    clearInterval(reading);
    expect(ended).toBe(false);
    await expect.poll(() => r.server.compare.unsent.stalled, { timeout: 10_000 }).toBe(1);
    expect(logger.lines.filter((line) => line.startsWith('drop '))).toEqual([
      expect.stringMatching(/^drop {2}GET \/compare\/short-polling\/poll run=big-answer: \d+ bytes unsent for \d+\.\d s; the client is not reading$/),
    ]);
    slow.destroy();
    stopped.destroy();
  });
});

describe('event streams', () => {
  it('a stream whose write would take the unread bytes past their bound is dropped, with the reason in the log', async () => {
    const logger = memoryLogger();
    // The stream's own high-water mark is out of reach: the shared bound is what drops it.
    const r = await serve({ logger, quiet: false, compare: { maxUnsentBytes: MiB, streamHighWater: 64 * MiB, queue: { maxBytes: 8 * MiB } } });
    const stalled = rawGet(r, `${COMPARE_PATHS.events}?run=unread-stream`);
    await expect.poll(() => r.server.compare.sse.streams).toBe(1);
    const big = 'y'.repeat(256 * 1024);
    let seq = 0;
    // The kernel's socket buffers take a few MiB first; what waits in the server is what is bounded.
    while (r.server.compare.sse.dropped === 0 && seq < 256) {
      seq++;
      expect((await post(r, 'sse', 'unread-stream', seq, big)).status).toBe(204);
      expect(r.server.compare.unsent.total).toBeLessThanOrEqual(MiB + big.length + 1024);
    }
    expect(r.server.compare.sse.dropped).toBe(1);
    expect(r.server.compare.sse.streams).toBe(0);
    expect(logger.lines.some((line) => /drop {2}\/compare\/sse\/events run=unread-stream: clients have \d+ bytes unread, the most the server holds/.test(line))).toBe(true);
    stalled.destroy();
  });
});
